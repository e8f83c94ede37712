import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { lintCommand } from '../../src/cli/commands/lint.js';
import { lintFiles } from '../../src/lint/engine.js';
import { expandPaths } from '../../src/lint/files.js';
import type { LintResult } from '../../src/lint/result.js';
import { resolveRuleSettings } from '../../src/lint/settings.js';
import { parseRunbook } from '../../src/parse/index.js';
import type { Section } from '../../src/parse/model.js';

/** The worker from source (src/ never loads tsx itself). */
const sourceWorker = new URL('./source-worker.mjs', import.meta.url);

const cwd = process.cwd();

function countByRule(results: readonly LintResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const result of results) for (const message of result.messages) counts[message.ruleId] = (counts[message.ruleId] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

describe('the public corpus (runbooks written by others)', () => {
  it('lints every file without a crash; per-rule counts are pinned', async () => {
    const files = await expandPaths(['../shared/corpus/'], cwd);
    expect(files.length).toBeGreaterThan(100);
    const results = await lintFiles(files, { cwd, settings: resolveRuleSettings({}), workers: 0 });
    expect(results.flatMap((result) => result.messages.filter((message) => message.fatal))).toEqual([]);
    expect(countByRule(results)).toMatchInlineSnapshot(`
      {
        "fence-could-be-step": 31,
        "missing-title": 1,
        "required-sections": 43,
        "step-id-missing": 14,
      }
    `);
  });

  it('gives no required-sections warning on a page with Meaning, Impact, Diagnosis and Mitigation', async () => {
    const files = await expandPaths(['../shared/corpus/'], cwd);
    const results = await lintFiles(files, { cwd, settings: resolveRuleSettings({}), workers: 0 });
    const alertPages = results.filter((result) => {
      // Headings as Markdown parses them (a `## Mitigation` after an unclosed fence is code, not a heading).
      const headings = new Set<string>();
      const walk = (section: Section) => section.children.forEach((child) => (headings.add(child.title.toLowerCase()), walk(child)));
      walk(parseRunbook(readFileSync(result.filePath, 'utf8')).runbook.sections);
      return ['meaning', 'impact', 'diagnosis', 'mitigation'].every((title) => headings.has(title));
    });
    expect(alertPages.length).toBeGreaterThan(100);
    expect(alertPages.flatMap((result) => result.messages.filter((m) => m.ruleId === 'required-sections').map((m) => result.filePath))).toEqual([]);
  });

  it('gives the same results in worker threads as in process', async () => {
    const files = await expandPaths(['../shared/corpus/'], cwd);
    const settings = resolveRuleSettings({ rules: { 'mitigate-rollback': 'warn', 'step-form': 'warn' } });
    const here = await lintFiles(files, { cwd, settings, workers: 0 });
    const threads = await lintFiles(files, { cwd, settings, workers: 2, workerEntry: sourceWorker });
    expect(threads).toEqual(here);
  });
});

describe('the wild runbooks (455 public runbooks in many styles)', () => {
  it('lints every file without a crash; per-rule counts are pinned', async () => {
    const files = await expandPaths(['../shared/wild-runbooks/'], cwd);
    expect(files.length).toBe(455);
    const results = await lintFiles(files, { cwd, settings: resolveRuleSettings({}), workers: 0 });
    // required-sections was 1,273 when it knew only Symptoms / Investigation or Diagnosis / Mitigation.
    expect(countByRule(results)).toMatchInlineSnapshot(`
      {
        "fence-could-be-step": 163,
        "missing-title": 71,
        "required-sections": 1093,
        "step-id-missing": 1,
      }
    `);
  });
});

describe("the project's own runbooks", () => {
  it('`runbook lint runbooks/ examples/` passes', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const code = await lintCommand(['runbooks/', 'examples/'], {}, { stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd });
    expect(code, out).toBe(0);
  });
});
