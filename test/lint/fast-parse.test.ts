/**
 * The fast paths of the parser against the readings they stand in for: src/parse/blocks.ts against micromark,
 * the plain attribute reader against remark-directive, the plain front matter check against ajv. Whenever a
 * fast path answers, the answer must be the same; when it cannot, it must say so (and micromark/ajv decide).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import type { Nodes, Paragraph } from 'mdast';
import type {} from 'mdast-util-directive';
import { describe, expect, it } from 'vitest';
import { parseAttributeBlock } from '../../src/parse/attributes.js';
import { readBlocks } from '../../src/parse/blocks.js';
import { FRONTMATTER_SCHEMA, plainlyValidFrontmatter } from '../../src/parse/frontmatter.js';
import { parseMarkdown } from '../../src/parse/markdown.js';
import { readSimpleYaml } from '../../src/parse/simple-yaml.js';
import { parse as parseYaml } from 'yaml';

/** What the parser reads from a block tree: types, positions, code, containers, heading text, nesting. */
function project(node: Nodes): unknown {
  const p = node.position;
  const out: Record<string, unknown> = { type: node.type };
  if (node.type !== 'root' && p) out.at = `${p.start.line}:${p.start.column}:${p.start.offset}-${p.end.line}:${p.end.column}:${p.end.offset}`;
  if (node.type === 'code') Object.assign(out, { lang: node.lang, meta: node.meta, value: node.value });
  if (node.type === 'yaml') out.value = node.value;
  if (node.type === 'containerDirective') Object.assign(out, { name: node.name, attributes: node.attributes });
  if (node.type === 'heading') Object.assign(out, { depth: node.depth, text: toText(node) });
  if (node.type === 'list') out.ordered = node.ordered;
  if ('children' in node && node.type !== 'paragraph' && node.type !== 'heading') out.children = (node.children as Nodes[]).map(project);
  return out;
}

function toText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string' && node.type !== 'html') return node.value;
  return 'children' in node ? (node.children as Nodes[]).map(toText).join('') : '';
}

function markdownFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    if (statSync(path).isDirectory()) markdownFiles(path, out);
    else if (entry.endsWith('.md')) out.push(path);
  }
  return out;
}

/** Lines that make up runbooks, including ones the fast reader must leave to micromark. */
const LINES = [
  '', '', '', 'Some prose text', 'more text  ', '  indented text', '    four spaces', 'a `code` b', '*emph* start', '_x_',
  '# Title', '## Sub `x` y', '### A *b*', '#no', '# trailing ##', '   # three', '#', '# a:b', '# :x', '# a  b ', '## `` a`b ``',
  '- item', '- item two', '* star', '+ plus', '-  wide', '  - nested', '    - deeper', '1. one', '2) two', '10. ten', '1.  x', '-', '1.',
  '```', '```sh', '```kubectl {#k}', '```promql {#q title="T x"}', '~~~', '  ```', '   ```bash', '````', '``` sh meta  ', '```sh {#a .b}', '```a`b',
  ':::mitigate{#m}', ':::mitigate', ':::', '::::', ':::check{of=x}', ':::note[label]', '::leaf',
  '---', '***', '___', '- - -', '* * *', '--', '===', '> quote', '<div>', '\tkubectl', '-\tx', 'kubectl get pods', '$ kubectl get x',
  'sum(rate(x[5m]))', '  sum(up)', '- ```sh', '  kubectl get', '   ', '  ', '|a|b|', '[x]: /url', 'a &amp; b', '\\# not',
];

const documents = fc
  .tuple(fc.boolean(), fc.array(fc.constantFrom(...LINES), { minLength: 1, maxLength: 14 }), fc.boolean())
  .map(([frontmatter, lines, newline]) => `${frontmatter ? '---\ntitle: x\n---\n' : ''}${lines.join('\n')}${newline ? '\n' : ''}`);

describe('the fast block reader', () => {
  it('reads the repository, the shared corpus and the benchmark corpus exactly as micromark does', () => {
    const root = resolve(import.meta.dirname, '../..');
    const files = [
      ...['runbooks', 'examples', 'docs', 'test'].flatMap((dir) => markdownFiles(join(root, dir))),
      ...markdownFiles(resolve(root, '../shared/corpus')),
      ...markdownFiles(join(root, 'bench/corpus/files-200')).slice(0, 60),
    ];
    let fast = 0;
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      const blocks = readBlocks(source);
      if (!blocks) continue;
      fast++;
      expect(project(blocks), file).toEqual(project(parseMarkdown(source)));
    }
    // Most real runbooks are read fast (else the point of the reader is lost).
    expect(fast).toBeGreaterThan(files.length * 0.8);
  });

  it('agrees with micromark on generated documents whenever it reads them', () => {
    let fast = 0;
    fc.assert(
      fc.property(documents, (source) => {
        const blocks = readBlocks(source);
        if (!blocks) return;
        fast++;
        expect(project(blocks)).toEqual(project(parseMarkdown(source)));
      }),
      { numRuns: 3000, seed: 20251026 },
    );
    expect(fast).toBeGreaterThan(300);
  });

  it('leaves HTML, block quotes, setext headings, tabs, link definitions and unclosed fences to micromark', () => {
    for (const source of ['<div>\nx\n</div>\n', '> quote\n', 'Title\n=====\n', 'a\n---\n', '-\tx\n', '[x]: /url\n', '```sh\nopen\n', ':::mitigate\nx\n', 'a\r\nb\n']) {
      expect(readBlocks(source), JSON.stringify(source)).toBeUndefined();
    }
  });
});

