/**
 * Every JSON Schema the project publishes under `schemas/`, built from the definitions in code.
 * `npm run schemas` writes them; test/schemas.test.ts fails when a file is out of date.
 */
import { FRONTMATTER_SCHEMA } from './parse/frontmatter.js';
import { attributesJsonSchema } from './steps/definition.js';
import { STEP_DEFINITIONS, STEP_KINDS, actionAttributes } from './steps/index.js';
import { timelineEventJsonSchema } from './timeline/schema.js';
import { RUNBOOKRC_SCHEMA } from './config/index.js';

/** One generated schema file. */
export interface SchemaFile {
  /** File name under `schemas/`. */
  file: string;
  schema: object;
}

const id = (file: string) => `urn:runbook:schema:${file.replace(/\.schema\.json$/, '')}`;

/** The schemas, in a fixed order: front matter, one per step kind, the mitigate action fence, the timeline event, .runbookrc. */
export const SCHEMAS: readonly SchemaFile[] = [
  { file: 'frontmatter.schema.json', schema: FRONTMATTER_SCHEMA },
  ...STEP_KINDS.map((kind) => {
    const file = `step-${kind}.schema.json`;
    return { file, schema: attributesJsonSchema(id(file), `Attributes of a \`${kind}\` step`, STEP_DEFINITIONS[kind].attributes) };
  }),
  {
    file: 'step-mitigate-action.schema.json',
    schema: attributesJsonSchema(
      id('step-mitigate-action.schema.json'),
      'Attributes of an action fence (`kubectl` or `sh`) inside a `mitigate` container',
      actionAttributes,
    ),
  },
  { file: 'timeline-event.schema.json', schema: timelineEventJsonSchema },
  { file: 'runbookrc.schema.json', schema: RUNBOOKRC_SCHEMA },
];

/** The exact text a schema file holds: pretty-printed JSON with a trailing newline. */
export function schemaText(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
