/**
 * The JSON Schema (draft 2020-12) of one timeline event, defined once here in code.
 * `schemas/timeline-event.schema.json` is this object written out (a test keeps them equal). It follows
 * events.ts field for field; objects are closed (`additionalProperties: false`) so a misspelt field fails.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { STEP_KINDS } from '../steps/index.js';
import { RUN_OUTCOMES, STEP_STATUSES, TIMELINE_VERSION, type TimelineEvent } from './events.js';

type JsonSchema = Record<string, unknown>;

/** UTC with millisecond precision, as the store writes it. */
const UTC_MS = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z$';

const base = {
  v: { const: TIMELINE_VERSION, description: 'Format version.' },
  seq: { type: 'integer', minimum: 1, description: 'Position in the file: 1, 2, 3 …, strictly increasing.' },
  time: { type: 'string', pattern: UTC_MS, description: 'UTC, millisecond precision.' },
  run: { type: 'string', minLength: 1, description: 'Run id; the same across `runbook resume`.' },
} as const;

function event(type: string, description: string, properties: JsonSchema, required: string[]): JsonSchema {
  return {
    type: 'object',
    description,
    properties: { ...base, type: { const: type }, ...properties },
    required: ['v', 'seq', 'time', 'run', 'type', ...required],
    additionalProperties: false,
  };
}

const ref = (name: string): JsonSchema => ({ $ref: `#/$defs/${name}` });
const str = { type: 'string' } as const;
const nonNegative = { type: 'integer', minimum: 0 } as const;
const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;

const defs = {
  point: {
    type: 'object',
    properties: { line: { type: 'integer', minimum: 1 }, column: { type: 'integer', minimum: 1 }, offset: nonNegative },
    required: ['line', 'column', 'offset'],
    additionalProperties: false,
  },
  position: {
    type: 'object',
    properties: { start: ref('point'), end: ref('point') },
    required: ['start', 'end'],
    additionalProperties: false,
  },
  targets: {
    type: 'object',
    properties: { prometheus: str, tempo: str, jaeger: str, loki: str, context: str, namespace: str, kubeconfig: str },
    additionalProperties: false,
  },
  stepCommand: {
    type: 'object',
    description: 'What a step runs, fully resolved.',
    properties: {
      query: { type: 'string', description: 'PromQL query.' },
      range: {
        type: 'object',
        properties: { start: str, end: str, step: str },
        required: ['start', 'end', 'step'],
        additionalProperties: false,
      },
      time: { type: 'string', description: 'Evaluation instant of an instant query.' },
      argv: { type: 'array', items: str, minItems: 1, description: 'argv of a kubectl or sh process.' },
    },
    additionalProperties: false,
  },
  sample: {
    type: 'array',
    description: '[unix seconds, value as Prometheus sends it]',
    prefixItems: [{ type: 'number' }, { type: 'string' }],
    items: false,
    minItems: 2,
  },
  series: {
    type: 'object',
    properties: {
      labels: stringMap,
      value: ref('sample'),
      values: { type: 'array', items: ref('sample') },
    },
    required: ['labels'],
    additionalProperties: false,
  },
  queryResult: {
    type: 'object',
    properties: {
      resultType: { enum: ['vector', 'matrix', 'scalar', 'string'] },
      series: { type: 'array', items: ref('series') },
      seriesTotal: nonNegative,
    },
    required: ['resultType', 'series', 'seriesTotal'],
    additionalProperties: false,
  },
  output: {
    type: 'object',
    properties: { exitCode: { type: 'integer' }, excerpt: str, truncated: { type: 'boolean' }, bytes: nonNegative },
    required: ['excerpt', 'truncated', 'bytes'],
    additionalProperties: false,
  },
  stepStatus: { enum: [...STEP_STATUSES] },
};

