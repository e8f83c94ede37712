import { capture, range, step, timeout, title } from './common.js';
import type { StepDefinition } from './definition.js';

/** `promql`: an instant (or, with `range`, a range) query against the Prometheus HTTP API. */
export const promql: StepDefinition = {
  kind: 'promql',
  summary: 'A PromQL query: instant at the evaluation time, or a range query ending there with `range=`.',
  readOnly: true,
  attributes: { title, range, step, timeout, capture },
};
