/**
 * A fast reader for the block structure of ordinary runbook Markdown: front matter, ATX headings, paragraphs,
 * fenced code, `:::` containers, bullet and ordered lists, thematic breaks. It builds the same mdast block
 * nodes micromark builds (types, positions, code `lang`/`meta`/`value`, container `name`/`attributes`,
 * heading text) — but not the inline content of paragraphs, which nothing downstream reads (prose is sliced
 * from the source by position).
 *
 * Why: micromark tokenises every character of every paragraph (and is quadratic on long documents with many
 * lists), which made lint several times slower than markdownlint. This reader is one regex test per line.
 *
 * It is deliberately narrow. The moment it meets anything whose reading it does not know exactly — HTML,
 * block quotes, setext headings, indented code, tabs in indentation, link definitions, labels, nested
 * containers, an unclosed fence, a lazy line it cannot place, … — it gives up and returns undefined, and the
 * caller parses the file with micromark. test/lint/fast-parse.test.ts checks that both readings agree.
 */
import type { Code, Heading, List, ListItem, Nodes, Paragraph, Root, RootContent, ThematicBreak, Yaml } from 'mdast';
import type { ContainerDirective } from 'mdast-util-directive';
import type { Point, Position } from '../model/index.js';
import { parseAttributeBlock } from './attributes.js';
import { parseMarkdown } from './markdown.js';
import { appendAll } from '../format/extent.js';

/** One line as seen by a (possibly nested) block: its text after the container prefix, and where that starts. */
interface Line {
  /** 1-based line number in the file. */
  n: number;
  /** File offset of `text[0]`. */
  start: number;
  text: string;
  /** A lazy continuation line: only an open paragraph may take it. */
  lazy: boolean;
}

/** Thrown to give up on the fast reading; never escapes this module. */
class Unsupported extends Error {}

const unsupported = (): never => {
  throw new Unsupported();
};

type Kind =
  | { type: 'blank' }
  | { type: 'text'; indent: number }
  | { type: 'heading'; indent: number; depth: number }
  | { type: 'fence'; indent: number; marker: string; info: string }
  | { type: 'container'; indent: number }
  | { type: 'thematic'; indent: number }
  | { type: 'item'; indent: number; ordered: boolean; marker: string; width: number; start?: number }
  | { type: 'other' };

const HEADING = /^(#{1,6})(?:[ \t]|$)/;
const FENCE = /^(`{3,}|~{3,})(.*)$/;
const THEMATIC = /^([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const BULLET = /^[-*+](?=[ \t]|$)/;
const ORDERED = /^(\d{1,9})([.)])(?=[ \t]|$)/;
/** Marker then 1–4 spaces then content: anything else after a marker (tab, nothing, 5+ spaces) is left to micromark. */
const MARKER_GAP = /^( {1,4})(?=[^ \t])/;
const CONTAINER_OPEN = /^(:{3,})([A-Za-z](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)(\{.*\})?[ \t]*$/;

/** What a line starts (tabs in indentation and constructs outside the subset are `other`). */
function classify(text: string): Kind {
  let indent = 0;
  while (text.charCodeAt(indent) === 32) indent++;
  if (indent === text.length) return { type: 'blank' };
  const first = text[indent]!;
  if (first === '\t') return { type: 'other' };
  if (indent >= 4) return { type: 'text', indent };
  const rest = indent === 0 ? text : text.slice(indent);
  switch (first) {
    case '#': {
      const m = HEADING.exec(rest);
      return m ? { type: 'heading', indent, depth: m[1]!.length } : { type: 'text', indent };
    }
    case '`':
    case '~': {
      const m = FENCE.exec(rest);
      if (!m) return { type: 'text', indent };
      // An info string with a backtick makes it inline code, not a fence.
      if (first === '`' && m[2]!.includes('`')) return { type: 'other' };
      return { type: 'fence', indent, marker: m[1]!, info: m[2]! };
    }
    case ':':
      return rest.startsWith(':::') ? { type: 'container', indent } : { type: 'other' };
    case '<':
    case '>':
    case '=':
      return { type: 'other' };
    case '-':
    case '*':
    case '_':
    case '+': {
      if (THEMATIC.test(rest)) return { type: 'thematic', indent };
      // `--` and the like are setext underlines after a paragraph.
      if (first === '-' && /^-+[ \t]*$/.test(rest)) return { type: 'other' };
      if (first === '_' || !BULLET.test(rest)) return { type: 'text', indent };
      const gap = MARKER_GAP.exec(rest.slice(1));
      return gap ? { type: 'item', indent, ordered: false, marker: first, width: 1 + gap[1]!.length } : { type: 'other' };
    }
    default: {
      if (first >= '0' && first <= '9') {
        const m = ORDERED.exec(rest);
        if (m) {
          const gap = MARKER_GAP.exec(rest.slice(m[0].length));
          if (!gap) return { type: 'other' };
          return { type: 'item', indent, ordered: true, marker: m[2]!, width: m[0].length + gap[1]!.length, start: Number(m[1]) };
        }
      }
      return { type: 'text', indent };
    }
  }
}

