/**
 * Renders Markdown the way GitHub does (CommonMark + GFM, no directives) and normalises what an import may change:
 * fenced code (info string, body placeholders, one fence split into several) and the `:::mitigate` marker lines.
 */
import rehypeStringify from 'rehype-stringify';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import remarkFrontmatter from 'remark-frontmatter';
import { unified } from 'unified';

const processor = unified().use(remarkParse).use(remarkFrontmatter, ['yaml']).use(remarkGfm).use(remarkRehype, { allowDangerousHtml: true }).use(rehypeStringify, { allowDangerousHtml: true });

/** HTML of `markdown` as GitHub renders it, front matter dropped. */
export function renderHtml(markdown: string): string {
  return String(processor.processSync(markdown));
}

/**
 * HTML with every `<pre>` block (and runs of them) reduced to one marker and the directive marker paragraphs
 * (`:::mitigate{…}`, `:::`) removed: equal for a source and its import when the import kept the document's structure.
 */
export function renderedStructure(markdown: string): string {
  return renderHtml(markdown)
    .replace(/<p>:::(?:mitigate(?:\{[^<]*\})?)?<\/p>\n?/g, '')
    .replace(/<p>:::mitigate(?:\{[^<]*\})?\n/g, '<p>')
    .replace(/\n:::<\/p>/g, '</p>')
    .replace(/<pre><code[^>]*>[\s\S]*?<\/code><\/pre>/g, '<pre/>')
    .replace(/<pre\/>(?:\s*<pre\/>)+/g, '<pre/>')
    // A removed `<p>:::</p>` at the very end leaves its line break: whitespace that renders as nothing.
    .trimEnd();
}