/** JSON Schema (draft 2020-12) of one line of a timeline: `oneOf` per event `type`. */
export const timelineEventJsonSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:runbook:schema:timeline-event',
  title: 'runbook timeline event',
  description: 'One line of a runbook timeline (JSON Lines, append-only). See docs/timeline.md.',
  oneOf: [
    event('run.started', 'First event of a run, and of every resumption (`resumed: true`).', {
      runbook: {
        type: 'object',
        properties: { path: str, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' }, title: str },
        required: ['path', 'sha256', 'title'],
        additionalProperties: false,
      },
      params: stringMap,
      at: { type: ['string', 'null'], description: 'Evaluation instant for PromQL (`--at`), or null for now.' },
      mode: { enum: ['live', 'dry-run', 'read-only'] },
      user: str,
      host: str,
      tool: {
        type: 'object',
        properties: { name: { const: 'runbook' }, version: str },
        required: ['name', 'version'],
        additionalProperties: false,
      },
      targets: ref('targets'),
      approve: { type: 'array', items: str },
      resumed: { type: 'boolean' },
    }, ['runbook', 'params', 'at', 'mode', 'user', 'host', 'tool', 'targets']),
    event('step.started', 'A step begins (a gated step: after its gate was approved).', {
      step: str,
      kind: { enum: [...STEP_KINDS] },
      title: str,
      gated: { type: 'boolean' },
      command: ref('stepCommand'),
      position: ref('position'),
      role: { enum: ['symptom', 'recovery'], description: 'For checks: a symptom or a recovery check.' },
    }, ['step', 'kind', 'gated']),
    event('step.finished', 'A step ends.', {
      step: str,
      status: ref('stepStatus'),
      durationMs: nonNegative,
      summary: str,
      result: ref('queryResult'),
      violations: { type: 'array', items: ref('series') },
      captures: stringMap,
      output: ref('output'),
      error: str,
    }, ['step', 'status', 'durationMs']),
    event('gate.decided', 'The decision at a confirmation gate, written before anything behind it runs.', {
      step: str,
      decision: { enum: ['approved', 'skipped', 'declined', 'aborted'] },
      by: str,
      how: { enum: ['interactive', 'approve-flag', 'read-only', 'non-interactive', 'dry-run', 'resume'] },
      gate: { enum: ['step', 'rollback'] },
      command: { type: 'array', items: ref('stepCommand') },
      targets: ref('targets'),
    }, ['step', 'decision', 'by', 'how']),
    event('action.finished', 'One command of a mitigation (action or rollback) finished.', {
      step: str,
      role: { enum: ['action', 'rollback'] },
      index: nonNegative,
      command: ref('stepCommand'),
      status: { enum: ['ok', 'error', 'aborted'] },
      durationMs: nonNegative,
      output: ref('output'),
      error: str,
    }, ['step', 'role', 'index', 'command', 'status', 'durationMs']),
    event('verify.polled', "One poll of a mitigation's verifying check.", {
      step: str,
      attempt: { type: 'integer', minimum: 1 },
      passed: { type: 'boolean' },
      summary: str,
      result: ref('queryResult'),
      violations: { type: 'array', items: ref('series') },
    }, ['step', 'attempt', 'passed']),
    event('note', 'A note from the operator.', { text: str, by: str }, ['text', 'by']),
    event('alert.received', 'The alert the run was started from; right after `run.started`.', {
      name: str,
      labels: stringMap,
      annotations: stringMap,
      startsAt: str,
      endsAt: str,
      fingerprint: str,
      generatorURL: str,
      source: str,
    }, ['name', 'labels', 'annotations', 'startsAt', 'source']),
    event('alert.resolved', 'The alert the run was started from resolved (`runbook serve`); after the run.', {
      name: str,
      fingerprint: str,
      endsAt: str,
      source: str,
    }, ['name', 'endsAt', 'source']),
    event('step.added', 'An ad-hoc step the responder added during the run (UI `:` or `runbook exec`); before its own step events.', {
      step: str,
      kind: { enum: [...STEP_KINDS] },
      title: str,
      body: str,
      after: str,
      section: { type: 'array', items: str },
      by: str,
      via: { enum: ['ui', 'exec'] },
    }, ['step', 'kind', 'body', 'by', 'via']),
    event('run.finished', 'Last event of a run.', {
      status: { enum: ['ok', 'failed', 'aborted', 'interrupted', 'error'] },
      counts: {
        type: 'object',
        properties: Object.fromEntries(STEP_STATUSES.map((s) => [s, nonNegative])),
        required: [...STEP_STATUSES],
        additionalProperties: false,
      },
      durationMs: nonNegative,
      outcome: { enum: [...RUN_OUTCOMES], description: 'What happened to the incident.' },
    }, ['status', 'counts', 'durationMs']),
  ],
  $defs: defs,
} as const;

/** The same object under the name events.ts refers to. */
export const timelineEventSchema = timelineEventJsonSchema;

/** Outcome of validating one event. */
export interface TimelineValidation {
  valid: boolean;
  /** Plain-words problems, each with the JSON pointer of the field (`/result/series/0/value`). */
  errors: string[];
}

let compiled: { all: ValidateFunction; byType: Map<string, ValidateFunction> } | undefined;

function validators(): { all: ValidateFunction; byType: Map<string, ValidateFunction> } {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
  const all = ajv.compile(timelineEventJsonSchema);
  // One validator per type too, so errors name the fields of the event's own type and not every `oneOf` branch.
  const byType = new Map<string, ValidateFunction>();
  for (const branch of timelineEventJsonSchema.oneOf) {
    const type = (branch.properties as { type: { const: string } }).type.const;
    byType.set(type, ajv.compile({ ...branch, $defs: defs }));
  }
  compiled = { all, byType };
  return compiled;
}

/** Validates one event against `timelineEventJsonSchema` (ajv, compiled once). */
export function validateTimelineEvent(e: unknown): TimelineValidation {
  const { all, byType } = validators();
  if (all(e)) return { valid: true, errors: [] };
  const type = (e as { type?: unknown } | null)?.type;
  const own = typeof type === 'string' ? byType.get(type) : undefined;
  if (!own) return { valid: false, errors: [`unknown event type \`${String(type)}\``] };
  own(e);
  return { valid: false, errors: (own.errors ?? []).map(formatError) };
}

/** Type guard over `validateTimelineEvent`. */
export function isTimelineEvent(e: unknown): e is TimelineEvent {
  return validateTimelineEvent(e).valid;
}

function formatError(error: ErrorObject): string {
  const where = error.instancePath || '/';
  if (error.keyword === 'additionalProperties') {
    return `${where}: unknown field \`${String((error.params as { additionalProperty: string }).additionalProperty)}\``;
  }
  return `${where}: ${error.message ?? error.keyword}`;
}
