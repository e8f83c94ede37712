/**
 * Prometheus faults through the real CLI. A loopback server misbehaves on purpose (refuses, hangs, 500,
 * 503, malformed JSON); the 400 parse error comes from the real Prometheus of the sandbox. Each fault must
 * end the step as `error` with the cause in words, at that step, and the run must go on to the next step.
 */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../sandbox/index.js';
import { cliEnv, closedPort, events, faultServer, runCli, tempDir } from './support.js';

let dir: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('prom'));
  // Two steps: the faulty query, then one that must still run (a failing step never takes the run down).
  await writeFile(
    path.join(dir, 'q.md'),
    '---\ntitle: Faults\n---\n\n# Faults\n\n```promql {#first timeout=2s}\nup\n```\n\n```sh {#after}\necho still-running\n```\n',
  );
});
afterAll(async () => cleanup());

async function runAgainst(url: string, name: string) {
  const timelinePath = path.join(dir, `${name}.jsonl`);
  const run = await runCli(['run', 'q.md', '--prometheus', url, '--approve', 'after', '--timeline', timelinePath], { cwd: dir, env: cliEnv([]) });
  const timeline = events(readFileSync(timelinePath, 'utf8'));
  const finished = (step: string) => timeline.find((e) => e.type === 'step.finished' && e.step === step) as { status: string; error?: string; output?: { excerpt: string } };
  return { run, timeline, first: finished('first'), after: finished('after') };
}

function expectErrorAtStep(result: Awaited<ReturnType<typeof runAgainst>>, pattern: RegExp): void {
  expect(result.first.status).toBe('error');
  expect(result.first.error).toMatch(pattern);
  // Shown at the step in the log, not only in the file.
  const line = result.run.stdout.split('\n').find((l) => / first /.test(l) && / error /.test(l));
  expect(line).toMatch(pattern);
  expect(result.after.status).toBe('ok');
  expect(result.after.output?.excerpt).toContain('still-running');
  expect(result.run.code).toBe(1);
  expect(result.run.signal).toBeNull();
}

describe('Prometheus faults', () => {
  it.concurrent('connection refused', async () => {
    const port = await closedPort();
    expectErrorAtStep(await runAgainst(`http://127.0.0.1:${port}`, 'refused'), /Cannot reach Prometheus.*ECONNREFUSED/);
  });

  it.concurrent('accepts and never answers: the step times out after its `timeout=2s`', async () => {
    const server = await faultServer(() => undefined);
    try {
      const result = await runAgainst(server.url, 'hang');
      expectErrorAtStep(result, /did not answer within 2s/);
      expect(server.hits()).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it.concurrent.each([500, 503])('HTTP %i', async (status) => {
    const server = await faultServer((_req, res) => res.writeHead(status, { 'content-type': 'text/plain' }).end('upstream broke'));
    try {
      // The status code itself is lost by the driver today (reliability request R2; pending.test.ts checks it).
      expectErrorAtStep(await runAgainst(server.url, `http-${status}`), /Prometheus at http:\/\/127\.0\.0\.1/);
    } finally {
      await server.stop();
    }
  });

  it.concurrent('200 with malformed JSON', async () => {
    const server = await faultServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success","data":{"resultT'));
    try {
      const result = await runAgainst(server.url, 'malformed');
      expectErrorAtStep(result, /Prometheus/);
    } finally {
      await server.stop();
    }
  });
});

describe('a query the real Prometheus rejects', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => sandbox?.stop());

  it("shows Prometheus's own 400 parse error at the step", async () => {
    // The parser (lezer, Prometheus 3 grammar) accepts `sort_by_label`; Prometheus 2.42 does not know it.
    await writeFile(path.join(dir, 'bad.md'), '---\ntitle: Bad\n---\n\n# Bad\n\n```promql {#first timeout=5s}\nsort_by_label(up, "job")\n```\n\n```sh {#after}\necho still-running\n```\n');
    const timelinePath = path.join(dir, 'bad.jsonl');
    const run = await runCli(['run', 'bad.md', '--prometheus', sandbox.prometheusUrl, '--approve', 'after', '--timeline', timelinePath], { cwd: dir, env: cliEnv([]) });
    const timeline = events(readFileSync(timelinePath, 'utf8'));
    const first = timeline.find((e) => e.type === 'step.finished' && e.step === 'first') as { status: string; error: string };
    expect(first.status).toBe('error');
    expect(first.error).toMatch(/Prometheus answered 400 \(bad_data\)/);
    expect(first.error).toMatch(/parse error/);
    expect(first.error).toContain('sort_by_label');
    expect(run.stdout.split('\n').find((l) => / first /.test(l) && /error/.test(l))).toContain('parse error');
    expect(run.code).toBe(1);
  });
});
