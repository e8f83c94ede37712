/**
 * docs/format.md is tested: every ````markdown example parses (clean, or with exactly the diagnostic a
 * counter-example states), the attribute tables match the step definitions, and every rule id is listed.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Code, Root } from 'mdast';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import { visit } from 'unist-util-visit';
import { describe, expect, it } from 'vitest';
import { PARSE_RULES, parseRunbook } from '../src/parse/index.js';
import { ATTRIBUTE_TABLES, renderAttributeTables } from './parse/attribute-table.js';

const doc = readFileSync(path.resolve(import.meta.dirname, '../docs/format.md'), 'utf8');
const examples: { line: number; meta: string; value: string }[] = [];
visit(unified().use(remarkParse).parse(doc) as Root, 'code', (node: Code) => {
  if (node.lang === 'markdown') examples.push({ line: node.position!.start.line, meta: node.meta ?? '', value: node.value });
});

describe('docs/format.md', () => {
  it('has markdown examples, including counter-examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
    expect(examples.filter((e) => e.meta.startsWith('counter-example')).length).toBeGreaterThanOrEqual(2);
  });

  it.each(examples.map((e) => [e.line, e] as const))('example on line %i parses as stated', (_line, { meta, value }) => {
    const { runbook, file } = parseRunbook(value);
    const found = file.messages.map((m) => `${m.ruleId} ${m.line}:${m.column}`);
    const counter = /^counter-example (\S+) (\d+:\d+)$/.exec(meta);
    if (counter) {
      expect(found).toEqual([`${counter[1]} ${counter[2]}`]);
    } else {
      expect(found).toEqual([]);
      expect(runbook.steps.length).toBeGreaterThan(0);
    }
  });

  it('attribute tables match the step definitions (re-render them with test/parse/attribute-table.ts)', () => {
    for (const name of Object.keys(ATTRIBUTE_TABLES)) expect(doc).toContain(`<!-- attributes:${name} -->`);
    expect(renderAttributeTables(doc)).toBe(doc);
  });

  it('lists every parser rule id in the diagnostics table', () => {
    const table = doc.slice(doc.indexOf('<!-- rules -->'));
    const listed = [...table.matchAll(/^\| `([a-z-]+)` \|/gm)].map((m) => m[1]);
    expect(listed).toEqual(Object.keys(PARSE_RULES).sort());
  });

  it('links the front matter schema for editors', () => {
    expect(doc).toContain('](../schemas/frontmatter.schema.json)');
  });
});

describe('README.md', () => {
  const readme = readFileSync(path.resolve(import.meta.dirname, '../README.md'), 'utf8');
  const blocks: string[] = [];
  visit(unified().use(remarkParse).parse(readme) as Root, 'code', (node: Code) => {
    if (node.lang === 'markdown') blocks.push(node.value);
  });

  it('its example runbook parses clean, lints without errors and has the steps the text names', async () => {
    expect(blocks).toHaveLength(1);
    const { runbook, file } = parseRunbook(blocks[0]!);
    expect(file.messages.map((m) => `${m.ruleId} ${m.line}:${m.column} ${m.reason}`)).toEqual([]);
    expect(runbook.steps.map((s) => `${s.kind} ${s.id}`)).toEqual(['check payment-error-ratio', 'kubectl gateway-pods', 'mitigate restart-gateway']);
    const { lintRunbook } = await import('../src/lint/index.js');
    const result = await lintRunbook(blocks[0]!, { path: 'README.md' });
    expect(result.messages.filter((m) => m.severity === 2)).toEqual([]);
  });
});
