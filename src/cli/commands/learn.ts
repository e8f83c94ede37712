/**
 * `runbook learn <timeline> [--write | --out <file>] [--allow-changed]`: proposes the next version of the
 * runbook a run used, from its timeline (src/learn/learn.ts): a unified diff on stdout by default, the file
 * rewritten with `--write`, or the new version written to `--out`. A runbook that changed since the run
 * (sha256 in `run.started`) is refused unless `--allow-changed`, so a diff never lands on a file it was not
 * made from.
 *
 * Exit codes: 0 proposed (or nothing to learn), 2 usage (no such timeline, no runbook, changed runbook).
 */
import { createHash } from 'node:crypto';
import { chmod, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EXIT, UsageError } from '../../errors.js';
import { learnFromTimeline } from '../../learn/learn.js';
import { parseRunbook } from '../../parse/index.js';
import type { RunStartedEvent } from '../../timeline/events.js';
import { readTimeline } from '../../timeline/reader.js';
import type { CliIO } from '../io.js';
import { parseRunnable, readRunbookFile } from '../shared.js';

/** Options of `runbook learn` (names are a contract: see main.ts). */
export interface LearnCliOptions {
  write?: boolean;
  out?: string;
  allowChanged?: boolean;
}

/** Runs `runbook learn`; returns the exit code. Throws UsageError for main.ts to report. */
export async function learnCommand(timeline: string, rawOptions: Record<string, unknown>, io: CliIO): Promise<number> {
  const options = rawOptions as LearnCliOptions;
  if (options.write && options.out !== undefined) throw new UsageError('`runbook learn`: give `--write` or `--out`, not both');
  const timelinePath = path.resolve(io.cwd, timeline);
  let events;
  try {
    events = (await readTimeline(timelinePath)).events;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`Cannot read timeline \`${timeline}\`: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  const started = events.find((e): e is RunStartedEvent => e.type === 'run.started');
  if (!started) throw new UsageError(`\`runbook learn\`: ${timeline} has no run.started event, so it is not a run's timeline`);
  if (!started.runbook.path) {
    throw new UsageError(`\`runbook learn\`: run ${started.run} had no runbook (\`runbook exec --new\`); make one with \`runbook new --from ${timeline}\``);
  }
  const file = started.runbook.path;
  const absolute = path.resolve(io.cwd, file);
  const bytes = await readRunbookFile(absolute, file, ` (run ${started.run} recorded this path; run learn from the folder the run was started in)`);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== started.runbook.sha256) {
    if (!options.allowChanged) {
      throw new UsageError(
        `Runbook \`${file}\` changed since run ${started.run} started (sha256 ${started.runbook.sha256.slice(0, 12)} then, ${sha256.slice(0, 12)} now); nothing was proposed. Pass \`--allow-changed\` to learn into the file as it is now`,
      );
    }
    io.stderr.write(`runbook learn: runbook \`${file}\` changed since the run started; learning into the file as it is now (--allow-changed)\n`);
  }
  const source = bytes.toString('utf8');
  const runbook = parseRunnable(source, file, io);
  if (!runbook) return EXIT.usage;

  const result = learnFromTimeline({ source, runbook, events });
  if (!result.changed) {
    io.stderr.write(`runbook learn: nothing to add to ${file} from run ${started.run}\n`);
    return EXIT.ok;
  }
  // What learn writes must itself be a runbook: never hand out a version that does not parse.
  const check = parseRunbook(result.text, { path: file }).file.messages.filter((m) => m.fatal);
  if (check.length > 0) throw new Error(`runbook learn made a version of ${file} that does not parse (${check[0]!.reason}); please report it with the timeline`);

  const summary = `${result.added.length} ad-hoc step${result.added.length === 1 ? '' : 's'} added${result.added.length ? ` (${result.added.map((s) => s.id).join(', ')})` : ''}${result.notes.length ? `, ${result.notes.length} item${result.notes.length === 1 ? '' : 's'} learned` : ''}`;
  if (options.write) {
    await writeAtomically(absolute, result.text);
    io.stderr.write(`runbook learn: ${file}: ${summary}\n`);
  } else if (options.out !== undefined) {
    await writeFile(path.resolve(io.cwd, options.out), result.text);
    io.stderr.write(`runbook learn: ${options.out}: ${summary}\n`);
  } else {
    io.stdout.write(result.diff(file.split(path.sep).join('/')));
  }
  return EXIT.ok;
}

/** Replaces a file through a temporary sibling and a rename, keeping its mode, so a crash leaves old or new. */
async function writeAtomically(file: string, text: string): Promise<void> {
  const mode = (await stat(file)).mode & 0o7777;
  const temporary = `${file}.learn-${process.pid}.tmp`;
  await writeFile(temporary, text, { mode });
  await chmod(temporary, mode);
  await rename(temporary, file);
}
