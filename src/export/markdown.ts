/**
 * Small Markdown writers shared by the postmortem and the notebook: table cells, code spans and fences that
 * stay intact whatever the recorded text contains, and the one-line forms of commands and times.
 */
import type { StepCommand } from '../timeline/events.js';

/** A table cell: pipes escaped (also inside code spans, as GFM tables require), newlines as `<br>`. */
export function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A code span that survives backticks inside (and pipes, when used in a table cell). */
export function code(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  const longest = Math.max(0, ...[...flat.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** A fenced code block whose fence is longer than any backtick run inside. */
export function fenced(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text.replace(/\n$/, '')}\n${fence}`;
}

/** A Markdown table. */
export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Shortens to `max` characters with an ellipsis. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A command in one line: the query (whitespace collapsed), or the argv (an `sh -c` script as itself).
 * `hideContext` leaves out a kubectl `--context` flag naming that context (the run's own, said once elsewhere).
 */
export function commandLine(command: StepCommand | undefined, max = 90, hideContext?: string): string | undefined {
  if (!command) return undefined;
  if (command.query !== undefined) return truncate(command.query.replace(/\s+/g, ' ').trim(), max);
  if (command.argv) {
    let argv = command.argv;
    if (hideContext !== undefined && argv[0] === 'kubectl') argv = withoutContext(argv, hideContext);
    if (argv[0] === 'sh' && argv[1] === '-c' && argv[2] !== undefined) return truncate(argv[2].replace(/\s+/g, ' ').trim(), max);
    return truncate(argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' '), max);
  }
  return undefined;
}

/** Formats UTC times: `HH:MM:SS`, with the date when the incident spans several days. */
export function utcClock(withDate: boolean): (ms: number) => string {
  return (ms) => {
    const iso = new Date(ms).toISOString();
    return withDate ? `${iso.slice(0, 10)} ${iso.slice(11, 19)}` : iso.slice(11, 19);
  };
}

function withoutContext(argv: string[], context: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--context=${context}`) continue;
    if (argv[i] === '--context' && argv[i + 1] === context) {
      i++;
      continue;
    }
    out.push(argv[i] ?? '');
  }
  return out;
}

/** Sample values for people: the one rule in src/format/number.ts. */
export { formatValue } from '../format/number.js';
