/**
 * LineIndex against micromark: both must agree on where lines break (`\n`, `\r\n` and a lone `\r`), or every
 * line:column after the first disagreement is off.
 */
import fc from 'fast-check';
import type { Nodes } from 'mdast';
import { describe, expect, it } from 'vitest';
import { parseMarkdown } from '../../src/parse/markdown.js';
import { LineIndex } from '../../src/parse/positions.js';

function points(node: Nodes, out: { line: number; column: number; offset: number }[] = []) {
  if (node.position) out.push(node.position.start as never, node.position.end as never);
  if ('children' in node) for (const child of node.children as Nodes[]) points(child, out);
  return out;
}

describe('LineIndex', () => {
  it('breaks lines at `\\n`, `\\r\\n` and a lone `\\r`', () => {
    const lines = new LineIndex('a\rb\r\nc\nd');
    expect(lines.lineCount).toBe(4);
    expect([1, 2, 3, 4].map((n) => lines.lineText(n))).toEqual(['a', 'b', 'c', 'd']);
    expect(lines.point(2)).toEqual({ line: 2, column: 1, offset: 2 });
    expect(lines.point(5)).toEqual({ line: 3, column: 1, offset: 5 });
  });

  it('puts an offset between `\\r` and `\\n` at the end of its line', () => {
    expect(new LineIndex('ab\r\ncd').point(3)).toEqual({ line: 1, column: 3, offset: 2 });
  });

  it('gives every mdast point micromark computes the same line and column (500 runs)', () => {
    const text = fc.array(fc.constantFrom('a', 'b c', '# h', '```', '- x', '\n', '\r', '\r\n', ' ', '\n\n'), { maxLength: 30 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (source) => {
        const lines = new LineIndex(source);
        for (const point of points(parseMarkdown(source))) expect(lines.point(point.offset)).toEqual(point);
      }),
      { numRuns: 500 },
    );
  });
});
