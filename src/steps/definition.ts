import type {
  Attributes,
  KindPlan,
  PlanContext,
  PlannedCheck,
  PlannedLogs,
  PlannedProcess,
  PlannedQuery,
  PlannedTrace,
  Position,
  Step,
} from '../model/index.js';

/** The value grammar of one attribute. */
export interface AttributeSpec {
  description: string;
  /** `flag` is a bare attribute (`{rollback}`); the others take a value. */
  type: 'string' | 'flag' | 'duration' | 'integer';
  /** Allowed values, for an enumerated string. */
  enum?: readonly string[];
  /** A JavaScript regular expression the value must match (checked after `type`). */
  pattern?: string;
  /** Example values, shown in docs and in "expected" messages. */
  examples?: readonly string[];
}

/** Maps an offset in a body to an offset in the file. */
export type BodyOffsetMap = (offset: number) => number;

/** Where body validation reports (the parser's Reporter): rule id, message, file offsets. */
export interface BodyReporter {
  error(ruleId: string, reason: string, start: number, end: number): void;
}

/** A kind's body: its language, what an empty one means, how it is validated. */
export interface BodySpec {
  /** What the body holds, in words ("a PromQL query"): shown in "expected …" messages. */
  expects: string;
  /** True when these attributes make an empty body fine (a `check` with `of=`). Default: never. */
  mayBeEmpty?(attributes: Attributes): boolean;
  /**
   * Checks a non-empty body, reporting at file offsets. Rule ids must be listed in PARSE_RULES
   * (src/parse/diagnostics.ts), where docs/format.md reads them.
   */
  validate?(body: string, toFile: BodyOffsetMap, report: BodyReporter): void;
  /** A bare fence of this language is prose; only one with an attribute block is a step (```` ```sh ```` is common prose). */
  fenceNeedsAttributes?: boolean;
  /** The body is a mitigation (actions, one check, rollbacks): the parser builds `step.mitigation` from it. */
  holds?: 'mitigation';
}

/** What the planner (src/exec/plan.ts) lends a kind's `plan`: rendering, target resolution and the gate policy. */
export interface PlanTools {
  context: PlanContext;
  /** Text with its `{{…}}` placeholders replaced by values (throws on one without a value). For argv words, not shell strings. */
  text(body: string): string;
  /** A PromQL query from a body (templates rendered, targets and `--at` applied). */
  query(body: string, attributes: Attributes): PlannedQuery;
  /** One kubectl command line as argv (no shell), with context/namespace/kubeconfig applied. */
  kubectl(body: string, attributes: Attributes, defaultTimeoutMs: number, bodyPosition?: Position): PlannedProcess;
  /** A script run with `sh -c`, template values passed in the environment. */
  shell(body: string, attributes: Attributes, defaultTimeoutMs: number): PlannedProcess;
  /** An assertion: PromQL, a command with `run=`, or `of=` an earlier step. */
  check(body: string, attributes: Attributes, bodyPosition?: Position): PlannedCheck;
  /** A trace lookup (Tempo/Jaeger) from a body. */
  trace(body: string, attributes: Attributes): PlannedTrace;
  /** A log read (`kubectl logs`, planned as a kubectl command, or LogQL to Loki) from a body. */
  logs(body: string, attributes: Attributes, bodyPosition?: Position): PlannedLogs;
  /** Whether a process needs a gate, and why: `sh` always, kubectl unless its verb only reads. */
  gate(command: PlannedProcess): { gated: boolean; reason?: string };
  /** A duration attribute in ms (throws on a malformed one). */
  duration(attributes: Attributes, key: string): number | undefined;
  /** Stops planning this step with a message (becomes a PlanError on the step). */
  fail(message: string): never;
  defaults: { processTimeoutMs: number; verify: { withinMs: number; everyMs: number } };
}

/** One command body lint checks (src/lint/sites.ts adds the step). */
export interface CommandSiteShape {
  runner: 'kubectl' | 'sh';
  /** What the body is to its step. */
  role: 'step' | 'check' | 'action' | 'rollback';
  body: string;
  /** Offset of `body` in the source. */
  bodyStart: number;
  attributes: Attributes;
  /** The fence or block the body belongs to (its first line is where attributes are written). */
  position: Position;
  /** True inside a `mitigate`: the executor asks for approval before running it. */
  gated: boolean;
}

/** One PromQL body lint checks. */
export interface PromqlSiteShape {
  role: 'step' | 'check' | 'mitigate-check';
  body: string;
  bodyStart: number;
  attributes: Attributes;
  position: Position;
}

/**
 * What a kind is to the layers that summarise runs (outcome, TUI, postmortem, incident export):
 * `query` reads and shows data, `command` runs a command, `check` passes or fails, `mitigation` is a gated change.
 */
export type StepRole = 'query' | 'command' | 'check' | 'mitigation';

