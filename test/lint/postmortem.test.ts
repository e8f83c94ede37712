import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lintCommand } from '../../src/cli/commands/lint.js';
import type { CliIO } from '../../src/cli/io.js';
import type { LintResult } from '../../src/lint/result.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'runbook-lint-postmortem-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function lint(paths: string[], options: Record<string, unknown> = {}): Promise<{ code: number; out: string }> {
  const stdout = new PassThrough();
  let out = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const io: CliIO = { stdout, stderr: new PassThrough(), stdin: new PassThrough(), env: {}, cwd };
  const code = await lintCommand(paths, options, io);
  return { code, out };
}

/** A postmortem as the export writes it, filled in: every section, every action item complete. */
const CLEAN = [
  '---',
  'type: postmortem',
  'title: "Postmortem: Payment gateway timeout"',
  '---',
  '',
  '# Postmortem: Payment gateway timeout (2025-10-26)',
  '',
  '## Incident summary',
  '',
  'Checkout failed for 14 minutes.',
  '',
  '### Impact',
  '',
  'About 35% of payments failed between 10:14 and 10:28 UTC.',
  '',
  '## Timeline',
  '',
  '| Time (UTC) | # | Event |',
  '| --- | --- | --- |',
  '| 10:20:00 | 8 | check failed |',
  '',
  '## Key figures',
  '',
  'Detected after 4 minutes.',
  '',
  '## Evidence',
  '',
  'See the charts.',
  '',
  '## Root cause',
  '',
  'The gateway leaked provider connections; with no memory limit alert, the leak ran until it was OOM-killed.',
  '',
  '## What went well',
  '',
  'The runbook found the OOM kill in two steps.',
  '',
  '## What went wrong',
  '',
  'No alert fired on the memory climb.',
  '',
  '## Lessons learned',
  '',
  'Alert on saturation, not only on errors.',
  '',
  '## Action items',
  '',
  '| Action item | Priority | Owner | Due date |',
  '| --- | --- | --- | --- |',
  '| Alert on gateway memory above 80% of its limit | P1 | payments-oncall | 2025-11-15 |',
  '| Find the connection leak | P0 | payments-team | 2025-11-01 |',
  '',
].join('\n');

const swap = (text: string, from: string, to: string): string => {
  if (!text.includes(from)) throw new Error(`fixture has no ${from}`);
  return text.replace(from, to);
};

/** No priority on line 50, no owner and no due date on line 51, and a root cause that blames @alice (line 32). */
const BAD = swap(
  swap(
    swap(CLEAN, '| P1 |', '| |'),
    '| Find the connection leak | P0 | payments-team | 2025-11-01 |',
    '| Find the connection leak | P0 | | next week |',
  ),
  'The gateway leaked provider connections; with no memory limit alert,',
  '@alice forgot to set a memory limit, so the gateway leaked connections;',
);

const BAD_STYLISH = [
  'pm.md',
  '  pm.md:32:1   error    The root cause blames a person (`@alice forgot`); describe the condition that made the mistake possible (a missing check, an unsafe default) instead  postmortem-blame',
  '  pm.md:50:1   error    Action item priority is nothing; expected `P0`, `P1` or `P2`  postmortem-action-item-incomplete',
  '  pm.md:51:1   error    Action item owner is nothing; expected a team or person who owns the item  postmortem-action-item-incomplete',
  '  pm.md:51:37  error    Action item due date is `next week`; expected a date `YYYY-MM-DD`  postmortem-action-item-incomplete',
  '',
  '✖ 4 problems (4 errors, 0 warnings) in 1 file',
  '',
].join('\n');

describe('runbook lint on postmortems', () => {
  it('lints a file whose front matter says `type: postmortem` with the postmortem rules (stylish), exit 1', async () => {
    await writeFile(join(cwd, 'pm.md'), BAD);
    const { code, out } = await lint(['pm.md']);
    expect(code).toBe(1);
    expect(out).toBe(BAD_STYLISH);
  });

  it('reports rule ids and start/end positions in JSON, with --postmortem too', async () => {
    await writeFile(join(cwd, 'pm.md'), BAD);
    for (const options of [{ format: 'json' }, { format: 'json', postmortem: true }]) {
      const { code, out } = await lint(['pm.md'], options);
      expect(code).toBe(1);
      const [result] = JSON.parse(out) as LintResult[];
      expect(result).toMatchObject({ filePath: 'pm.md', errorCount: 4, warningCount: 0 });
      expect(result!.messages.map(({ ruleId, line, column, endLine, endColumn, severity }) => [ruleId, line, column, endLine, endColumn, severity])).toEqual([
        ['postmortem-blame', 32, 1, 32, 14, 2],
        ['postmortem-action-item-incomplete', 50, 1, 50, 84, 2],
        ['postmortem-action-item-incomplete', 51, 1, 51, 48, 2],
        ['postmortem-action-item-incomplete', 51, 37, 51, 46, 2],
      ]);
    }
  });

  it('exits 0 on a complete, blameless postmortem', async () => {
    await writeFile(join(cwd, 'pm.md'), CLEAN);
    expect(await lint(['pm.md'])).toEqual({ code: 0, out: '✔ 1 file checked, no problems\n' });
    expect(await lint(['pm.md'], { postmortem: true })).toEqual({ code: 0, out: '✔ 1 file checked, no problems\n' });
  });

  it('--postmortem lints a file without `type: postmortem` as a postmortem (its missing sections are errors)', async () => {
    await writeFile(join(cwd, 'notes.md'), '# Notes\n\n## Incident summary\n\nIt broke.\n');
    const { code, out } = await lint(['notes.md'], { postmortem: true, format: 'json' });
    expect(code).toBe(1);
    const [result] = JSON.parse(out) as LintResult[];
    expect(new Set(result!.messages.map((m) => m.ruleId))).toEqual(new Set(['postmortem-section-missing']));
    // Without the flag it is a runbook, and runbook rules apply instead.
    const plain = JSON.parse((await lint(['notes.md'], { format: 'json' })).out) as LintResult[];
    expect(plain[0]!.messages.some((m) => m.ruleId.startsWith('postmortem-'))).toBe(false);
  });

  it('lints runbooks and postmortems in one run; a --cache re-run gives the same output', async () => {
    await writeFile(join(cwd, 'pm.md'), BAD);
    await writeFile(join(cwd, 'rb.md'), '# Runbook\n\n## Symptoms\n\n## Diagnosis\n\n```promql {#q}\nsum(rate(x[5m])\n```\n\n## Mitigation\n');
    const cold = await lint(['pm.md', 'rb.md'], { cache: true });
    expect(cold.code).toBe(1);
    expect(cold.out).toContain('pm.md:51:37  error    Action item due date is `next week`');
    expect(cold.out).toContain('rb.md:8:15  error    PromQL syntax error');
    expect(await lint(['pm.md', 'rb.md'], { cache: true })).toEqual(cold);
    const cache = JSON.parse(await readFile(join(cwd, '.runbook/lint-cache.json'), 'utf8')) as { files: Record<string, { postmortem?: boolean }> };
    expect(cache.files['pm.md']?.postmortem).toBe(true);
  });

  it('lists the postmortem rules in SARIF so results point at them', async () => {
    await writeFile(join(cwd, 'pm.md'), BAD);
    const { out } = await lint(['pm.md'], { format: 'sarif' });
    const run = (JSON.parse(out) as { runs: [{ tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex?: number }[] }] }).runs[0];
    expect(run.results).toHaveLength(4);
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex!]?.id).toBe(result.ruleId);
  });
});
