/**
 * Issue 12 §10: a file that cannot be read is one positioned error for that file and the others are linted;
 * non-regular files (a FIFO, /dev/zero) are refused instead of hanging the run. Real CLI, real files.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
let dir: string;

const GOOD = '---\ntitle: Good\n---\n\n# Good\n\n```promql\nup\n```\n';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'runbook-lint-unreadable-'));
  writeFileSync(join(dir, 'good.md'), GOOD);
  execFileSync('mkfifo', [join(dir, 'fifo.md')]);
  writeFileSync(join(dir, 'locked.md'), GOOD);
  chmodSync(join(dir, 'locked.md'), 0o000);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function lint(args: string[]) {
  const result = await execa('node', [cli, 'lint', ...args, '--format', 'json'], { cwd: dir, reject: false, timeout: 30_000, env: { HOME: dir } });
  expect(result.timedOut).toBe(false);
  return { code: result.exitCode, results: JSON.parse(result.stdout) as Array<{ filePath: string; messages: Array<{ ruleId: string; line: number; column: number; severity: number; message: string }> }> };
}

describe('runbook lint on files it cannot read', () => {
  it('a FIFO and /dev/zero: one error each at 1:1, no hang; the good file is linted as alone', async () => {
    const alone = await lint(['good.md']);
    const mixed = await lint(['fifo.md', '/dev/zero', 'good.md']);
    expect(mixed.code).toBe(1);
    const by = new Map(mixed.results.map((r) => [r.filePath, r.messages]));
    for (const bad of ['fifo.md', '/dev/zero']) {
      expect(by.get(bad)?.map((m) => [m.ruleId, m.line, m.column, m.severity]), bad).toEqual([['file-unreadable', 1, 1, 2]]);
      expect(by.get(bad)?.[0]?.message, bad).toMatch(/not a regular file/);
    }
    expect(by.get('good.md')).toEqual(alone.results[0]?.messages);
  });

  it('a file without read permission (skipped as root, who can read it anyway)', async (context) => {
    if (process.getuid?.() === 0) return context.skip();
    const mixed = await lint(['locked.md', 'good.md']);
    expect(mixed.code).toBe(1);
    expect(mixed.results.find((r) => r.filePath === 'locked.md')?.messages.map((m) => m.ruleId)).toEqual(['file-unreadable']);
    expect(mixed.results.find((r) => r.filePath === 'good.md')).toBeDefined();
  });

  it('with --cache too', async () => {
    const mixed = await lint(['fifo.md', 'good.md', '--cache', '--cache-location', join(dir, 'cache.json')]);
    expect(mixed.code).toBe(1);
    expect(mixed.results.find((r) => r.filePath === 'fifo.md')?.messages.map((m) => m.ruleId)).toEqual(['file-unreadable']);
  });
});
