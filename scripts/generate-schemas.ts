/**
 * Writes `schemas/*.json` from the definitions in code (src/schemas.ts). Run with `npm run schemas`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMAS, schemaText } from '../src/schemas.js';

const directory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schemas');
await mkdir(directory, { recursive: true });
for (const { file, schema } of SCHEMAS) {
  await writeFile(path.join(directory, file), schemaText(schema));
  process.stdout.write(`wrote schemas/${file}\n`);
}
