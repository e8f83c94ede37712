/**
 * The parser's one Markdown reader: CommonMark + YAML front matter + generic directives (`:::kind{…}`
 * containers, and the attribute grammar fences reuse). Ordinary Markdown is read by the fast block reader
 * (src/parse/blocks.ts); anything outside its subset by micromark (src/parse/markdown.ts), loaded only then.
 */
import type { Root } from 'mdast';
import { readBlocks } from './blocks.js';
import { parseMarkdown } from './markdown.js';

/** The reader; only `.parse` exists (no transforms run). */
export const processor = {
  /** The block tree of `source` (see src/parse/blocks.ts: paragraphs may have no inline children). */
  parse(source: string): Root {
    return readBlocks(source) ?? parseMarkdown(source);
  },
};
