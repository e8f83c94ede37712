/**
 * Nesting limits, checked in one linear pass before the Markdown parser sees the text: deeply nested
 * containers, block quotes or lists cost the parser time that grows with the square of the depth (3,000 nested
 * `:::` took 54 s) or its stack (5,000 `>` overflowed it). No runbook nests anywhere near these limits.
 */

/** Most `:::` containers open at once. */
export const MAX_CONTAINER_DEPTH = 32;
/** Most `>` markers before a line's content. */
export const MAX_QUOTE_DEPTH = 32;
/** Widest indentation (columns) of a list item marker: about 64 levels of two-space nesting. */
export const MAX_LIST_INDENT = 128;

/** Where the text nests too deeply: the offset of the offending line's first character and what it is. */
export interface TooDeep {
  offset: number;
  end: number;
  message: string;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const OPENER = /^ {0,3}:{3,}[ \t]*[A-Za-z]/;
const CLOSER = /^ {0,3}:{3,}[ \t]*$/;
const QUOTES = /^(?:[ \t]*>)+/;
const LIST_ITEM = /^([ \t]*)(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)/;

/** The first place `text` nests past a limit, or undefined. Linear in the length of the text. */
export function findTooDeep(text: string): TooDeep | undefined {
  let depth = 0;
  let fence: string | undefined;
  let offset = 0;
  while (offset <= text.length) {
    let end = text.indexOf('\n', offset);
    if (end === -1) end = text.length;
    const line = text.slice(offset, end);
    const quotes = QUOTES.exec(line);
    const quoteDepth = quotes ? quotes[0].split('>').length - 1 : 0;
    if (quoteDepth > MAX_QUOTE_DEPTH) return { offset, end, message: `Found ${quoteDepth} nested block quotes on one line; at most ${MAX_QUOTE_DEPTH} are read` };
    const content = quotes ? line.slice(quotes[0].length) : line;
    const fenceMark = FENCE.exec(content)?.[1];
    if (fence !== undefined) {
      if (fenceMark !== undefined && fenceMark[0] === fence[0] && fenceMark.length >= fence.length) fence = undefined;
    } else if (fenceMark !== undefined) {
      fence = fenceMark;
    } else if (OPENER.test(content)) {
      depth++;
      if (depth > MAX_CONTAINER_DEPTH) return { offset, end, message: `Found ${depth} \`:::\` containers open at once; at most ${MAX_CONTAINER_DEPTH} may nest` };
    } else if (CLOSER.test(content)) {
      depth = Math.max(0, depth - 1);
    } else {
      const item = LIST_ITEM.exec(content);
      const indent = item ? columns(item[1]!) : 0;
      if (indent > MAX_LIST_INDENT) return { offset, end, message: `Found a list item indented ${indent} columns (nested lists this deep are not read); at most ${MAX_LIST_INDENT}` };
    }
    offset = end + 1;
  }
  return undefined;
}

function columns(space: string): number {
  let n = 0;
  for (const c of space) n = c === '\t' ? n + 4 - (n % 4) : n + 1;
  return n;
}
