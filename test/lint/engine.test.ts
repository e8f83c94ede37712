import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/lint/engine.js';
import { resolveRuleSettings } from '../../src/lint/settings.js';

/** The worker from source (src/ never loads tsx itself). */
const sourceWorker = new URL('./source-worker.mjs', import.meta.url);

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'runbook-lint-engine-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const runbook = (n: number): string =>
  [
    `# Runbook ${n}`, '## Symptoms', '## Diagnosis', '',
    '```promql {#q}', n % 3 === 0 ? 'sum(rate(x[5m])' : 'up == 0', '```', '',
    '```kubectl {#k}', n % 4 === 0 ? 'kubectl delete pod x' : 'kubectl get pods -n p', '```', '',
    '## Mitigation', '',
  ].join('\n');

describe('lintFiles', () => {
  it('gives the same results, in the order of the paths, with worker threads as on the main thread', async () => {
    const paths: string[] = [];
    for (let n = 0; n < 40; n++) {
      paths.push(`rb-${String(39 - n).padStart(2, '0')}.md`);
      await writeFile(join(cwd, paths[n]!), runbook(n));
    }
    await writeFile(join(cwd, 'pm.md'), '---\ntype: postmortem\n---\n# PM\n');
    paths.push('pm.md');
    const settings = resolveRuleSettings({});
    const here = await lintFiles(paths, { cwd, settings, workers: 0 });
    const threaded = await lintFiles(paths, { cwd, settings, workers: 1, workerEntry: sourceWorker });
    expect(threaded).toEqual(here);
    expect(here.map((result) => result.filePath)).toEqual(paths);
    expect(here.filter((result) => result.errorCount > 0)).toHaveLength(20);
    // A postmortem is not linted as a runbook: the CLI lints it with the postmortem rules.
    expect(here.at(-1)).toEqual({ filePath: 'pm.md', messages: [], errorCount: 0, warningCount: 0, postmortem: true });
  });

  it('a file that cannot be read is one file-unreadable error of its own (issue 12), in a worker too', async () => {
    const settings = resolveRuleSettings({});
    await writeFile(join(cwd, 'ok.md'), runbook(1));
    for (const workers of [0, 1]) {
      const results = await lintFiles(['missing.md', 'ok.md'], { cwd, settings, workers, workerEntry: sourceWorker });
      expect(results[0]?.messages.map((m) => [m.ruleId, m.line, m.column, m.severity]), `workers ${workers}`).toEqual([['file-unreadable', 1, 1, 2]]);
      expect(results[0]?.messages[0]?.message).toMatch(/ENOENT/);
      expect(results[1]?.filePath).toBe('ok.md');
      expect(results[1]?.messages.some((m) => m.ruleId === 'file-unreadable')).toBe(false);
    }
  });

  it('starts the worker entry it is given (no tsx in src/: tests hand it the source worker)', async () => {
    await writeFile(join(cwd, 'a.md'), runbook(1));
    const broken = join(cwd, 'broken-worker.mjs');
    await writeFile(broken, "throw new Error('this worker was started');\n");
    const settings = resolveRuleSettings({});
    await expect(lintFiles(['a.md'], { cwd, settings, workers: 1, workerEntry: pathToFileURL(broken) })).rejects.toThrow(/this worker was started/);
  });
});
