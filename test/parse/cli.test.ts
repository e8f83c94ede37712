import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/cli/commands/parse.js';
import type { CliIO } from '../../src/cli/io.js';
import { UsageError } from '../../src/errors.js';

const dir = mkdtempSync(path.join(tmpdir(), 'runbook-parse-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(): { io: CliIO; out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  return { io: { stdout, stderr, stdin: new PassThrough(), env: {}, cwd: dir }, out: () => out, err: () => err };
}

const GOOD = [
  '---',
  'title: Gateway',
  'params:',
  '  ns: { default: payments }',
  '---',
  '',
  '```promql {#ratio title="Ratio"}',
  'up{job="gw"}',
  '```',
  '',
].join('\n');
const BAD = '# T\n\n```kubectl {#k}\nget pods | wc -l\n```\n';
writeFileSync(path.join(dir, 'good.md'), GOOD);
writeFileSync(path.join(dir, 'bad.md'), BAD);

describe('runbook parse', () => {
  it('prints an outline and exits 0 for a clean runbook', async () => {
    const t = io();
    expect(await parseCommand('good.md', {}, t.io)).toBe(0);
    expect(t.out()).toBe(['Gateway', '', 'params:', '  ns (default "payments")', '', 'steps:', '  7:1 promql #ratio Ratio', '    | up{job="gw"}', ''].join('\n'));
    expect(t.err()).toBe('');
  });

  it('prints diagnostics on stderr and exits 1 when there are errors', async () => {
    const t = io();
    expect(await parseCommand('bad.md', {}, t.io)).toBe(1);
    expect(t.err()).toBe(
      'bad.md:4:10: error Found a pipe (`|`) in a kubectl step, which runs without a shell; use an `sh` step for shell syntax [kubectl-shell-syntax]\n',
    );
  });

  it('--json prints the model and positioned diagnostics', async () => {
    const t = io();
    expect(await parseCommand('bad.md', { json: true }, t.io)).toBe(1);
    const json = JSON.parse(t.out());
    expect(json.runbook.steps[0]).toMatchObject({ id: 'k', kind: 'kubectl', body: 'get pods | wc -l' });
    expect(json.diagnostics).toEqual([
      {
        file: 'bad.md',
        line: 4,
        column: 10,
        endLine: 4,
        endColumn: 11,
        severity: 'error',
        ruleId: 'kubectl-shell-syntax',
        message: 'Found a pipe (`|`) in a kubectl step, which runs without a shell; use an `sh` step for shell syntax',
      },
    ]);
  });

  it('a missing file is a usage error with a plain message', async () => {
    const t = io();
    const error = await parseCommand('nope.md', {}, t.io).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as Error).message).toBe('Cannot read runbook `nope.md`: no such file');
  });
});
