/** `--at`: the instant every PromQL step is evaluated at. */
import { UsageError } from '../errors.js';
import { parseDuration } from '../steps/duration.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Reads `--at`: an RFC 3339 time (`2025-10-26T10:20:00Z`) or a time relative to `now` (`-2h`, `-30m`,
 * `-1h30m`). Throws UsageError otherwise; a time zone is required so a run means the same instant everywhere.
 */
export function parseAt(text: string, now: Date): Date {
  const trimmed = text.trim();
  if (trimmed === 'now') return now;
  if (trimmed.startsWith('-')) {
    const ms = parseDuration(trimmed.slice(1));
    if (ms !== undefined) return new Date(now.getTime() - ms);
  } else if (RFC3339.test(trimmed)) {
    const time = Date.parse(trimmed);
    if (!Number.isNaN(time)) return new Date(time);
  }
  throw new UsageError(
    `Cannot read \`--at ${text}\`; expected an RFC 3339 time such as \`2025-10-26T10:20:00Z\` or a relative time such as \`-2h\` or \`-30m\``,
  );
}
