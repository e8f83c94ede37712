/**
 * The house rules of docs/architecture.md that a reader can check with grep, checked here: the model at the
 * bottom, no switch over step kinds outside src/steps/, no tsx (a devDependency) in product code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STEP_KINDS } from '../src/steps/index.js';

const root = join(import.meta.dirname, '..');
const sources = (readdirSync(join(root, 'src'), { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ path: relative(root, join(root, 'src', f)), text: readFileSync(join(root, 'src', f), 'utf8') }));
const outsideSteps = sources.filter((s) => !s.path.startsWith('src/steps/'));
const kinds = STEP_KINDS.join('|');

/** `path:line: text` of every line of `files` matching `pattern`. */
function hits(files: typeof sources, pattern: RegExp): string[] {
  return files.flatMap((f) => f.text.split('\n').flatMap((line, i) => (pattern.test(line) ? [`${f.path}:${i + 1}: ${line.trim()}`] : [])));
}

describe('architecture', () => {
  it('src/model/ imports nothing of ours from outside it', () => {
    expect(hits(sources.filter((s) => s.path.startsWith('src/model/')), /from '\.\.\//)).toEqual([]);
  });

  it('parse/ and steps/ import nothing from the folders that read the model (exec, lint, import, export, tui, cli)', () => {
    const lower = sources.filter((s) => s.path.startsWith('src/parse/') || s.path.startsWith('src/steps/'));
    expect(hits(lower, /from '\.\.\/(exec|lint|import|export|tui|cli|timeline)\//)).toEqual([]);
  });

  it('nothing outside src/steps/ switches over step kinds', () => {
    expect(hits(outsideSteps, new RegExp(`case '(${kinds})'`))).toEqual([]);
  });

  it('at most 10 comparisons with a step kind name remain outside src/steps/ (#13)', () => {
    const comparison = new RegExp(`kind [!=]== '(${kinds})'`, 'g');
    const found = hits(outsideSteps, new RegExp(comparison.source));
    const count = found.reduce((n, line) => n + (line.match(comparison)?.length ?? 0), 0);
    expect(count, found.join('\n')).toBeLessThanOrEqual(10);
  });

  it('nothing under src/ loads tsx', () => {
    expect(hits(sources, /['"]tsx(\/[^'"]*)?['"]/)).toEqual([]);
  });
});
