/**
 * `runbook import <file.md|dir>… [--out DIR | --write] [--report json]`: prose runbooks to format v1.
 *
 * Where things go: with `--out`/`--write` the runbooks are written to files, the JSON report (if asked) goes to
 * stdout and the human summary to stderr. With neither and a single file the runbook itself goes to stdout, so
 * the report (JSON or summary) goes to stderr.
 */
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EXIT, UsageError } from '../../errors.js';
import type { FileReport, ImportReport } from '../../import/index.js';
import { importRunbook, summarise, totalsOf } from '../../import/index.js';
import type { CliIO } from '../io.js';
import { appendAll } from '../../format/extent.js';

interface Input {
  /** Absolute path of the file. */
  file: string;
  /** Path as shown in the report (relative to the working directory when inside it). */
  shown: string;
  /** Path under the given folder (for `--out`); the base name for a file given directly. */
  relative: string;
  fromFolder: boolean;
}

// Middleman/Tech Docs sites keep pages as `.html.md.erb`: Markdown with ERB tags, which stay text.
const MARKDOWN = /\.(?:md|markdown)(?:\.erb)?$/i;

async function markdownFiles(folder: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of (await readdir(folder, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) appendAll(found, await markdownFiles(full));
    else if (entry.isFile() && MARKDOWN.test(entry.name)) found.push(full);
  }
  return found;
}

/** A path relative to the working directory when it lies inside it, else absolute. */
function show(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? file : relative;
}

async function collect(paths: readonly string[], cwd: string): Promise<Input[]> {
  const inputs: Input[] = [];
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    const info = await stat(absolute).catch(() => undefined);
    if (!info) throw new UsageError(`Cannot import \`${given}\`: no such file or folder`);
    if (info.isDirectory()) {
      for (const file of await markdownFiles(absolute)) {
        inputs.push({ file, shown: show(file, cwd), relative: path.relative(absolute, file), fromFolder: true });
      }
    } else {
      inputs.push({ file: absolute, shown: show(absolute, cwd), relative: path.basename(absolute), fromFolder: false });
    }
  }
  return inputs;
}

/** Runs `runbook import`. Returns 0 when every file imported, 1 when some could not; throws UsageError for bad usage. */
export async function importCommand(paths: string[], options: Record<string, unknown>, io: CliIO): Promise<number> {
  const out = typeof options.out === 'string' ? options.out : undefined;
  const write = options.write === true;
  const format = options.report;
  if (out !== undefined && write) throw new UsageError('Use either `--out DIR` or `--write`, not both');
  if (format !== undefined && format !== 'json') throw new UsageError(`Unknown report format \`${String(format)}\`; expected \`json\``);
  if (paths.length === 0) throw new UsageError('Name at least one Markdown file or folder to import');

  const inputs = await collect(paths, io.cwd);
  const toStdout = out === undefined && !write;
  if (toStdout && (inputs.length !== 1 || inputs[0]!.fromFolder)) {
    throw new UsageError('Importing a folder or several files needs `--out DIR` or `--write` (only a single file can go to stdout)');
  }

  const files: FileReport[] = [];
  let runbook: string | undefined;
  for (const input of inputs) {
    const source = await readFile(input.file, 'utf8');
    const { output, report } = importRunbook(source, { path: input.shown });
    files.push(report);
    if (report.problems.length > 0) continue;
    if (toStdout) {
      runbook = output;
    } else if (out !== undefined) {
      const target = path.resolve(io.cwd, out, input.relative);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, output);
      report.output = show(target, io.cwd);
    } else if (report.changed) {
      await writeFile(input.file, output);
      report.output = input.shown;
    }
  }

  const report: ImportReport = { files, totals: totalsOf(files) };
  if (runbook !== undefined) io.stdout.write(runbook);
  const reportStream = toStdout ? io.stderr : io.stdout;
  if (format === 'json') reportStream.write(`${JSON.stringify(report, null, 2)}\n`);
  else io.stderr.write(summarise(report));
  return report.totals.problems > 0 ? EXIT.failure : EXIT.ok;
}
