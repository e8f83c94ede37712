import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { STEP_KINDS } from '../src/parse/model.js';
import { SCHEMAS, schemaText } from '../src/schemas.js';

const directory = path.resolve(import.meta.dirname, '../schemas');

describe('schemas/*.json', () => {
  it('lists the front matter, every step kind, the mitigate action, the timeline event and .runbookrc', () => {
    expect(SCHEMAS.map((s) => s.file)).toEqual([
      'frontmatter.schema.json',
      ...STEP_KINDS.map((kind) => `step-${kind}.schema.json`),
      'step-mitigate-action.schema.json',
      'timeline-event.schema.json',
      'runbookrc.schema.json',
    ]);
  });

  it.each(SCHEMAS.map((s) => [s.file, s] as const))('%s is what the code generates now (run `npm run schemas`)', (file, { schema }) => {
    expect(readFileSync(path.join(directory, file), 'utf8')).toBe(schemaText(schema));
  });
});
