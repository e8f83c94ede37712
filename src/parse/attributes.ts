/**
 * Attribute blocks (`{#id key="value" key=value flag}`) parsed with remark-directive's own grammar, so the
 * fenced form and the directive form of a step accept exactly the same attributes.
 */
import type { Paragraph } from 'mdast';
import type {} from 'mdast-util-directive';
import { parseMarkdown } from './markdown.js';
import type { Attributes } from '../model/index.js';

/** A parsed attribute block: its attributes (`#id` as `id`, `.c` as `class`) or why it is malformed. */
export type AttributeBlock = { ok: true; attributes: Attributes } | { ok: false; reason: string };

/**
 * Parses `block` (which starts with `{`) by parsing `:x` + block as a text directive: the block is well formed
 * exactly when that yields one directive that consumes the whole text.
 */
export function parseAttributeBlock(block: string): AttributeBlock {
  const simple = readSimpleAttributes(block);
  if (simple) return { ok: true, attributes: simple };
  const probe = `:x${block}`;
  const tree = parseMarkdown(probe);
  const paragraph = tree.children.length === 1 ? tree.children[0] : undefined;
  const directive = paragraph?.type === 'paragraph' && (paragraph as Paragraph).children.length === 1 ? (paragraph as Paragraph).children[0] : undefined;
  if (directive?.type === 'textDirective' && directive.name === 'x' && directive.position?.end.offset === probe.length) {
    const attributes: Attributes = {};
    for (const [key, value] of Object.entries(directive.attributes ?? {})) attributes[key] = value ?? '';
    return { ok: true, attributes };
  }
  return { ok: false, reason: malformedReason(block) };
}

/** `#id`, `key="value"`, `key='value'`, `key=value` and `flag`, separated by single spaces. */
const SIMPLE_BLOCK = /^\{ *(?:(?:#[^\s"'#.<=>`}&\\]+|[A-Za-z0-9_-][\w.:-]*(?:="[^"&\\\n\r]*"|='[^'&\\\n\r]*'|=[^\s"'<=>`}&\\]+)?)(?: +|(?=\})))*\}$/;
const SIMPLE_ATTRIBUTE = /#([^\s"'#.<=>`}&\\]+)|([A-Za-z0-9_-][\w.:-]*)(?:="([^"]*)"|='([^']*)'|=([^\s}]+))?/g;

/**
 * The attributes of a block written in the plain subset of the grammar (ASCII, no character references, no
 * classes, no key given twice), read without micromark; undefined for anything else, which then goes through
 * micromark. On that subset both readings are the same (test/lint/fast-parse.test.ts compares them).
 */
function readSimpleAttributes(block: string): Attributes | undefined {
  if (!SIMPLE_BLOCK.test(block) || /[^\x20-\x7e]/.test(block)) return undefined;
  const attributes: Attributes = {};
  for (const match of block.slice(1, -1).matchAll(SIMPLE_ATTRIBUTE)) {
    const key = match[1] !== undefined ? 'id' : match[2]!;
    if (Object.hasOwn(attributes, key)) return undefined;
    attributes[key] = match[1] ?? match[3] ?? match[4] ?? match[5] ?? '';
  }
  return attributes;
}

/** Why a block failed, as far as can be told without re-implementing the grammar. */
function malformedReason(block: string): string {
  const expected =
    'expected `{#id key="value" key=value flag}`: an optional `#id`, then attributes separated by spaces, closed by `}`';
  if (!block.startsWith('{')) return `Found \`${block}\` where an attribute block was expected; ${expected}`;
  const quotes = (block.match(/"/g) ?? []).length;
  if (quotes % 2 === 1) return `Malformed attribute block \`${block}\`: a quoted value is not closed; ${expected}`;
  const close = block.lastIndexOf('}');
  if (close === -1) return `Malformed attribute block \`${block}\`: no closing \`}\`; ${expected}`;
  if (close !== block.length - 1) return `Malformed attribute block \`${block}\`: found text after the closing \`}\`; ${expected}`;
  return `Malformed attribute block \`${block}\`; ${expected}`;
}

/**
 * Where `key` is written inside an attribute block's text (offset in `block`), for pointing diagnostics at
 * the attribute rather than the whole block. `id` is found as `#id`.
 */
export function locateAttribute(block: string, key: string, id?: string): { start: number; end: number } | undefined {
  if (key === 'id' && id !== undefined) {
    const at = block.indexOf(`#${id}`);
    if (at !== -1) return { start: at, end: at + id.length + 1 };
  }
  let from = 0;
  for (;;) {
    const at = block.indexOf(key, from);
    if (at === -1) return undefined;
    const before = block[at - 1];
    const after = block[at + key.length];
    const startsWord = before === undefined || before === '{' || /\s/.test(before);
    const endsWord = after === undefined || after === '=' || after === '}' || /\s/.test(after);
    if (startsWord && endsWord) {
      // Cover `key="value"` when a value follows.
      let end = at + key.length;
      if (after === '=') {
        const quote = block[end + 1];
        if (quote === '"' || quote === "'") {
          const close = block.indexOf(quote, end + 2);
          end = close === -1 ? block.length : close + 1;
        } else {
          end++;
          while (end < block.length && !/[\s}]/.test(block[end]!)) end++;
        }
      }
      return { start: at, end };
    }
    from = at + key.length;
  }
}
