/** Traces: normalising Tempo / Jaeger answers, critical path and bottleneck, waterfall text. */
export type { AttributeValue, NormalizedTrace, ParentLink, SpanKind, TraceFormat, TraceSpan } from './model.js';
export { TraceFormatError } from './errors.js';
export { normalizeId, normalizeKind, normalizeTrace } from './normalize.js';
export { analyzeTrace, walkCriticalPath } from './analyze.js';
export type { CriticalSection, SpanError, TraceAnalysis, WaterfallRow } from './analyze.js';
export { formatMicros, renderWaterfall } from './waterfall.js';
export type { WaterfallOptions } from './waterfall.js';
