/** Process output (kubectl, sh) for people: the lines, then the exit code and whether anything was cut. */
import type { RecordedOutput } from '../../timeline/events.js';
import { truncate } from './text.js';

/** Output lines cut to the width, with a footer. */
export interface FormattedOutput {
  /** Every line of the recorded excerpt, each cut to the width (tabs expanded). */
  lines: string[];
  /** `exit 0 · 1.2 kB`, `exit 1 · 64 kB · truncated: the first 16 kB are shown`. */
  footer: string;
}

/** `812 B`, `1.2 kB`, `3.4 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${Number((bytes / 1e3).toPrecision(2))} kB`;
  return `${Number((bytes / 1e6).toPrecision(2))} MB`;
}

/** Splits and fits an excerpt; nothing is dropped vertically (the viewer scrolls). */
export function formatOutput(output: RecordedOutput, width: number): FormattedOutput {
  const text = output.excerpt.replace(/\r\n/g, '\n').replace(/\n$/, '');
  const lines = text === '' ? [] : text.split('\n').map((l) => truncate(l.replace(/\t/g, '    ').replace(/\r/g, ''), width));
  const parts = [output.exitCode === undefined ? 'no exit code' : `exit ${output.exitCode}`, formatBytes(output.bytes)];
  if (output.truncated) parts.push(`truncated: the first ${formatBytes(Buffer.byteLength(output.excerpt))} are shown`);
  if (lines.length === 0) parts.unshift('no output');
  return { lines, footer: parts.join(' · ') };
}
