/**
 * The `.runbookrc` schema, defined once here. `schemas/runbookrc.schema.json` is generated from
 * RUNBOOKRC_SCHEMA, and loadConfig validates every config file against it with ajv.
 */

/** How much a rule matters: `off` disables it, `warn` reports without failing, `error` fails the run. */
export type Severity = 'off' | 'warn' | 'error';

/** A rule's setting: a severity, or a severity and the rule's options. */
export type RuleSetting = Severity | [Severity] | [Severity, unknown];

/** The contents of a `.runbookrc`, validated. */
export interface RunbookConfig {
  /** Editors may point at the generated JSON Schema; ignored otherwise. */
  $schema?: string;
  /**
   * `recommended` (the default when absent) starts from the recommended rule settings; `[]` starts from
   * nothing, so only the rules listed under `rules` run.
   */
  extends?: 'recommended' | [] | ['recommended'];
  /** Per-rule settings, layered over the preset. */
  rules?: Record<string, RuleSetting>;
  /** Prometheus base URL used by `runbook run` when neither the CLI, the front matter nor the env gives one. */
  prometheus?: string;
  /** Alertmanager base URL used by `runbook run --alert`, `runbook alerts` and `runbook serve` when no flag gives one. */
  alertmanager?: string;
  /** Regular expressions (JavaScript syntax) whose matches are redacted from recorded output. */
  redact?: string[];
  /** Where runbooks are published, `{path}` standing for a runbook's path without `.md` (`runbook coverage`). */
  runbookUrl?: string;
}

/** The severities, in the order messages list them. */
export const SEVERITIES: readonly Severity[] = ['off', 'warn', 'error'];

const severity = { enum: [...SEVERITIES] };

/**
 * `x-expected` is an annotation ajv ignores and config errors quote: what a value should look like, in the
 * words a user types (ajv's own `must match a schema in anyOf` names nothing).
 */
const SEVERITY_EXPECTED = '"off" | "warn" | "error" or ["off" | "warn" | "error", options]';

/** JSON Schema (draft 2020-12) of `.runbookrc`. */
export const RUNBOOKRC_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'runbook configuration (.runbookrc)',
  description: 'Configuration of `runbook lint` and `runbook run`. Generated from src/config/schema.ts; do not edit.',
  type: 'object',
  properties: {
    $schema: { type: 'string', description: 'URI of this JSON Schema, for editors.' },
    extends: {
      description:
        'Preset to start from: `recommended` (the default) or `[]` for none (then only the rules listed under `rules` run).',
      'x-expected': '"recommended" or []',
      anyOf: [
        { const: 'recommended' },
        { type: 'array', items: { const: 'recommended' }, maxItems: 1 },
      ],
    },
    rules: {
      description: 'Rule settings by rule id: `"off" | "warn" | "error"`, or `[severity, options]`.',
      type: 'object',
      additionalProperties: {
        'x-expected': SEVERITY_EXPECTED,
        anyOf: [
          severity,
          { type: 'array', prefixItems: [severity, {}], items: false, minItems: 1, maxItems: 2 },
        ],
      },
    },
    prometheus: {
      description: 'Prometheus base URL for `runbook run` when no flag, front matter or RUNBOOK_PROMETHEUS_URL gives one.',
      'x-expected': 'a URL starting with `http://` or `https://`',
      type: 'string',
      pattern: '^https?://',
    },
    redact: {
      description: 'Regular expressions (JavaScript syntax); their matches are replaced by `***` in recorded output.',
      type: 'array',
      items: { type: 'string' },
    },
    runbookUrl: {
      description:
        'Where runbooks are published, for `runbook coverage`: `{path}` stands for the path under the runbook folder without `.md`, compared case-insensitively.',
      'x-expected': 'a URL pattern containing `{path}`, like `https://runbooks.example.com/{path}`',
      type: 'string',
      pattern: '\\{path\\}',
    },
    alertmanager: {
      description: 'Alertmanager base URL for `runbook run --alert`, `runbook alerts` and `runbook serve` when no flag, front matter or RUNBOOK_ALERTMANAGER_URL gives one.',
      'x-expected': 'a URL starting with `http://` or `https://`',
      type: 'string',
      pattern: '^https?://',
    },
  },
  additionalProperties: false,
} as const;
