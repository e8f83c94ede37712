/**
 * Trace analysis speed: the critical path (and the rest of `analyzeTrace`) of a generated 10,000-span trace,
 * in process. The trace is deterministic for a seed: a fan-out tree with sequential and parallel children,
 * async (PRODUCER / FOLLOWS_FROM) spans and children that overflow their parent.
 */
import { analyzeTrace } from '../src/traces/index.js';
import type { TraceSpan } from '../src/traces/index.js';
import { createRng } from './prng.js';

/** What `npm run bench` records for traces. */
export interface TracesSection {
  spans: number;
  runs: number;
  ms: { median: number; min: number; max: number };
  criticalSections: number;
  bottleneck: string;
}

/** A deterministic trace of `count` spans. */
export function generateTrace(count: number, seed: number): TraceSpan[] {
  const rng = createRng(seed);
  const spans: TraceSpan[] = [];
  const hex = (n: number): string => n.toString(16).padStart(16, '0');
  const make = (i: number, parent: TraceSpan | undefined): TraceSpan => {
    const start = parent === undefined ? 0 : parent.startUs + rng.int(0, Math.max(1, Math.floor(parent.durationUs * 0.8)));
    const room = parent === undefined ? 60_000_000 : parent.startUs + parent.durationUs - start;
    const duration = Math.max(1, Math.floor(room * (rng.chance(0.05) ? 1.3 : rng.next())));
    const async = parent !== undefined && rng.chance(0.03);
    return {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: hex(i + 1),
      ...(parent === undefined ? {} : { parentId: parent.spanId }),
      link: async && rng.chance(0.5) ? 'follows_from' : 'child_of',
      service: `svc-${rng.int(1, 30)}`,
      operation: `op-${rng.int(1, 400)}`,
      kind: async ? 'producer' : 'internal',
      startUs: start,
      durationUs: duration,
      status: rng.chance(0.01) ? 'error' : 'unset',
      attributes: {},
    };
  };
  spans.push(make(0, undefined));
  for (let i = 1; i < count; i++) spans.push(make(i, spans[rng.int(Math.max(0, i - 50), i - 1)]));
  return spans;
}

/** Times `analyzeTrace` over a 10,000-span trace. */
export function benchTraces(options: { runs: number; seed: number; spans?: number }): TracesSection {
  const spans = generateTrace(options.spans ?? 10_000, options.seed);
  analyzeTrace(spans); // warm-up
  const times: number[] = [];
  let last = analyzeTrace(spans);
  for (let r = 0; r < options.runs; r++) {
    const t0 = performance.now();
    last = analyzeTrace(spans);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return {
    spans: spans.length,
    runs: options.runs,
    ms: { median: times[Math.floor(times.length / 2)]!, min: times[0]!, max: times[times.length - 1]! },
    criticalSections: last.criticalPath.length,
    bottleneck: `${last.bottleneck?.span.operation ?? '-'} (${last.bottleneck?.span.service ?? '-'})`,
  };
}