/** Reads the block structure of `source`, or returns undefined when it needs micromark. */
export function readBlocks(source: string): Root | undefined {
  // Line endings other than \n, NUL, a BOM and link definitions (`[x]: url`, which change how the whole
  // document's inline content reads) are micromark's business.
  if (/[\r\0\uFEFF]/.test(source) || source.includes(']:')) return undefined;
  try {
    return new BlockReader(source).read();
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

class BlockReader {
  private readonly lineStarts: number[] = [0];

  constructor(private readonly source: string) {
    let at = source.indexOf('\n');
    while (at !== -1) {
      this.lineStarts.push(at + 1);
      at = source.indexOf('\n', at + 1);
    }
  }

  read(): Root {
    const { source, lineStarts } = this;
    const lines: Line[] = [];
    for (let k = 0; k < lineStarts.length; k++) {
      const start = lineStarts[k]!;
      const end = k + 1 < lineStarts.length ? lineStarts[k + 1]! - 1 : source.length;
      lines.push({ n: k + 1, start, text: source.slice(start, end), lazy: false });
    }
    const children: RootContent[] = [];
    let from = 0;
    if (/^---[ \t]*$/.test(lines[0]!.text)) {
      if (lines[0]!.text !== '---') unsupported();
      const close = lines.findIndex((line, k) => k > 0 && /^---[ \t]*$/.test(line.text));
      if (close === -1 || lines[close]!.text !== '---') unsupported();
      const yaml: Yaml = {
        type: 'yaml',
        value: lines.slice(1, close).map((line) => line.text).join('\n'),
        position: this.position(0, lines[close]!.start + 3),
      };
      children.push(yaml);
      from = close + 1;
    }
    appendAll(children, this.flow(lines.slice(from), true) as RootContent[]);
    return { type: 'root', children };
  }

  // ---------------------------------------------------------------- flow

  /** Reads lines as a sequence of blocks (the document, a container's content, a list item's content). */
  private flow(lines: readonly Line[], top: boolean): Nodes[] {
    const out: Nodes[] = [];
    let i = 0;
    while (i < lines.length) {
      const line = lines[i]!;
      if (line.lazy) unsupported();
      const kind = classify(line.text);
      switch (kind.type) {
        case 'blank':
          i++;
          break;
        case 'heading':
          out.push(this.heading(line, kind.indent, kind.depth));
          i++;
          break;
        case 'fence':
          i = this.fence(lines, i, kind, out);
          break;
        case 'container': {
          // After a paragraph line (even a list item's), a container may open without content: left to micromark.
          const before = out[out.length - 1];
          if (!top || kind.indent !== 0 || (before && (before.type === 'paragraph' || before.type === 'list') && before.position!.end.line === line.n - 1)) unsupported();
          i = this.container(lines, i, out);
          break;
        }
        case 'thematic': {
          const node: ThematicBreak = { type: 'thematicBreak', position: this.position(line.start + kind.indent, line.start + line.text.length) };
          out.push(node);
          i++;
          break;
        }
        case 'item':
          i = this.list(lines, i, kind, out);
          break;
        case 'text':
          if (kind.indent >= 4) unsupported();
          i = this.paragraph(lines, i, kind.indent, out);
          break;
        default:
          unsupported();
      }
    }
    return out;
  }

  private heading(line: Line, indent: number, depth: number): Heading {
    let content = line.text.slice(indent + depth).replace(/^[ \t]+/, '');
    content = content.replace(/(?:^|[ \t]+)#+[ \t]*$/, '').replace(/[ \t]+$/, '');
    const text = plainInline(content) ?? slowHeadingText(line.text);
    return {
      type: 'heading',
      depth: depth as Heading['depth'],
      children: text === '' ? [] : [{ type: 'text', value: text }],
      position: this.position(line.start + indent, line.start + line.text.length),
    };
  }

  private paragraph(lines: readonly Line[], i: number, indent: number, out: Nodes[]): number {
    const first = lines[i]!;
    let last = first;
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      if (!line.lazy) {
        const kind = classify(line.text);
        if (kind.type === 'blank' || kind.type === 'heading' || kind.type === 'fence') break;
        // A bullet with content interrupts a paragraph; an ordered item only when it is `1.`: left to micromark.
        if (kind.type === 'item' && !kind.ordered) break;
        if (kind.type !== 'text') unsupported();
      }
      last = line;
    }
    const node: Paragraph = { type: 'paragraph', children: [], position: this.position(first.start + indent, last.start + last.text.length) };
    out.push(node);
    return j;
  }

  private fence(lines: readonly Line[], i: number, kind: Extract<Kind, { type: 'fence' }>, out: Nodes[]): number {
    const open = lines[i]!;
    const info = kind.info.replace(/^[ \t]+/, '');
    // Escapes and character references in the info string are decoded by micromark.
    if (/[\\&]/.test(info)) unsupported();
    const space = info.search(/[ \t]/);
    const lang = space === -1 ? info || null : info.slice(0, space);
    // Trailing white space stays in `meta` (micromark keeps it), but white space alone is no meta.
    const meta = space === -1 ? null : info.slice(space).replace(/^[ \t]+/, '') || null;
    const closing = new RegExp(`^ {0,3}\\${kind.marker[0]}{${kind.marker.length},}[ \\t]*$`);
    const body: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j]!;
      if (line.lazy) unsupported();
      if (closing.test(line.text)) {
        const node: Code = {
          type: 'code',
          lang,
          meta,
          value: body.join('\n'),
          position: this.position(open.start + kind.indent, line.start + line.text.length),
        };
        out.push(node);
        return j + 1;
      }
      let strip = 0;
      while (strip < kind.indent && line.text.charCodeAt(strip) === 32) strip++;
      if (strip < kind.indent && line.text[strip] === '\t') unsupported();
      body.push(strip === 0 ? line.text : line.text.slice(strip));
    }
    // An unclosed fence runs to the end of its container: left to micromark.
    return unsupported();
  }

  private container(lines: readonly Line[], i: number, out: Nodes[]): number {
    const open = lines[i]!;
    const m = CONTAINER_OPEN.exec(open.text);
    if (!m) return unsupported();
    let attributes: Record<string, string> = {};
    if (m[3] !== undefined) {
      const block = parseAttributeBlock(m[3]);
      if (!block.ok) unsupported();
      attributes = (block as { attributes: Record<string, string> }).attributes;
    }
    const size = m[1]!.length;
    for (let j = i + 1; j < lines.length; j++) {
      const text = lines[j]!.text;
      const colons = /^ {0,3}(:{3,})[ \t]*$/.exec(text);
      if (colons && colons[1]!.length >= size) {
        const node: ContainerDirective = {
          type: 'containerDirective',
          name: m[2]!,
          attributes,
          children: this.flow(lines.slice(i + 1, j), false) as ContainerDirective['children'],
          position: this.position(open.start, lines[j]!.start + text.length),
        };
        out.push(node);
        return j + 1;
      }
      if (/^ {0,3}:{3}/.test(text)) unsupported();
    }
    return unsupported();
  }

  private list(lines: readonly Line[], i: number, first: Extract<Kind, { type: 'item' }>, out: Nodes[]): number {
    const items: ListItem[] = [];
    let j = i;
    while (j < lines.length) {
      const line = lines[j]!;
      if (line.lazy) break;
      const kind = classify(line.text);
      if (kind.type !== 'item' || kind.ordered !== first.ordered || kind.marker !== first.marker) break;
      const width = kind.indent + kind.width;
      const content: Line[] = [{ n: line.n, start: line.start + width, text: line.text.slice(width), lazy: false }];
      let blank = false;
      for (j++; j < lines.length; j++) {
        const next = lines[j]!;
        if (next.lazy) {
          if (blank) unsupported();
          content.push(next);
          continue;
        }
        let indent = 0;
        while (next.text.charCodeAt(indent) === 32) indent++;
        if (indent === next.text.length) {
          const strip = Math.min(indent, width);
          content.push({ n: next.n, start: next.start + strip, text: next.text.slice(strip), lazy: false });
          blank = true;
          continue;
        }
        if (next.text[indent] === '\t' && indent < width) unsupported();
        if (indent >= width) {
          content.push({ n: next.n, start: next.start + width, text: next.text.slice(width), lazy: false });
          blank = false;
          continue;
        }
        // A less indented line continues the item only as a lazy paragraph line.
        if (!blank && classify(next.text).type === 'text') {
          content.push({ ...next, lazy: true });
          continue;
        }
        break;
      }
      const children = this.flow(content, false) as ListItem['children'];
      const end = children[children.length - 1]?.position?.end.offset ?? unsupported();
      items.push({ type: 'listItem', spread: false, children, position: this.position(line.start + kind.indent, end) });
    }
    const node: List = {
      type: 'list',
      ordered: first.ordered,
      start: first.ordered ? first.start! : null,
      spread: false,
      children: items,
      position: this.position(items[0]!.position!.start.offset!, items[items.length - 1]!.position!.end.offset!),
    };
    out.push(node);
    return j;
  }

  // ---------------------------------------------------------------- positions

  private point(offset: number): Point {
    const starts = this.lineStarts;
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1, offset };
  }

  private position(start: number, end: number): Position {
    return { start: this.point(start), end: this.point(end) };
  }
}

