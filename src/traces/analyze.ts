/**
 * Trace analysis: tree, critical path, bottleneck, errors, and the rows of a waterfall.
 *
 * The critical path follows the "last finishing child" walk of Jaeger UI: start at the root's end, step into
 * the child that finished last, and when a span has no child left that finished before the point reached,
 * take the span's own time back to its start and return to the parent, which then looks for the child that
 * finished last before that start. Children are clipped to their parent first (a child that lies wholly
 * outside is dropped), and non-blocking spans (FOLLOWS_FROM, PRODUCER, CONSUMER) are left out with their
 * subtrees. The walk here is iterative and uses per-span child lists sorted by end time, so a deep or wide
 * trace costs O(n log n) and no stack.
 *
 * Broken traces never throw: missing parents, cycles, duplicate ids and clock skew are reported in
 * `degraded` and the analysis carries on with what can be trusted.
 */
import type { AttributeValue, TraceSpan } from './model.js';

/** A stretch of time in which one span is on the critical path. */
export interface CriticalSection {
  readonly spanId: string;
  readonly startUs: number;
  readonly endUs: number;
}

/** One line of the waterfall, in tree order (children by start time). */
export interface WaterfallRow {
  readonly span: TraceSpan;
  /** 0 for a root. */
  readonly depth: number;
  /** Start relative to the trace's first span. */
  readonly offsetUs: number;
  /** Time this span itself spends on the critical path (0 when not on it). */
  readonly criticalSelfUs: number;
  /** False for FOLLOWS_FROM / PRODUCER / CONSUMER spans and their subtrees, and spans outside the main tree. */
  readonly blocking: boolean;
}

/** A span whose status is error, with what it says about why. */
export interface SpanError {
  readonly span: TraceSpan;
  readonly message: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** What a trace says: where the time went and what failed. */
export interface TraceAnalysis {
  readonly traceId: string;
  readonly spanCount: number;
  readonly startUs: number;
  readonly durationUs: number;
  readonly root?: TraceSpan;
  readonly services: readonly string[];
  /** Levels in the deepest branch (a lone root is 1). */
  readonly depth: number;
  /** Sections in time order. */
  readonly criticalPath: readonly CriticalSection[];
  /** The span with the largest self time on the critical path. */
  readonly bottleneck?: { readonly span: TraceSpan; readonly selfUs: number };
  /** Error spans, the likely cause first (errors without error descendants, earliest first). */
  readonly errors: readonly SpanError[];
  readonly rows: readonly WaterfallRow[];
  /** Why the view may be incomplete, in plain words; empty for a sound trace. */
  readonly degraded: readonly string[];
}

const MAX_EXAMPLE = 60;
const ms = (us: number): string => `${Math.round(us / 100) / 10} ms`;
const short = (s: string): string => (s.length > MAX_EXAMPLE ? `${s.slice(0, MAX_EXAMPLE)}…` : s);

function isBlockingLink(span: TraceSpan): boolean {
  return span.link === 'child_of' && span.kind !== 'producer' && span.kind !== 'consumer';
}

const byStart = (a: TraceSpan, b: TraceSpan): number => a.startUs - b.startUs || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);

