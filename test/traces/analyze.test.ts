import { describe, expect, it } from 'vitest';
import { analyzeTrace, renderWaterfall } from '../../src/traces/index.js';
import type { TraceSpan } from '../../src/traces/index.js';

/** A span in milliseconds: `s(id, parent, startMs, durMs, extra)`. */
function s(spanId: string, parentId: string | undefined, startMs: number, durMs: number, extra: Partial<TraceSpan> = {}): TraceSpan {
  return {
    traceId: 't1',
    spanId,
    ...(parentId === undefined ? {} : { parentId }),
    link: 'child_of',
    service: extra.service ?? 'svc',
    operation: extra.operation ?? spanId,
    kind: 'internal',
    startUs: startMs * 1000,
    durationUs: durMs * 1000,
    status: 'unset',
    attributes: {},
    ...extra,
  };
}

const path = (spans: TraceSpan[]): string[] =>
  analyzeTrace(spans).criticalPath.map((c) => `${c.spanId}:${c.startUs / 1000}-${c.endUs / 1000}`);

describe('critical path (last finishing child walk)', () => {
  it('a lone root is all critical', () => {
    expect(path([s('a', undefined, 0, 10)])).toEqual(['a:0-10']);
  });

  it('sequential children: each in turn, the parent in the gaps', () => {
    expect(path([s('a', undefined, 0, 100), s('b', 'a', 10, 20), s('c', 'a', 50, 30)])).toEqual([
      'a:0-10', 'b:10-30', 'a:30-50', 'c:50-80', 'a:80-100',
    ]);
  });

  it('parallel children: only the last finishing one blocks; the overlapped one is skipped', () => {
    // b 10–60 and c 10–90 run in parallel; c ends last so c is critical, b ends after c starts so it is not.
    const a = analyzeTrace([s('a', undefined, 0, 100), s('b', 'a', 10, 50), s('c', 'a', 10, 80)]);
    expect(a.criticalPath.map((c) => c.spanId)).toEqual(['a', 'c', 'a']);
    expect(a.bottleneck?.span.spanId).toBe('c');
    expect(a.bottleneck?.selfUs).toBe(80_000);
    expect(a.rows.find((r) => r.span.spanId === 'b')?.criticalSelfUs).toBe(0);
  });

  it('a child that ended before the last finishing child started is picked on the way back', () => {
    expect(path([s('a', undefined, 0, 100), s('b', 'a', 0, 20), s('x', 'a', 5, 10), s('c', 'a', 30, 60)])).toEqual([
      'b:0-20', 'a:20-30', 'c:30-90', 'a:90-100',
    ]);
  });

  it('async children (PRODUCER kind, FOLLOWS_FROM link) longer than the parent do not block', () => {
    const spans = [
      s('a', undefined, 0, 100),
      s('q', 'a', 10, 500, { kind: 'producer' }),
      s('f', 'a', 20, 900, { link: 'follows_from' }),
      s('qc', 'q', 100, 300), // under a non-blocking span: out too
      s('b', 'a', 20, 60),
    ];
    const a = analyzeTrace(spans);
    expect(path(spans)).toEqual(['a:0-20', 'b:20-80', 'a:80-100']);
    expect(a.bottleneck?.span.spanId).toBe('b');
    expect(a.rows.find((r) => r.span.spanId === 'q')?.blocking).toBe(false);
    expect(a.rows.find((r) => r.span.spanId === 'qc')?.blocking).toBe(false);
    expect(a.degraded).toEqual([]);
  });

  it('children overflowing their parent are clipped to it; one wholly outside is dropped', () => {
    expect(path([s('a', undefined, 0, 100), s('b', 'a', 60, 100), s('z', 'a', 150, 10)])).toEqual(['a:0-60', 'b:60-100']);
  });

  it('the walk descends: grandchildren take their share, the bottleneck is the largest self time', () => {
    const spans = [
      s('root', undefined, 0, 5000, { service: 'checkout' }),
      s('pay', 'root', 10, 4980, { service: 'payment' }),
      s('gw', 'pay', 20, 4950, { service: 'payment', operation: 'call-payment-gateway' }),
      s('db', 'root', 2, 5, { service: 'cart' }),
    ];
    const a = analyzeTrace(spans);
    expect(a.bottleneck?.span.operation).toBe('call-payment-gateway');
    expect(a.bottleneck?.selfUs).toBe(4_950_000);
    expect(a.depth).toBe(3);
    expect(a.services).toEqual(['cart', 'checkout', 'payment']);
    const total = a.criticalPath.reduce((t, c) => t + c.endUs - c.startUs, 0);
    expect(total).toBe(5_000_000);
  });
});

