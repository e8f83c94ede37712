import { timeout, title } from './common.js';
import { defineStepKind } from './definition.js';

/**
 * `logs`: read log lines (a `kubectl logs` command, or a LogQL query to Loki) within a window ending at the
 * evaluation time, and summarise them: matching lines, levels, message patterns, extracted fields. Only reads.
 */
export const logs = defineStepKind({
  kind: 'logs',
  summary: 'Log lines from `kubectl logs` or Loki within a window: matching count, levels, message patterns, extracted fields.',
  readOnly: true,
  role: 'query',
  captures: 'own',
  body: { expects: 'one `kubectl logs` command, or a LogQL query with `source=loki`' },
  plan: (s, t) => ({ gated: false, logs: t.logs(s.body, s.attributes, s.bodyPosition) }),
  attributes: {
    title,
    source: {
      type: 'string',
      enum: ['kubectl', 'loki'],
      description: 'Where the lines come from: `kubectl` (default; the body is one `kubectl logs` command) or `loki` (the body is a LogQL query).',
    },
    window: { type: 'duration', description: 'Lines of this window ending at the evaluation time (default 30m).', examples: ['30m', '2h'] },
    match: { type: 'string', description: 'A regular expression a line must match to count (default: every line).', examples: ['level=error'] },
    limit: { type: 'integer', description: 'Most lines read (default 5000); the step says when it was reached.', examples: ['5000'] },
    extract: {
      type: 'string',
      description: 'Fields whose values are collected with counts, separated by `;` (logfmt keys, JSON keys, or `[key=value]` pairs).',
      examples: ['trace_id;correlation_id'],
    },
    capture: {
      type: 'string',
      description:
        'Bind values for later steps as `{{steps.<id>.<name>}}`: `name=<field>` (the earliest matching line by time), ' +
        '`name=<field>:latest`, `name=<field>:top` (most frequent), `name=count` (matching lines); several separated by `;`.',
      pattern: '^\\s*[A-Za-z_][\\w-]*\\s*=.+$',
      examples: ['trace=trace_id', 'n=count'],
    },
    timeout,
    context: { type: 'string', description: 'With `source=kubectl`: Kubernetes context for this step.' },
    namespace: { type: 'string', description: 'With `source=kubectl`: namespace for this step.' },
  },
});
