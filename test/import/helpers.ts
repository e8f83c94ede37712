/**
 * Shared helpers of the importer tests: the corpus location and a recursive Markdown lister.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The real public runbooks the importer is measured against. */
export const CORPUS = path.resolve(REPO, '../shared/corpus/prometheus-operator-runbooks');
/** Hand-checked fixtures: `name.md` and `name.expected.md`. */
export const FIXTURES = path.join(REPO, 'test/fixtures/import');

/** Every `*.md` under `folder`, sorted, as paths relative to it. */
export function markdownUnder(folder: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir)
      .sort()
      .flatMap((name) => {
        const full = path.join(dir, name);
        return statSync(full).isDirectory() ? walk(full) : name.endsWith('.md') ? [full] : [];
      });
  return walk(folder).map((file) => path.relative(folder, file));
}
