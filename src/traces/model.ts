/**
 * The one span shape every trace backend is normalised into (Tempo OTLP JSON, Jaeger v2 OTLP, classic Jaeger).
 * Times are microseconds since the epoch (numbers: nanoseconds since the epoch do not fit a double).
 */

/** OpenTelemetry span kinds, lower-cased; `unspecified` when the source says nothing. */
export type SpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/** How a span hangs off its parent: `child_of` blocks the parent, `follows_from` does not. */
export type ParentLink = 'child_of' | 'follows_from';

/** A scalar attribute value (arrays and maps are kept as their JSON text). */
export type AttributeValue = string | number | boolean;

/** One span, backend-neutral. Ids are lower-case hex. */
export interface TraceSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentId?: string;
  readonly link: ParentLink;
  readonly service: string;
  readonly operation: string;
  readonly kind: SpanKind;
  readonly startUs: number;
  readonly durationUs: number;
  readonly status: 'unset' | 'ok' | 'error';
  readonly statusMessage?: string;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/** Where a normalised trace came from (the shape, not the server). */
export type TraceFormat = 'otlp' | 'jaeger';

/** A trace as fetched: its spans in any order, plus what normalising noticed. */
export interface NormalizedTrace {
  readonly format: TraceFormat;
  readonly spans: readonly TraceSpan[];
  /** Things skipped while normalising (a span without an id, an unreadable time), in plain words. */
  readonly warnings: readonly string[];
}
