/**
 * Every JSON Schema the project publishes under `schemas/`, built from the definitions in code.
 * `npm run schemas` writes them; test/schemas.test.ts fails when a file is out of date.
 */
import { FRONTMATTER_SCHEMA } from './parse/frontmatter.js';
import { attributesJsonSchema } from './steps/definition.js';
import { actionAttributes, stepDefinitions } from './steps/index.js';
import { timelineEventJsonSchema } from './timeline/schema.js';
import { RUNBOOKRC_SCHEMA } from './config/index.js';

/** One generated schema file. */
export interface SchemaFile {
  /** File name under `schemas/`. */
  file: string;
  schema: object;
}

const id = (file: string) => `urn:runbook:schema:${file.replace(/\.schema\.json$/, '')}`;

/**
 * The schemas of the kinds registered now, in a fixed order: front matter, one per step kind (registry order),
 * the mitigate action fence, the timeline event, .runbookrc.
 */
export function buildSchemas(): SchemaFile[] {
  return [
    { file: 'frontmatter.schema.json', schema: FRONTMATTER_SCHEMA },
    ...stepDefinitions().map(({ kind, attributes }) => {
      const file = `step-${kind}.schema.json`;
      return { file, schema: attributesJsonSchema(id(file), `Attributes of a \`${kind}\` step`, attributes) };
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
}

/** The published schemas: those of the built-in kinds (computed when this module loads, before any run-time registration). */
export const SCHEMAS: readonly SchemaFile[] = buildSchemas();

/** The exact text a schema file holds: pretty-printed JSON with a trailing newline. */
export function schemaText(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
