/**
 * Width-aware text helpers for fixed-width terminal layouts. Widths count code points: the output is
 * labels, numbers, box drawing and block characters, all one column wide; wide CJK text is rare enough
 * in runbook output that a one-column overshoot is acceptable.
 */

/** The ellipsis that marks truncated text. */
export const ELLIPSIS = '…';

/** Display width of `text` (code points). */
export function textWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** `text` cut to at most `width` columns, ending in `…` when something was cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  const chars = [...text];
  if (chars.length <= width) return text;
  return chars.slice(0, width - 1).join('') + ELLIPSIS;
}

/** `text` padded with spaces on the right to `width` (never cut). */
export function padEnd(text: string, width: number): string {
  const w = textWidth(text);
  return w >= width ? text : text + ' '.repeat(width - w);
}

/** `text` padded with spaces on the left to `width` (never cut). */
export function padStart(text: string, width: number): string {
  const w = textWidth(text);
  return w >= width ? text : ' '.repeat(width - w) + text;
}

/**
 * Hard-wraps one line to `width` columns, preferring to break at a space. Used for command lines, whose
 * every character matters: nothing is dropped, continuation lines are indented by `indent`.
 */
export function wrapLine(text: string, width: number, indent = ''): string[] {
  if (width <= textWidth(indent) + 1) return [text];
  const lines: string[] = [];
  let rest = [...text];
  let first = true;
  while (rest.length > 0) {
    const room = first ? width : width - textWidth(indent);
    if (rest.length <= room) {
      lines.push((first ? '' : indent) + rest.join(''));
      break;
    }
    let cut = rest.lastIndexOf(' ', room);
    if (cut <= 0) cut = room;
    lines.push((first ? '' : indent) + rest.slice(0, cut).join('').trimEnd());
    rest = rest.slice(cut);
    while (rest[0] === ' ') rest = rest.slice(1);
    first = false;
  }
  return lines;
}
