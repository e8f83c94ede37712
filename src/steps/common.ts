import type { AttributeSpec } from './definition.js';
import { KUBECTL_FAMILY } from './oc-verbs.js';

/** Attributes every executable step takes. */
export const title: AttributeSpec = { type: 'string', description: 'Human title shown in the plan, the UI and the timeline.' };
/** How long the step may take before it is stopped. */
export const timeout: AttributeSpec = {
  type: 'duration',
  description: 'How long the step may run before it is stopped (kubectl/sh default 60s, PromQL default 30s).',
  examples: ['30s', '2m'],
};
/** `capture="name=expr"`: values later steps can use as `{{steps.<id>.<name>}}`. */
export const capture: AttributeSpec = {
  type: 'string',
  description:
    'Bind values for later steps as `{{steps.<id>.<name>}}`: `name=<expr>`, several separated by `;`. ' +
    'PromQL: `label:<name>` or `value`; kubectl `-o json`: a JSONPath such as `$.items[0].metadata.name`; text: `/regex/` (first group).',
  pattern: '^\\s*[A-Za-z_][\\w-]*\\s*=.+$',
  examples: ['pod=$.items[0].metadata.name', 'ratio=value'],
};
/** Range-query attributes. */
export const range: AttributeSpec = {
  type: 'duration',
  description: 'Run a range query over this window, ending at the evaluation time.',
  examples: ['30m'],
};
/** Resolution of a range query. */
export const step: AttributeSpec = { type: 'duration', description: 'Resolution of a range query (default: range/60).', examples: ['30s'] };
/** How long a verification may be polled. */
export const within: AttributeSpec = {
  type: 'duration',
  description:
    'Poll the check until it passes or this time runs out. A mitigation\'s verification defaults to 5m; a standalone check is judged once unless it has `within`.',
  examples: ['5m'],
};
/** Poll interval of a verification. */
export const every: AttributeSpec = { type: 'duration', description: 'Interval between polls of a check with `within` (default 15s).', examples: ['15s'] };
/** Command runner of a command check or short mitigation. */
export const run: AttributeSpec = { type: 'string', enum: ['kubectl', 'sh'], description: 'Run the body as a command with this runner.' };
/** The kubectl-compatible CLI a kubectl command runs (`oc`): same verbs, flags and gating. */
export const bin: AttributeSpec = {
  type: 'string',
  enum: [...KUBECTL_FAMILY],
  description: 'The kubectl-compatible CLI to run (`oc` for OpenShift); the body may start with it. Same verb table and gates as kubectl, plus `oc`\'s own commands.',
  examples: ['oc'],
};