/** Characters that may start inline markup (escapes, emphasis, links, autolinks/HTML, references, directives). */
const INLINE_MARKUP = /[\\*_[\]<>&!]|:[A-Za-z]/;

/**
 * The plain text of inline content that holds nothing but text and code spans, as mdast-util-to-string would
 * give it; undefined when there is other markup.
 */
function plainInline(content: string): string | undefined {
  if (!content.includes('`')) return INLINE_MARKUP.test(content) ? undefined : content;
  let out = '';
  let at = 0;
  while (at < content.length) {
    const tick = content.indexOf('`', at);
    const text = tick === -1 ? content.slice(at) : content.slice(at, tick);
    if (INLINE_MARKUP.test(text)) return undefined;
    out += text;
    if (tick === -1) break;
    let run = tick;
    while (content[run] === '`') run++;
    const size = run - tick;
    // The closing run has exactly the same length.
    const close = new RegExp(`(?<!\`)\`{${size}}(?!\`)`, 'g');
    close.lastIndex = run;
    const match = close.exec(content);
    if (!match) return undefined;
    let code = content.slice(run, match.index);
    if (code.startsWith(' ') && code.endsWith(' ') && code.trim() !== '') code = code.slice(1, -1);
    out += code;
    at = match.index + size;
  }
  return out;
}

/** A heading with inline markup: micromark reads that one line (its inline content depends on nothing else). */
function slowHeadingText(line: string): string {
  const node = parseMarkdown(line).children[0];
  return node?.type === 'heading' ? toText(node) : unsupported();
}

function toText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string' && node.type !== 'html') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(toText).join('');
  return '';
}
