import { timeout, title } from './common.js';
import type { TraceCaptureField } from '../model/index.js';
import { defineStepKind } from './definition.js';

/** What a `trace` step's `capture="name=<field>"` can read. */
export const TRACE_CAPTURE_FIELDS = [
  'bottleneck.duration',
  'bottleneck.operation',
  'bottleneck.self',
  'bottleneck.service',
  'duration',
  'error.message',
  'error.operation',
  'error.service',
  'root.operation',
  'root.service',
  'spans',
  'trace_id',
] as const satisfies readonly TraceCaptureField[];

/**
 * `trace`: fetch one trace from Tempo or Jaeger (by id, or the latest/slowest match of a search within a
 * window ending at the evaluation time) and report its critical path, bottleneck span and errors. Only reads.
 */
export const trace = defineStepKind({
  kind: 'trace',
  summary:
    'A trace from Tempo or Jaeger, by id or by search (TraceQL / Jaeger search form): waterfall, critical path, bottleneck span, errors.',
  readOnly: true,
  role: 'query',
  captures: 'own',
  body: { expects: 'a trace id or a search (TraceQL, or the Jaeger search form)' },
  plan: (s, t) => ({ gated: false, trace: t.trace(s.body, s.attributes) }),
  attributes: {
    title,
    backend: {
      type: 'string',
      enum: ['tempo', 'jaeger'],
      description: 'Which trace store to ask when both `tempo` and `jaeger` URLs are set (else the one that is set).',
    },
    window: {
      type: 'duration',
      description: 'A search looks back this far from the evaluation time (default 1h).',
      examples: ['1h', '15m'],
    },
    pick: {
      type: 'string',
      enum: ['latest', 'slowest'],
      description: 'Which trace of a search to open: `latest` (default, the last to start) or `slowest`.',
    },
    timeout,
    capture: {
      type: 'string',
      description:
        'Bind values for later steps as `{{steps.<id>.<name>}}`: `name=<field>`, several separated by `;`. ' +
        `Fields: ${TRACE_CAPTURE_FIELDS.map((f) => `\`${f}\``).join(', ')} (durations in seconds).`,
      pattern: '^\\s*[A-Za-z_][\\w-]*\\s*=.+$',
      examples: ['op=bottleneck.operation;svc=bottleneck.service'],
    },
  },
});
