import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { importCommand } from '../../src/cli/commands/import.js';
import type { CliIO } from '../../src/cli/io.js';
import { UsageError } from '../../src/errors.js';
import { FIXTURES } from './helpers.js';

function fakeIO(cwd: string): CliIO & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return { stdout, stderr, stdin: new PassThrough(), env: {}, cwd, out: () => out, err: () => err };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'runbook-import-'));
  await cp(FIXTURES, path.join(dir, 'in'), { recursive: true, filter: (src) => !src.endsWith('.expected.md') });
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('runbook import', () => {
  it('prints a single file to stdout and the summary to stderr', async () => {
    const io = fakeIO(dir);
    expect(await importCommand(['in/console-mixed.md'], {}, io)).toBe(0);
    expect(io.out()).toBe(await readFile(path.join(FIXTURES, 'console-mixed.expected.md'), 'utf8'));
    expect(io.err()).toContain('in/console-mixed.md: 2 kubectl, 1 mitigate; 3 left as prose');
  });

  it('with stdout taken by the runbook, --report json goes to stderr', async () => {
    const io = fakeIO(dir);
    expect(await importCommand(['in/placeholders.md'], { report: 'json' }, io)).toBe(0);
    const report = JSON.parse(io.err());
    expect(report.totals.steps).toEqual({ promql: 0, kubectl: 5, sh: 0, mitigate: 0 });
    expect(report.files[0].candidates).toHaveLength(1);
    expect(io.out()).toContain('```kubectl {#get-pod}');
  });

  it('--out keeps relative paths under the folder; --report json goes to stdout', async () => {
    await writeFile(path.join(dir, 'in', 'notes.txt'), 'not markdown');
    const io = fakeIO(dir);
    expect(await importCommand(['in'], { out: 'out', report: 'json' }, io)).toBe(0);
    const report = JSON.parse(io.out());
    expect(report.totals.files).toBe(10);
    expect(report.files.map((f: { output: string }) => f.output)).toContain(path.join('out', 'pipeline.md'));
    for (const name of ['pipeline', 'hugo-frontmatter']) {
      expect(await readFile(path.join(dir, 'out', `${name}.md`), 'utf8')).toBe(await readFile(path.join(FIXTURES, `${name}.expected.md`), 'utf8'));
    }
    expect(io.err()).toBe('');
  });

  it('--write converts in place and a second run changes nothing', async () => {
    const io = fakeIO(dir);
    expect(await importCommand(['in/oc-command.md', 'in/yaml-lookalike.md'], { write: true }, io)).toBe(0);
    const written = await readFile(path.join(dir, 'in', 'oc-command.md'), 'utf8');
    expect(written).toBe(await readFile(path.join(FIXTURES, 'oc-command.expected.md'), 'utf8'));
    const again = fakeIO(dir);
    expect(await importCommand(['in/oc-command.md'], { write: true, report: 'json' }, again)).toBe(0);
    expect(JSON.parse(again.out()).totals.changed).toBe(0);
    expect(await readFile(path.join(dir, 'in', 'oc-command.md'), 'utf8')).toBe(written);
  });

  it('refuses bad usage with UsageError', async () => {
    const io = fakeIO(dir);
    await expect(importCommand(['in'], {}, io)).rejects.toThrow(UsageError);
    await expect(importCommand(['in/pipeline.md'], { out: 'o', write: true }, io)).rejects.toThrow(/either `--out DIR` or `--write`/);
    await expect(importCommand(['in/pipeline.md'], { report: 'xml' }, io)).rejects.toThrow(/Unknown report format `xml`/);
    await expect(importCommand(['missing.md'], {}, io)).rejects.toThrow(/no such file or folder/);
  });

  it('fails (exit 1) on a file it cannot import, and leaves it alone', async () => {
    const toml = '+++\ntitle = "x"\n+++\n\n```shell\n$ kubectl get pods\n```\n';
    await writeFile(path.join(dir, 'toml.md'), toml);
    const io = fakeIO(dir);
    expect(await importCommand(['toml.md'], { write: true }, io)).toBe(1);
    expect(io.err()).toContain('error: TOML front matter');
    expect(await readFile(path.join(dir, 'toml.md'), 'utf8')).toBe(toml);
  });
});
