/**
 * Reading a timeline back. Never writes: a torn last line (a crash while appending) is reported and left
 * alone, and lines that are not events are reported with their line numbers.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { TimelinePathError } from './errors.js';
import type { TimelineEvent } from './events.js';
import { TIMELINE_VERSION } from './events.js';

/** Every event `type` of format v1. */
export const TIMELINE_EVENT_TYPES: readonly TimelineEvent['type'][] = [
  'run.started',
  'step.started',
  'step.finished',
  'gate.decided',
  'action.finished',
  'verify.polled',
  'note',
  'alert.received',
  'alert.resolved',
  'step.added',
  'run.finished',
];

/** What reading a timeline gives. */
export interface TimelineReadResult {
  /** Complete, well-formed events in file order. */
  events: TimelineEvent[];
  /** A last line without its newline: an append interrupted by a crash. Ignored. */
  torn?: { line: number; text: string };
  /** Complete lines that are not events (not JSON, or missing `v`/`seq`/`time`/`run`/`type`), 1-based line numbers. */
  invalid: Array<{ line: number; message: string }>;
}

/** Reads and parses a timeline file. Rejects only when the file cannot be read (e.g. ENOENT). */
export async function readTimeline(path: string): Promise<TimelineReadResult> {
  // O_NONBLOCK: a FIFO without a writer must not hang the command; only a regular file is read.
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!(await handle.stat()).isFile()) throw notRegular(path);
    return parseTimeline(await handle.readFile('utf8'));
  } finally {
    await handle.close();
  }
}

/** `readTimeline`, synchronously. */
export function readTimelineSync(path: string): TimelineReadResult {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    if (!fstatSync(fd).isFile()) throw notRegular(path);
    return parseTimeline(readFileSync(fd, 'utf8'));
  } finally {
    closeSync(fd);
  }
}

function notRegular(path: string): TimelinePathError {
  return new TimelinePathError(path, `refusing timeline ${path}: it is not a regular file (a FIFO, device or socket)`);
}

/**
 * Parses the text of a timeline. Only the shape every event shares is checked here (cheap, no ajv);
 * `validateTimelineEvent` (schema.ts) checks each type's fields in full.
 */
export function parseTimeline(text: string): TimelineReadResult {
  const result: TimelineReadResult = { events: [], invalid: [] };
  const lines = text.split('\n');
  const last = lines.pop() ?? '';
  if (last !== '') result.torn = { line: lines.length + 1, text: last };
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const number = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      result.invalid.push({ line: number, message: `not JSON: ${(error as Error).message}` });
      return;
    }
    const problem = shapeProblem(value);
    if (problem) result.invalid.push({ line: number, message: problem });
    else result.events.push(value as TimelineEvent);
  });
  return result;
}

function shapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const e = value as Record<string, unknown>;
  if (e.v !== TIMELINE_VERSION) return `unsupported format version \`v: ${JSON.stringify(e.v)}\`, expected \`${TIMELINE_VERSION}\``;
  if (typeof e.seq !== 'number' || !Number.isInteger(e.seq) || e.seq < 1) return 'missing or invalid `seq` (a positive integer)';
  if (typeof e.time !== 'string' || Number.isNaN(Date.parse(e.time))) return 'missing or invalid `time` (UTC ISO 8601)';
  if (typeof e.run !== 'string') return 'missing `run`';
  if (typeof e.type !== 'string' || !(TIMELINE_EVENT_TYPES as readonly string[]).includes(e.type)) {
    return `unknown event type \`${String(e.type)}\`, expected one of ${TIMELINE_EVENT_TYPES.map((t) => `\`${t}\``).join(', ')}`;
  }
  return undefined;
}
