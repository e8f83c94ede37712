/**
 * `runbook note <timeline> "text"`: appends a note to a run's timeline, also while the run is going on
 * (the store's lock file keeps `seq` in order between the two processes).
 */
import { access } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { loadConfig } from '../../config/index.js';
import { EXIT } from '../../errors.js';
import { readTimeline } from '../../timeline/reader.js';
import { openTimeline } from '../../timeline/store.js';
import type { CliIO } from '../io.js';
import { configuredRedactor } from '../shared.js';

/** Appends a `note` event (by = the OS user) and prints its seq. Exit 2 when the file is not a run's timeline. */
export async function noteCommand(timeline: string, text: string, io: CliIO): Promise<number> {
  if (text.trim() === '') {
    io.stderr.write('runbook note: the note is empty; write it as the second argument\n');
    return EXIT.usage;
  }
  try {
    await access(timeline);
  } catch {
    io.stderr.write(`runbook note: no timeline at ${timeline}; give the .jsonl file a run wrote\n`);
    return EXIT.usage;
  }
  const { events } = await readTimeline(timeline);
  const started = events.findLast((e) => e.type === 'run.started');
  if (!started) {
    io.stderr.write(`runbook note: ${timeline} has no run.started event, so it is not a run's timeline\n`);
    return EXIT.usage;
  }
  const redact = configuredRedactor((await loadConfig(io.cwd)).config);
  const store = await openTimeline(timeline, { run: started.run });
  try {
    // A note pasted from a terminal can hold a token; it is redacted like everything else in a timeline.
    const event = await store.append({ type: 'note', text: redact(text), by: osUser(io) });
    io.stdout.write(`${event.seq}\n`);
  } finally {
    await store.close();
  }
  return EXIT.ok;
}

function osUser(io: CliIO): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry (some containers): fall back to what the shell says.
    return io.env.USER ?? io.env.LOGNAME ?? 'unknown';
  }
}

