import type { Attributes, StepKind } from '../parse/model.js';

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

/** Everything the code knows about one step kind. The JSON Schemas under `schemas/` are generated from this. */
export interface StepDefinition {
  kind: StepKind;
  /** One line for docs and `--help`. */
  summary: string;
  /** True when a step of this kind never changes a system by itself (kubectl and check refine this per step). */
  readOnly: boolean;
  attributes: Readonly<Record<string, AttributeSpec>>;
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
