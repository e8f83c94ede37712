import { FRONTMATTER_SCHEMA } from '../../parse/frontmatter.js';
import { closest } from '../../steps/definition.js';
import { defineRule } from '../rule.js';

const KNOWN = Object.keys(FRONTMATTER_SCHEMA.properties);

/**
 * Keys that static-site generators (Hugo, Jekyll, Docusaurus, MkDocs, Hextra/Book themes) put in front matter.
 * Runbooks often live in such sites; `runbook import` keeps these keys, so they are not errors by default.
 */
const SITE_GENERATOR_KEYS = [
  'aliases', 'author', 'authors', 'bookCollapseSection', 'bookFlatSection', 'bookHidden', 'bookToc', 'categories',
  'date', 'description', 'draft', 'expiryDate', 'hide', 'keywords', 'lastmod', 'layout', 'linkTitle', 'menu',
  'permalink', 'publishDate', 'sidebar_label', 'sidebar_position', 'slug', 'summary', 'tags', 'toc', 'type', 'url',
  'weight',
  // GOV.UK Tech Docs Template (Middleman): page review dates and ownership.
  'last_reviewed_on', 'review_in', 'owner_slack', 'hide_in_navigation', 'old_paths', 'parent', 'source_url',
];

/**
 * The front matter against FRONTMATTER_SCHEMA. Type and form errors are found by the parser while it reads the
 * front matter (they reach lint as this rule's messages); this rule adds what the parser tolerates: unknown keys.
 */
export default defineRule<{ allowKeys: string[] }>({
  meta: {
    id: 'frontmatter-schema',
    description: 'Front matter that does not match its schema: wrong types or forms, and unknown keys.',
    severity: 'error',
    schema: {
      type: 'object',
      properties: { allowKeys: { type: 'array', items: { type: 'string' }, uniqueItems: true } },
      additionalProperties: false,
    },
    defaultOptions: { allowKeys: SITE_GENERATOR_KEYS },
    messages: {
      unknownKey: 'Unknown front matter key `{key}`; expected one of {expected}{suggestion}',
    },
  },
  check(context) {
    const { meta, frontmatterPosition } = context.runbook;
    if (!frontmatterPosition) return;
    const { lines } = context;
    const allowed = new Set(context.options.allowKeys);
    for (const key of Object.keys(meta.extra)) {
      if (allowed.has(key)) continue;
      // Top-level YAML keys start a line of the front matter block.
      let span = { start: frontmatterPosition.start.offset, end: lines.lineContentEnd(frontmatterPosition.start.line) };
      for (let line = frontmatterPosition.start.line + 1; line < frontmatterPosition.end.line; line++) {
        const text = lines.lineText(line);
        if ((text.startsWith(key) && /^\s*:/.test(text.slice(key.length))) || text.startsWith(`"${key}"`) || text.startsWith(`'${key}'`)) {
          const start = lines.lineStart(line);
          span = { start, end: start + key.length + (text.startsWith(key) ? 0 : 2) };
          break;
        }
      }
      const suggestion = closest(key, KNOWN);
      context.report({
        messageId: 'unknownKey',
        data: { key, expected: KNOWN.map((k) => `\`${k}\``).join(', '), suggestion: suggestion ? ` (did you mean \`${suggestion}\`?)` : '' },
        ...span,
      });
    }
  },
});
