/**
 * Finding a piece of a step's opening line (an attribute, the `#id`) so a diagnostic points at it rather
 * than at the whole block. Only the one opening line is searched, never the document.
 */
import type { LineIndex } from '../parse/positions.js';

/** Offsets `[start, end)` of a source range. */
export interface Span {
  start: number;
  end: number;
}

/** The whole opening line of a block that starts at `offset`. */
export function openingLine(lines: LineIndex, offset: number): Span {
  const line = lines.point(offset).line;
  return { start: offset, end: Math.max(offset, lines.lineContentEnd(line)) };
}

/** `key=value` (or a bare `key`) in the attribute block of the line starting at `offset`, else undefined. */
export function locateAttribute(lines: LineIndex, offset: number, key: string): Span | undefined {
  const line = openingLine(lines, offset);
  const text = lines.text.slice(line.start, line.end);
  const brace = text.indexOf('{');
  if (brace === -1) return undefined;
  const pattern = new RegExp(`(?<=[\\s{])${escapeRegExp(key)}(?=[\\s=}]|$)`, 'g');
  pattern.lastIndex = brace;
  const match = pattern.exec(text);
  if (!match) return undefined;
  let end = match.index + key.length;
  if (text[end] === '=') {
    end++;
    const quote = text[end];
    if (quote === '"' || quote === "'") {
      const close = text.indexOf(quote, end + 1);
      end = close === -1 ? text.length : close + 1;
    } else {
      while (end < text.length && !/[\s}]/.test(text[end]!)) end++;
    }
  }
  return { start: line.start + match.index, end: line.start + end };
}

/** `#id` in the opening line starting at `offset`, else undefined. */
export function locateId(lines: LineIndex, offset: number, id: string): Span | undefined {
  const line = openingLine(lines, offset);
  const text = lines.text.slice(line.start, line.end);
  const pattern = new RegExp(`#${escapeRegExp(id)}(?=[\\s}.]|$)`);
  const match = pattern.exec(text);
  return match ? { start: line.start + match.index, end: line.start + match.index + match[0].length } : undefined;
}

/** The attribute `key` in the opening line at `offset`, else the whole opening line. */
export function attributeOrLine(lines: LineIndex, offset: number, key: string): Span {
  return locateAttribute(lines, offset, key) ?? openingLine(lines, offset);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
