/**
 * The full Markdown parser (unified + remark-parse + front matter + directives), loaded on first use.
 * Most runbooks never need it: src/parse/blocks.ts reads the block structure of ordinary Markdown itself, and
 * only hands a file (or a heading with inline markup) to micromark when it meets something outside the subset
 * it knows exactly. Loading remark and micromark costs about 100 ms, so it happens only then.
 */
import { createRequire } from 'node:module';
import type { Root } from 'mdast';

interface Parser {
  parse(source: string): unknown;
}

let parser: Parser | undefined;

/** The frozen processor of src/parse/processor.ts, built on first call (synchronously: the parser is sync). */
export function markdownParser(): Parser {
  if (parser) return parser;
  // `require` of these ESM-only packages works on Node ≥ 20.19 and keeps parseRunbook synchronous.
  const require = createRequire(import.meta.url);
  const { unified } = require('unified') as typeof import('unified');
  const remarkParse = (require('remark-parse') as { default: typeof import('remark-parse').default }).default;
  const remarkFrontmatter = (require('remark-frontmatter') as { default: typeof import('remark-frontmatter').default }).default;
  const remarkDirective = (require('remark-directive') as { default: typeof import('remark-directive').default }).default;
  parser = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkDirective).freeze();
  return parser;
}

/** Parses Markdown into mdast with micromark (the reference the fast block reader is tested against). */
export function parseMarkdown(source: string): Root {
  return markdownParser().parse(source) as Root;
}
