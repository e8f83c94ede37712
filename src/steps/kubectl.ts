import { bin, capture, timeout, title } from './common.js';
import { defineStepKind } from './definition.js';
import { checkKubectlBody } from './kubectl-body.js';
import { IMPORT_SHELL_LANGS } from './sh.js';

/** `kubectl`: one kubectl command line, run as an argv array (no shell). Gated unless its verb only reads. */
export const kubectl = defineStepKind({
  kind: 'kubectl',
  summary: 'One kubectl command line, run without a shell; gated unless its verb only reads.',
  readOnly: false,
  role: 'command',
  attributes: {
    title,
    timeout,
    capture,
    bin,
    context: { type: 'string', description: 'Kubernetes context for this step (else the body, the CLI, the front matter).' },
    namespace: { type: 'string', description: 'Namespace for this step (else the body, the CLI, the front matter).' },
  },
  body: {
    expects: 'one kubectl command line',
    validate: (body, toFile, report) => void checkKubectlBody(body, toFile, report),
  },
  plan: (s, t) => {
    const command = t.kubectl(s.body, s.attributes, t.defaults.processTimeoutMs, s.bodyPosition);
    return { ...t.gate(command), command };
  },
  lint: {
    commands: (s) => [
      { runner: 'kubectl', role: 'step', body: s.body, bodyStart: s.bodyPosition.start.offset, attributes: s.attributes, position: s.position, gated: false },
    ],
  },
  importFrom: IMPORT_SHELL_LANGS,
});
