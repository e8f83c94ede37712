/** Test helpers: a CliIO that records, and reading sections and tables back out of exported Markdown. */
import { PassThrough } from 'node:stream';
import type { CliIO } from '../../src/cli/io.js';

/** A CliIO whose stdout and stderr are recorded. */
export function recordingIO(cwd: string): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  return { stdout, stderr, stdin: new PassThrough(), env: {}, cwd, out: () => out, err: () => err };
}

/** The text under `## name` up to the next `## `. */
export function sectionOf(markdown: string, name: string): string {
  const start = markdown.indexOf(`\n## ${name}\n`);
  if (start < 0) throw new Error(`no section ${name}`);
  const rest = markdown.slice(start + name.length + 5);
  const end = rest.search(/\n## /);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Data rows of the first table in `text`, cells split on unescaped pipes and trimmed. */
export function tableRows(text: string): string[][] {
  const lines = text.split('\n').filter((l) => l.startsWith('|'));
  return lines.slice(2).map((l) =>
    l
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim()),
  );
}
