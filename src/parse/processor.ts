/**
 * The one Markdown processor of the parser, built and frozen once: CommonMark + YAML front matter +
 * generic directives (`:::kind{…}` containers, and the attribute grammar fences reuse).
 */
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import remarkParse from 'remark-parse';
import { unified } from 'unified';

/** The frozen processor; only `.parse` is used (no transforms run). */
export const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkDirective).freeze();