describe('broken traces give a degraded view, never a crash', () => {
  it('missing parents: orphans are extra roots, the true root still drives the critical path', () => {
    const a = analyzeTrace([s('a', undefined, 0, 100), s('b', 'a', 10, 20), s('o', 'gone', 30, 500)]);
    expect(a.root?.spanId).toBe('a');
    expect(a.degraded.join('\n')).toMatch(/1 span\(s\) reference a parent that is not in the trace.*parent gone/);
    expect(a.rows.map((r) => r.span.spanId)).toEqual(['a', 'b', 'o']);
    expect(a.rows.find((r) => r.span.spanId === 'o')?.blocking).toBe(false);
  });

  it('no root at all: the longest orphan is used', () => {
    const a = analyzeTrace([s('b', 'x', 10, 20), s('c', 'y', 0, 90)]);
    expect(a.root?.spanId).toBe('c');
    expect(a.degraded.join('\n')).toMatch(/no root span/);
  });

  it('cycles are cut and reported', () => {
    const a = analyzeTrace([s('a', undefined, 0, 100), s('b', 'c', 10, 20), s('c', 'b', 12, 5), s('self', 'self', 1, 1)]);
    expect(a.degraded.join('\n')).toMatch(/parent cycle/);
    expect(a.rows).toHaveLength(4);
    expect(a.criticalPath.map((c) => c.spanId)).toEqual(['a']);
  });

  it('clock skew: a child before its parent is reported and clipped', () => {
    const a = analyzeTrace([s('a', undefined, 100, 100), s('b', 'a', 50, 100)]);
    expect(a.degraded.join('\n')).toMatch(/clock skew: 1 span\(s\) start before their parent \(e\.g\. `b` by 50 ms\)/);
    expect(path([s('a', undefined, 100, 100), s('b', 'a', 50, 100)])).toEqual(['b:100-150', 'a:150-200']);
  });

  it('duplicates and an empty trace', () => {
    expect(analyzeTrace([s('a', undefined, 0, 1), s('a', undefined, 0, 2)]).degraded[0]).toMatch(/repeat an id/);
    const empty = analyzeTrace([]);
    expect(empty.degraded).toContain('the trace has no spans');
    expect(renderWaterfall(empty)).toHaveLength(1);
  });

  it('a deep chain of 5,000 spans needs no stack', () => {
    const spans = [s('0', undefined, 0, 10_000)];
    for (let i = 1; i < 5000; i++) spans.push(s(String(i), String(i - 1), i, 10_000 - i)); // all end together: the leaf holds the most
    const a = analyzeTrace(spans);
    expect(a.depth).toBe(5000);
    expect(a.bottleneck?.span.spanId).toBe('4999');
  });
});

describe('errors and waterfall', () => {
  it('the error with no error below it comes first, with its message and attributes', () => {
    const a = analyzeTrace([
      s('root', undefined, 0, 100, { status: 'error', statusMessage: 'checkout failed' }),
      s('pay', 'root', 10, 80, { status: 'error', statusMessage: 'Connection refused: payment-gateway:8080', attributes: { 'retry.count': 3 } }),
    ]);
    expect(a.errors.map((e) => e.message)).toEqual(['Connection refused: payment-gateway:8080', 'checkout failed']);
    expect(a.errors[0]?.attributes['retry.count']).toBe(3);
  });

  it('marks the critical path and errors, and neutralises hostile names', () => {
    const lines = renderWaterfall(
      analyzeTrace([s('a', undefined, 0, 100, { operation: 'GET /\u001b[31mred' }), s('b', 'a', 50, 50, { status: 'error' }), s('c', 'a', 0, 10, { kind: 'consumer' })]),
    );
    expect(lines[1]).toMatch(/^\* {2}svc +GET \/\\x1b\[31mred/);
    expect(lines.some((l) => l.startsWith('*!') && l.includes('  b'))).toBe(true);
    expect(lines.find((l) => l.includes('  c  '))).toMatch(/^ {3}.*░/);
    expect(lines.join('\n')).not.toContain('\u001b');
  });
});
