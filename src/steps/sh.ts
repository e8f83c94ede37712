import { capture, timeout, title } from './common.js';
import { defineStepKind } from './definition.js';

/** Fence languages `runbook import` reads as shell sessions (a kubectl line in one becomes a kubectl step or a mitigation). */
export const IMPORT_SHELL_LANGS = ['bash', 'sh', 'shell', 'console', 'zsh', 'shell-session', 'shellsession', 'kubectl'] as const;

/** `sh`: a shell script its author asked for; always gated. Template values reach it as quoted data. */
export const sh = defineStepKind({
  kind: 'sh',
  summary: 'A shell script run with `sh -c`; always gated. Template values are passed quoted, never spliced raw.',
  readOnly: false,
  role: 'command',
  attributes: { title, timeout, capture },
  body: { expects: 'a shell script', fenceNeedsAttributes: true },
  plan: (s, t) => ({ gated: true, reason: 'an `sh` step always asks first', command: t.shell(s.body, s.attributes, t.defaults.processTimeoutMs) }),
  lint: {
    commands: (s) => [
      { runner: 'sh', role: 'step', body: s.body, bodyStart: s.bodyPosition.start.offset, attributes: s.attributes, position: s.position, gated: false },
    ],
  },
  importFrom: IMPORT_SHELL_LANGS,
});
