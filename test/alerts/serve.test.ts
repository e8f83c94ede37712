/**
 * `runbook serve` as a real process, fed by a real Alertmanager's webhook (`http_config.authorization`
 * Bearer), running the runbook read-only against the sandbox (real Prometheus, real kubectl, the stub).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TimelineEvent } from '../../src/timeline/events.js';
import { startAlertmanager, type AlertmanagerInstance } from '../sandbox/alertmanager.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli.js');
const TOKEN = 'serve-test-token-0123456789';
const lines = (text: string): TimelineEvent[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as TimelineEvent);

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // A timeline read while a run appends can end in half a line: try again.
    const value = await Promise.resolve().then(probe).catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('runbook serve', () => {
  let sandbox: Sandbox;
  let am: AlertmanagerInstance;
  let serve: ResultPromise;
  let url: string;
  let out: string;
  let stdout = '';
  beforeAll(async () => {
    sandbox = await startSandbox();
    out = mkdtempSync(join(tmpdir(), 'runbook-serve-'));
    serve = execa('node', [BIN, 'serve', '--listen', '127.0.0.1:0', '--out', join(out, 'runs'), '--token', TOKEN, '--prometheus', sandbox.prometheusUrl, '--context', sandbox.context, join(ROOT, 'runbooks')], {
      cwd: out,
      env: { ...process.env, ...sandbox.kubeEnv },
      reject: false,
      stdin: 'ignore',
    });
    serve.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    url = await until('serve to listen', () => /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1]);
    am = await startAlertmanager({ webhookUrl: `${url}/webhook`, webhookToken: TOKEN });
  }, 60_000);
  afterAll(async () => {
    if (serve && serve.exitCode === null) serve.kill('SIGKILL');
    await Promise.all([sandbox?.stop(), am?.stop()]);
    if (out) rmSync(out, { recursive: true, force: true });
  });

  const timelines = (): string[] => (existsSync(join(out, 'runs')) ? readdirSync(join(out, 'runs')).filter((f) => f.endsWith('.jsonl')) : []);

  it('answers /healthz and refuses malformed and unauthenticated posts, running nothing', async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toMatchObject({ status: 'ok' });
    const noAuth = await fetch(`${url}/webhook`, { method: 'POST', body: JSON.stringify({ version: '4', alerts: [] }) });
    expect(noAuth.status).toBe(401);
    const wrongAuth = await fetch(`${url}/webhook`, { method: 'POST', headers: { authorization: 'Bearer nope' }, body: '{}' });
    expect(wrongAuth.status).toBe(401);
    for (const body of ['{not json', '{"hello":1}', JSON.stringify({ version: '4', alerts: [{ labels: {} }] })]) {
      const res = await fetch(`${url}/webhook`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body });
      expect(res.status).toBe(400);
    }
    expect(timelines()).toEqual([]);
  });

  it('runs the runbook of a firing alert read-only once, records its resolution, and stops on SIGTERM', async () => {
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const labels = { alertname: 'CheckoutHighErrorRate', namespace: 'payments', severity: 'critical' };
    await am.post([{ labels, annotations: { summary: 'Checkout 5xx above 5%' }, startsAt, endsAt: new Date(Date.now() + 3_600_000).toISOString() }]);
    const file = await until('a finished timeline', () => {
      const [name] = timelines();
      return name && lines(readFileSync(join(out, 'runs', name), 'utf8')).some((e) => e.type === 'run.finished') ? name : undefined;
    });
    const path = join(out, 'runs', file);
    let events = lines(readFileSync(path, 'utf8'));
    expect(events[0]).toMatchObject({ type: 'run.started', mode: 'read-only', params: { namespace: 'payments' } });
    expect(events[1]).toMatchObject({ type: 'alert.received', name: 'CheckoutHighErrorRate', source: 'webhook' });
    // The same instant: Alertmanager drops trailing zeros of the fraction (`.96Z` for `.960Z`).
    expect(Date.parse(String((events[1] as { startsAt?: unknown } | undefined)?.startsAt))).toBe(Date.parse(startsAt));
    expect(events.filter((e) => e.type === 'gate.decided')).toMatchObject([{ step: 'restart-gateway', decision: 'declined', how: 'read-only' }]);
    expect(events.find((e) => e.type === 'run.finished')).toHaveProperty('outcome');
    expect(sandbox.stub.requests().filter((r) => r.method === 'PATCH')).toEqual([]);
    expect(sandbox.stub.mutations()).toEqual([]);

    // The same alert again (Alertmanager repeats, or posted by hand): no second run.
    const fingerprint = (events[1] as Extract<TimelineEvent, { type: 'alert.received' }>).fingerprint;
    const repeat = await fetch(`${url}/webhook`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ version: '4', status: 'firing', alerts: [{ status: 'firing', labels, annotations: {}, startsAt, fingerprint }] }),
    });
    expect(repeat.status).toBe(200);
    expect(stdout).toMatch(/firing {3}CheckoutHighErrorRate\{namespace="payments", severity="critical"\} since .* run .*payment-gateway-timeout\.md read-only/);

    // Resolved in Alertmanager: the webhook's resolved notification lands in the same run's timeline.
    await am.post([{ labels, annotations: {}, startsAt, endsAt: new Date().toISOString() }]);
    await until('alert.resolved', () => (lines(readFileSync(path, 'utf8')).some((e) => e.type === 'alert.resolved') ? true : undefined));
    events = lines(readFileSync(path, 'utf8'));
    expect(events.at(-1)).toMatchObject({ type: 'alert.resolved', name: 'CheckoutHighErrorRate', fingerprint, source: 'webhook' });
    expect(timelines()).toHaveLength(1);

    serve.kill('SIGTERM');
    const result = await serve;
    expect(result.exitCode).toBe(0);
    expect(stdout).toMatch(/ stopped\n$/);
  }, 60_000);
});
