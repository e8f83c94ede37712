/**
 * A throwaway step kind for test/steps/registry.test.ts: everything about it is in this one file, and
 * `registerStepKind(count)` is its one registry line. `count` counts the lines (or words) of one file with
 * `wc`, a read-only command, so it needs no gate.
 */
import { capture, timeout, title } from '../../../src/steps/common.js';
import { defineStepKind } from '../../../src/steps/definition.js';

export const count = defineStepKind({
  kind: 'count',
  summary: 'Counts the lines (or words) of one file with `wc`.',
  readOnly: true,
  role: 'command',
  attributes: {
    title,
    timeout,
    capture,
    what: { type: 'string', enum: ['lines', 'words'], description: 'What to count (default `lines`).' },
  },
  body: {
    expects: 'one file path',
    validate(body, toFile, report) {
      const newline = body.trimEnd().indexOf('\n');
      if (newline !== -1) report.error('count-one-file', 'Found more than one line; a `count` body is one file path', toFile(newline + 1), toFile(body.trimEnd().length));
    },
  },
  plan: (step, tools) => ({
    gated: false,
    command: {
      runner: 'sh',
      argv: ['wc', step.attributes.what === 'words' ? '-w' : '-l', tools.text(step.body.trim())],
      env: {},
      timeoutMs: tools.duration(step.attributes, 'timeout') ?? tools.defaults.processTimeoutMs,
      readOnly: true,
    },
  }),
  importFrom: ['linecount'],
});
