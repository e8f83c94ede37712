import { capture, timeout, title } from './common.js';
import type { StepDefinition } from './definition.js';

/** `sh`: a shell script its author asked for; always gated. Template values reach it as quoted data. */
export const sh: StepDefinition = {
  kind: 'sh',
  summary: 'A shell script run with `sh -c`; always gated. Template values are passed quoted, never spliced raw.',
  readOnly: false,
  attributes: { title, timeout, capture },
};
