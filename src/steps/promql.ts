import { capture, range, step, timeout, title } from './common.js';
import { defineStepKind } from './definition.js';

/** `promql`: an instant (or, with `range`, a range) query against the Prometheus HTTP API. */
export const promql = defineStepKind({
  kind: 'promql',
  summary: 'A PromQL query: instant at the evaluation time, or a range query ending there with `range=`.',
  readOnly: true,
  role: 'query',
  attributes: { title, range, step, timeout, capture },
  body: { expects: 'a PromQL query' },
  plan: (s, t) => ({ gated: false, command: t.query(s.body, s.attributes) }),
  lint: {
    promql: (s) => [{ role: 'step', body: s.body, bodyStart: s.bodyPosition.start.offset, attributes: s.attributes, position: s.position }],
  },
  importFrom: ['promql'],
});