/** Analyses one trace's spans (any order). Never throws on a broken trace; see `degraded`. */
export function analyzeTrace(input: readonly TraceSpan[]): TraceAnalysis {
  const degraded: string[] = [];
  const byId = new Map<string, TraceSpan>();
  let duplicates = 0;
  for (const span of input) {
    if (byId.has(span.spanId)) duplicates++;
    else byId.set(span.spanId, span);
  }
  if (duplicates > 0) degraded.push(`${duplicates} span(s) repeat an id already seen; only the first of each was kept`);
  const spans = [...byId.values()];
  if (spans.length === 0) {
    return { traceId: input[0]?.traceId ?? '', spanCount: 0, startUs: 0, durationUs: 0, services: [], depth: 0, criticalPath: [], errors: [], rows: [], degraded: [...degraded, 'the trace has no spans'] };
  }

  // Tree: parent of each span when that parent exists (and is not the span itself).
  const parentOf = new Map<string, TraceSpan>();
  const children = new Map<string, TraceSpan[]>();
  const trueRoots: TraceSpan[] = [];
  const orphans: TraceSpan[] = [];
  for (const span of spans) {
    const parent = span.parentId === undefined || span.parentId === span.spanId ? undefined : byId.get(span.parentId);
    if (parent !== undefined) {
      parentOf.set(span.spanId, parent);
      let list = children.get(parent.spanId);
      if (list === undefined) children.set(parent.spanId, (list = []));
      list.push(span);
    } else if (span.parentId === undefined) trueRoots.push(span);
    else orphans.push(span);
  }
  for (const list of children.values()) list.sort(byStart);

  if (orphans.length > 0) {
    const e = orphans[0]!;
    degraded.push(`${orphans.length} span(s) reference a parent that is not in the trace (e.g. \`${short(e.operation)}\` → parent ${e.parentId}); they are shown as extra roots`);
  }

  // Reachability from the roots; what stays unreached hangs off a parent cycle: cut each cycle at its earliest span.
  const visited = new Set<string>();
  const mark = (root: TraceSpan): void => {
    const stack = [root];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (visited.has(s.spanId)) continue;
      visited.add(s.spanId);
      for (const c of children.get(s.spanId) ?? []) stack.push(c);
    }
  };
  for (const r of [...trueRoots, ...orphans]) mark(r);
  const cycleRoots: TraceSpan[] = [];
  if (visited.size < spans.length) {
    const unreached = spans.filter((s) => !visited.has(s.spanId)).sort(byStart);
    for (const s of unreached) {
      if (visited.has(s.spanId)) continue;
      const parent = parentOf.get(s.spanId);
      if (parent !== undefined) {
        parentOf.delete(s.spanId);
        const list = children.get(parent.spanId);
        if (list !== undefined) list.splice(list.indexOf(s), 1);
      }
      cycleRoots.push(s);
      mark(s);
    }
    degraded.push(`${unreached.length} span(s) form or hang off a parent cycle (e.g. \`${short(cycleRoots[0]!.operation)}\`); each cycle was cut at its earliest span`);
  }

  const longest = (list: TraceSpan[]): TraceSpan | undefined =>
    [...list].sort((a, b) => b.durationUs - a.durationUs || byStart(a, b))[0];
  const root = longest(trueRoots) ?? longest(orphans) ?? longest(cycleRoots);
  if (trueRoots.length === 0) degraded.push(`no root span (every span names a parent); the critical path starts at \`${short(root?.operation ?? '')}\``);
  else if (trueRoots.length > 1) degraded.push(`${trueRoots.length} root spans; the critical path follows the longest, \`${short(root?.operation ?? '')}\``);

  // Clock skew: a child that starts before its parent.
  let skewed = 0;
  let skewExample: { span: TraceSpan; byUs: number } | undefined;
  for (const [id, parent] of parentOf) {
    const span = byId.get(id)!;
    if (span.startUs < parent.startUs) {
      skewed++;
      const byUs = parent.startUs - span.startUs;
      if (skewExample === undefined || byUs > skewExample.byUs) skewExample = { span, byUs };
    }
  }
  if (skewExample !== undefined) {
    degraded.push(`clock skew: ${skewed} span(s) start before their parent (e.g. \`${short(skewExample.span.operation)}\` by ${ms(skewExample.byUs)}); they were clipped to the parent for the critical path`);
  }

  const criticalPath = root === undefined ? [] : walkCriticalPath(root, children);
  const self = new Map<string, number>();
  for (const s of criticalPath) self.set(s.spanId, (self.get(s.spanId) ?? 0) + (s.endUs - s.startUs));

  // Rows: the main tree first, then the other roots by start time.
  const traceStart = spans.reduce((m, s) => Math.min(m, s.startUs), Infinity);
  const traceEnd = spans.reduce((m, s) => Math.max(m, s.startUs + s.durationUs), -Infinity);
  const rows: WaterfallRow[] = [];
  const otherRoots = [...trueRoots, ...orphans, ...cycleRoots].filter((r) => r !== root).sort(byStart);
  for (const r of root === undefined ? otherRoots : [root, ...otherRoots]) {
    const stack: Array<{ span: TraceSpan; depth: number; blocking: boolean }> = [{ span: r, depth: 0, blocking: r === root }];
    while (stack.length > 0) {
      const { span, depth, blocking } = stack.pop()!;
      rows.push({ span, depth, offsetUs: span.startUs - traceStart, criticalSelfUs: self.get(span.spanId) ?? 0, blocking });
      const kids = children.get(span.spanId) ?? [];
      for (let i = kids.length - 1; i >= 0; i--) {
        const k = kids[i]!;
        stack.push({ span: k, depth: depth + 1, blocking: blocking && isBlockingLink(k) });
      }
    }
  }

  let bottleneck: TraceAnalysis['bottleneck'];
  for (const [id, us] of self) {
    if (bottleneck === undefined || us > bottleneck.selfUs) bottleneck = { span: byId.get(id)!, selfUs: us };
  }

  // Errors: those with no error below them are the likely cause.
  const errorBelow = new Set<string>();
  for (let i = rows.length - 1; i >= 0; i--) {
    const { span } = rows[i]!;
    const parent = parentOf.get(span.spanId);
    if (parent !== undefined && (span.status === 'error' || errorBelow.has(span.spanId))) errorBelow.add(parent.spanId);
  }
  const errors: SpanError[] = spans
    .filter((s) => s.status === 'error')
    .sort((a, b) => Number(errorBelow.has(a.spanId)) - Number(errorBelow.has(b.spanId)) || byStart(a, b))
    .map((span) => ({
      span,
      message: span.statusMessage ?? (typeof span.attributes['error.message'] === 'string' ? span.attributes['error.message'] : ''),
      attributes: span.attributes,
    }));

  return {
    traceId: root?.traceId ?? spans[0]!.traceId,
    spanCount: spans.length,
    startUs: traceStart,
    durationUs: traceEnd - traceStart,
    ...(root === undefined ? {} : { root }),
    services: [...new Set(spans.map((s) => s.service))].sort(),
    depth: rows.reduce((d, r) => Math.max(d, r.depth + 1), 0),
    criticalPath,
    ...(bottleneck === undefined ? {} : { bottleneck }),
    errors,
    rows,
    degraded,
  };
}

