/**
 * `runbook new --from <timeline> [--out <file>]`: a runbook from an incident that had none (a timeline of
 * ad-hoc steps, `runbook exec --new`), in the usual sections (src/learn/new.ts). On stdout by default;
 * `--out` writes a new file and never overwrites one.
 *
 * Exit codes: 0 written, 2 usage (no `--from`, no such timeline, no ad-hoc step that ran, `--out` exists).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EXIT, UsageError } from '../../errors.js';
import { runbookFromTimeline } from '../../learn/new.js';
import { parseRunbook } from '../../parse/index.js';
import { readTimeline } from '../../timeline/reader.js';
import type { CliIO } from '../io.js';

/** Options of `runbook new` (names are a contract: see main.ts). */
export interface NewCliOptions {
  from?: string;
  out?: string;
}

/** Runs `runbook new`; returns the exit code. Throws UsageError for main.ts to report. */
export async function newCommand(rawOptions: Record<string, unknown>, io: CliIO): Promise<number> {
  const options = rawOptions as NewCliOptions;
  if (options.from === undefined) throw new UsageError('`runbook new` needs `--from <timeline>`: the incident to write the runbook from');
  let events;
  try {
    events = (await readTimeline(path.resolve(io.cwd, options.from))).events;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`Cannot read timeline \`${options.from}\`: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  if (!events.some((e) => e.type === 'run.started')) throw new UsageError(`\`runbook new\`: ${options.from} has no run.started event, so it is not a run's timeline`);
  const made = runbookFromTimeline(events);
  if (Object.values(made.placed).every((ids) => ids.length === 0)) {
    throw new UsageError(`\`runbook new\`: ${options.from} has no ad-hoc step that ran (add some with \`runbook exec\`)${made.notRun.length ? `; ${made.notRun.length} did not run` : ''}`);
  }
  const fatal = parseRunbook(made.text).file.messages.filter((m) => m.fatal);
  if (fatal.length > 0) throw new Error(`runbook new made a runbook that does not parse (${fatal[0]!.reason}); please report it with the timeline`);
  if (options.out === undefined) {
    io.stdout.write(made.text);
    return EXIT.ok;
  }
  try {
    await writeFile(path.resolve(io.cwd, options.out), made.text, { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`\`runbook new --out\`: ${options.out} already exists; choose a new file`);
    throw error;
  }
  const count = Object.values(made.placed).reduce((n, ids) => n + ids.length, 0);
  io.stderr.write(`runbook new: ${options.out}: ${count} step${count === 1 ? '' : 's'} from the incident${made.notRun.length ? `, ${made.notRun.length} that did not run listed` : ''}\n`);
  return EXIT.ok;
}