describe('the plain attribute reader', () => {
  /** remark-directive's reading of a block, as parseAttributeBlock's slow path does it. */
  function micromarkAttributes(block: string): Record<string, string> | undefined {
    const probe = `:x${block}`;
    const paragraph = parseMarkdown(probe).children[0] as Paragraph | undefined;
    const directive = paragraph?.type === 'paragraph' && paragraph.children.length === 1 ? paragraph.children[0] : undefined;
    if (directive?.type !== 'textDirective' || directive.position?.end.offset !== probe.length) return undefined;
    return Object.fromEntries(Object.entries(directive.attributes ?? {}).map(([k, v]) => [k, v ?? '']));
  }

  const part = fc.constantFrom('#id', '#a-1', 'title="T x"', "title='q'", 'expect="< 0.01"', 'of=x', 'confirm', 'run=sh', '.c', 'a=&amp;', 'x="a}b"', 'k=v"', '#', 'é=1', 'a = 1', 'id=z', 'x="a\\"b"', '');
  const blocks = fc.tuple(fc.array(part, { maxLength: 5 }), fc.constantFrom(' ', '  ', ''), fc.constantFrom('}', '', '} x')).map(([parts, gap, end]) => `{${parts.join(gap)}${end}`);

  it('gives the attributes remark-directive gives', () => {
    fc.assert(
      fc.property(blocks, (block) => {
        const expected = micromarkAttributes(block);
        const actual = parseAttributeBlock(block);
        expect(actual.ok ? actual.attributes : undefined).toEqual(expected);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});

describe('the plain front matter check', () => {
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, formats: { regex: () => true } });
  const validate = ajv.compile(FRONTMATTER_SCHEMA);
  const scalar = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('', 'http://p:9090', 'ftp://x', '[a-z]+', '(', 'a-b'), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
  const value = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.constantFrom('description', 'default', 'required', 'pattern', 'other'), scalar, { maxKeys: 3 }));
  const params = fc.dictionary(fc.constantFrom('namespace', 'ns-1', '_x', '1bad', 'a b'), fc.oneof(fc.constant(null), value), { maxKeys: 3 });
  const data = fc.dictionary(
    fc.constantFrom('title', 'service', 'severity', 'alerts', 'owners', 'params', 'prometheus', 'context', 'namespace', 'extra'),
    fc.oneof(value, params),
    { maxKeys: 6 },
  );

  it('says valid only when ajv says valid (regex patterns checked as the parser does)', () => {
    fc.assert(
      fc.property(fc.oneof(data, scalar), (frontmatter) => {
        if (!plainlyValidFrontmatter(frontmatter)) return;
        // ajv with a permissive regex format: plainlyValid checks patterns compile on its own.
        expect(validate(frontmatter)).toBe(true);
      }),
      { numRuns: 3000, seed: 11 },
    );
    expect(plainlyValidFrontmatter({ title: 'T', params: { namespace: { default: 'p', pattern: '^[a-z]+$' } }, alerts: ['A'] })).toBe(true);
    expect(plainlyValidFrontmatter({ params: { namespace: { pattern: '(' } } })).toBe(false);
  });
});

describe('the plain YAML reader', () => {
  const YAML_LINES = [
    'title: Payment gateway timeout', 'title: "Quoted: yes"', "title: 'single'", 'title:', 'service: payment-gateway', 'severity: critical',
    'alerts:', '  - PaymentGatewayDown', '- Alert', '  - "quoted"', 'owners: [a, b]', 'params:', '  namespace:', '    default: payments',
    '    pattern: "[a-z0-9]([-a-z0-9]*[a-z0-9])?"', '    required: true', '    default: 5', '  deployment:', '    description: Deployment name',
    'namespace: payments', 'prometheus: http://prometheus:9090', 'key: value # comment', 'key: a: b', 'key: yes', 'key: null', 'key: ~',
    'weight: 10', 'x: It\'s fine', 'x: [not] a list', 'x: "esc\\n"', '  continued text', 'x:  two spaces', 'x: trailing ', 'x: &a anchor', '',
  ];
  it('reads what the yaml package reads, or declines', () => {
    let read = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...YAML_LINES), { minLength: 1, maxLength: 10 }), (lines) => {
        const text = lines.join('\n');
        const simple = readSimpleYaml(text);
        if (simple === undefined) return;
        read++;
        expect(simple).toEqual(parseYaml(text, { uniqueKeys: true }));
      }),
      { numRuns: 4000, seed: 3 },
    );
    expect(read).toBeGreaterThan(100);
    const frontmatter = "title: T\nalerts:\n  - A\n  - B\nowners:\n- team\nparams:\n  namespace:\n    default: payments\n    pattern: \"^[a-z]+$\"\n  pod:\nnamespace: payments";
    expect(readSimpleYaml(frontmatter)).toEqual(parseYaml(frontmatter));
  });
});