/** Everything the code knows about one step kind. The JSON Schemas under `schemas/` are generated from this. */
export interface StepDefinition<K extends string = string> {
  kind: K;
  /** One line for docs and `--help`. */
  summary: string;
  /** True when a step of this kind never changes a system by itself (kubectl and check refine this per step). */
  readOnly: boolean;
  role: StepRole;
  attributes: Readonly<Record<string, AttributeSpec>>;
  body: BodySpec;
  /** What will run, against which target, gated or not and why. Throws Error (the planner positions it). */
  plan(step: Step, tools: PlanTools): KindPlan;
  /** `attribute` (default): `capture=` is read by src/exec/capture.ts; `own`: the kind's runner captures (trace fields). */
  captures?: 'attribute' | 'own';
  /** The bodies lint should see: command lines and PromQL queries. */
  lint?: {
    commands?(step: Step): CommandSiteShape[];
    promql?(step: Step): PromqlSiteShape[];
  };
  /** Fence languages `runbook import` may turn into this kind; a fence of the kind's own language not listed is already typed. */
  importFrom?: readonly string[];
}

/** Declares one step kind (one file per kind under src/steps/, registered in src/steps/index.ts). */
export function defineStepKind<const K extends string>(definition: StepDefinition<K>): StepDefinition<K> {
  return definition;
}

/** A problem with one attribute of one step. */
export interface AttributeProblem {
  key: string;
  /** `unknown` (not an attribute of the kind), `invalid` (bad value). */
  type: 'unknown' | 'invalid';
  message: string;
  /** For unknown keys: the closest known attribute, when one is close enough. */
  suggestion?: string;
}

const DURATION = /^(?:\d+(?:ms|s|m|h|d|w|y))+$/;
const INTEGER = /^-?\d+$/;

/** Checks attributes against a definition's specs. Pure: no I/O, no throwing. */
export function checkAttributes(
  attributes: Attributes,
  specs: Readonly<Record<string, AttributeSpec>>,
  what: string,
): AttributeProblem[] {
  const problems: AttributeProblem[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    const spec = specs[key];
    if (!spec) {
      const suggestion = closest(key, Object.keys(specs));
      problems.push({
        key,
        type: 'unknown',
        message:
          `Unknown attribute \`${key}\` on ${what}; expected one of ${Object.keys(specs).map((k) => `\`${k}\``).join(', ')}` +
          (suggestion ? ` (did you mean \`${suggestion}\`?)` : ''),
        ...(suggestion ? { suggestion } : {}),
      });
      continue;
    }
    const invalid = checkValue(value, spec);
    if (invalid) problems.push({ key, type: 'invalid', message: `Attribute \`${key}\` on ${what}: ${invalid}` });
  }
  return problems;
}

function checkValue(value: string, spec: AttributeSpec): string | undefined {
  switch (spec.type) {
    case 'flag':
      return value === '' ? undefined : `is a flag and takes no value, found \`${value}\``;
    case 'duration':
      return DURATION.test(value) ? undefined : `expected a duration such as \`30s\`, \`5m\` or \`1h30m\`, found \`${value}\``;
    case 'integer':
      return INTEGER.test(value) ? undefined : `expected a whole number, found \`${value}\``;
    case 'string':
      if (spec.enum && !spec.enum.includes(value)) {
        return `expected one of ${spec.enum.map((v) => `\`${v}\``).join(', ')}, found \`${value}\``;
      }
      if (spec.pattern && !new RegExp(spec.pattern).test(value)) {
        return `value \`${value}\` does not have the expected form${spec.examples ? ` (e.g. ${spec.examples.map((e) => `\`${e}\``).join(', ')})` : ''}`;
      }
      return undefined;
  }
}

/** The candidate nearest to `word` by edit distance, if it is plausibly a typo of it. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** JSON Schema (draft 2020-12) for a set of attribute specs: what `schemas/step-*.schema.json` contain. */
export function attributesJsonSchema(id: string, title: string, specs: Readonly<Record<string, AttributeSpec>>): object {
  const properties: Record<string, object> = {};
  for (const [key, spec] of Object.entries(specs)) {
    const property: Record<string, unknown> = { description: spec.description, type: 'string' };
    if (spec.type === 'flag') property.const = '';
    if (spec.type === 'duration') property.pattern = DURATION.source;
    if (spec.type === 'integer') property.pattern = INTEGER.source;
    if (spec.enum) property.enum = [...spec.enum];
    if (spec.pattern) property.pattern = spec.pattern;
    if (spec.examples) property.examples = [...spec.examples];
    properties[key] = property;
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: id,
    title,
    description: 'Attributes of the step block, as strings (a bare flag is the empty string). Generated from src/steps; do not edit.',
    type: 'object',
    properties,
    additionalProperties: false,
  };
}
