/** The attribute tables of docs/format.md, rendered from the step definitions (the docs test compares them). */
import { STEP_KINDS } from '../../src/parse/model.js';
import type { AttributeSpec } from '../../src/steps/definition.js';
import { STEP_DEFINITIONS, actionAttributes } from '../../src/steps/index.js';

/** Attribute specs per table name: each step kind, and `mitigate-action`. */
export const ATTRIBUTE_TABLES: Readonly<Record<string, Readonly<Record<string, AttributeSpec>>>> = {
  ...Object.fromEntries(STEP_KINDS.map((kind) => [kind, STEP_DEFINITIONS[kind].attributes])),
  'mitigate-action': actionAttributes,
};

/** A Markdown table of attribute specs. */
export function attributeTable(specs: Readonly<Record<string, AttributeSpec>>): string {
  const rows = Object.entries(specs).map(([key, spec]) => {
    const value =
      spec.type === 'flag' ? 'flag (no value)'
      : spec.enum ? spec.enum.map((v) => `\`${v}\``).join(' or ')
      : spec.type === 'duration' ? 'duration (`30s`, `5m`, `1h30m`)'
      : spec.type;
    return `| \`${key}\` | ${value} | ${spec.description.replace(/\|/g, '\\|')} |`;
  });
  return ['| Attribute | Value | Meaning |', '| --- | --- | --- |', ...rows].join('\n');
}

/** Replaces every `<!-- attributes:NAME -->…<!-- /attributes -->` region of `doc` with its current table. */
export function renderAttributeTables(doc: string): string {
  return doc.replace(/<!-- attributes:([\w-]+) -->\n[\s\S]*?<!-- \/attributes -->/g, (whole, name: string) => {
    const specs = ATTRIBUTE_TABLES[name];
    return specs ? `<!-- attributes:${name} -->\n${attributeTable(specs)}\n<!-- /attributes -->` : whole;
  });
}
