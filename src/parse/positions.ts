/**
 * Offsets ↔ line:column for one source text. Every diagnostic and every model position goes through here,
 * so a body offset from a step kind's own checker lands on the right spot in the file.
 */
import type { Point, Position } from '../model/index.js';

/** The line endings CommonMark knows, longest first so `\r\n` is one break. */
const LINE_ENDING = /\r\n|\r|\n/g;

/** Line starts of a text, for converting UTF-16 offsets to 1-based line:column points. */
export class LineIndex {
  /** Offset where each line starts; `starts[0] === 0`. */
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    if (!text.includes('\r')) {
      for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) this.starts.push(at + 1);
      return;
    }
    // micromark (so every mdast position) ends a line at `\r\n`, `\n` and a lone `\r` (old Mac files);
    // counting fewer line breaks here would shift every line:column after the first lone `\r`.
    for (const match of text.matchAll(LINE_ENDING)) this.starts.push(match.index + match[0].length);
  }

  /** The point at `offset` (clamped into the text; an offset inside a `\r\n` is moved to before it). */
  point(offset: number): Point {
    let clamped = Math.max(0, Math.min(offset, this.text.length));
    // Between `\r` and `\n` there is no line:column (the YAML library reports such offsets): use the line's end.
    if (this.text.charCodeAt(clamped) === 10 && this.text.charCodeAt(clamped - 1) === 13) clamped--;
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: clamped - this.starts[low]! + 1, offset: clamped };
  }

  /** The position from `start` to `end` offsets. */
  position(start: number, end: number): Position {
    return { start: this.point(start), end: this.point(Math.max(start, end)) };
  }

  /** Offset of the first character of 1-based `line`. */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))]!;
  }

  /** Offset just past the last character of 1-based `line`, before its `\n`, `\r\n` or `\r`. */
  lineContentEnd(line: number): number {
    const next = line < this.starts.length ? this.starts[line]! : this.text.length + 1;
    let end = next - 1;
    if (end > this.text.length) end = this.text.length;
    if (end > 0 && this.text[end - 1] === '\r' && this.text[end] === '\n') end--;
    return Math.max(this.lineStart(line), end);
  }

  /** The text of 1-based `line` without its line ending. */
  lineText(line: number): string {
    return this.text.slice(this.lineStart(line), this.lineContentEnd(line));
  }

  /** Number of lines. */
  get lineCount(): number {
    return this.starts.length;
  }
}
