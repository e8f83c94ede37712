import { every, run, timeout, title, within } from './common.js';
import type { AttributeSpec, StepDefinition } from './definition.js';

/** `mitigate`: one gated change — actions, an optional verifying check, optional rollback. */
export const mitigate: StepDefinition = {
  kind: 'mitigate',
  summary: 'One gated mitigation: its action commands run only after approval, then its check verifies it.',
  readOnly: false,
  attributes: { title, timeout, within, every, run },
};

/** Attributes of an action fence (`kubectl`/`sh`) inside a `mitigate` container. */
export const actionAttributes: Readonly<Record<string, AttributeSpec>> = {
  title,
  timeout,
  rollback: { type: 'flag', description: 'This command undoes the mitigation; offered behind its own gate when verification fails.' },
};