interface Clipped {
  readonly spanId: string;
  readonly startUs: number;
  readonly endUs: number;
  readonly parent?: Clipped;
  /** Blocking children, latest end first. */
  kids: Clipped[];
  /** Index of the next child the walk may still step into. */
  next: number;
}

/**
 * The last-finishing-child walk over the blocking tree under `root`. Returns sections in time order.
 */
export function walkCriticalPath(root: TraceSpan, children: ReadonlyMap<string, readonly TraceSpan[]>): CriticalSection[] {
  // Clip top-down: a child is cut to its parent's (clipped) interval; one wholly outside is dropped with its subtree.
  const top: Clipped = { spanId: root.spanId, startUs: root.startUs, endUs: root.startUs + root.durationUs, kids: [], next: 0 };
  const queue: Clipped[] = [top];
  for (let qi = 0; qi < queue.length; qi++) {
    const p = queue[qi]!;
    for (const c of children.get(p.spanId) ?? []) {
      if (!isBlockingLink(c)) continue;
      const end = c.startUs + c.durationUs;
      if (c.startUs >= p.endUs || end <= p.startUs) continue;
      const clipped: Clipped = { spanId: c.spanId, startUs: Math.max(c.startUs, p.startUs), endUs: Math.min(end, p.endUs), parent: p, kids: [], next: 0 };
      p.kids.push(clipped);
      queue.push(clipped);
    }
    p.kids.sort((a, b) => b.endUs - a.endUs || a.startUs - b.startUs);
  }

  const sections: CriticalSection[] = [];
  let current: Clipped = top;
  let until: number | undefined; // set when returning from a child: only children that ended before it count
  for (;;) {
    if (until !== undefined) while (current.next < current.kids.length && current.kids[current.next]!.endUs >= until) current.next++;
    const lfc = current.next < current.kids.length ? current.kids[current.next] : undefined;
    const sectionEnd = until ?? current.endUs;
    if (lfc !== undefined) {
      if (lfc.endUs < sectionEnd) sections.push({ spanId: current.spanId, startUs: lfc.endUs, endUs: sectionEnd });
      current = lfc;
      until = undefined;
    } else {
      if (current.startUs < sectionEnd) sections.push({ spanId: current.spanId, startUs: current.startUs, endUs: sectionEnd });
      if (current.parent === undefined) break;
      until = current.startUs;
      current = current.parent;
    }
  }
  return sections.reverse();
}
