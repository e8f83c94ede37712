import { capture, timeout, title } from './common.js';
import type { StepDefinition } from './definition.js';

/** `kubectl`: one kubectl command line, run as an argv array (no shell). Gated unless its verb only reads. */
export const kubectl: StepDefinition = {
  kind: 'kubectl',
  summary: 'One kubectl command line, run without a shell; gated unless its verb only reads.',
  readOnly: false,
  attributes: {
    title,
    timeout,
    capture,
    context: { type: 'string', description: 'Kubernetes context for this step (else the body, the CLI, the front matter).' },
    namespace: { type: 'string', description: 'Namespace for this step (else the body, the CLI, the front matter).' },
  },
};
