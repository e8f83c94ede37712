/**
 * `runbook run --alert / --alert-file`: a real Alertmanager holds the alert, the historical sandbox answers
 * the queries. The run finds its runbook from the alert, fills params from labels, records
 * `alert.received` right after `run.started`, and `--at alert` evaluates at the alert's startsAt.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/commands/run.js';
import { UsageError } from '../../src/errors.js';
import type { TimelineEvent } from '../../src/timeline/events.js';
import { memoryIO, ofType } from '../exec/helpers.js';
import { startAlertmanager, type AlertmanagerInstance } from '../sandbox/alertmanager.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const RUNBOOKS = join(ROOT, 'runbooks');
const LABELLED = new URL('./fixtures/labelled.md', import.meta.url).pathname;
const lines = (text: string): TimelineEvent[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as TimelineEvent);

describe('runbook run from an alert', () => {
  let sandbox: Sandbox;
  let am: AlertmanagerInstance;
  let cwd: string;
  beforeAll(async () => {
    [sandbox, am] = await Promise.all([startSandbox(), startAlertmanager()]);
    cwd = mkdtempSync(join(tmpdir(), 'runbook-alert-run-'));
    const endsAt = new Date(Date.now() + 3_600_000).toISOString();
    await am.post([
      {
        labels: { alertname: 'CheckoutHighErrorRate', namespace: 'payments', severity: 'critical', service: 'checkout' },
        annotations: { summary: 'Checkout 5xx ratio above 5%', runbook_url: 'https://runbooks.example.com/runbooks/payment-gateway-timeout', token: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' },
        startsAt: '2025-10-26T10:20:00Z',
        endsAt,
        generatorURL: 'http://prometheus.example/graph?g0.expr=x',
      },
      { labels: { alertname: 'KubeDeploymentDown', kubernetes_namespace: 'payments', namespace: 'monitoring', deployment: 'gw' }, annotations: {}, startsAt: '2025-10-26T10:20:00Z', endsAt },
      { labels: { alertname: 'KubeDeploymentDown', kubernetes_namespace: 'shop', namespace: 'monitoring', deployment: 'gw' }, annotations: {}, startsAt: '2025-10-26T10:20:00Z', endsAt },
      { labels: { alertname: 'Orphan' }, annotations: {}, startsAt: '2025-10-26T10:20:00Z', endsAt },
    ]);
  });
  afterAll(async () => {
    await Promise.all([sandbox?.stop(), am?.stop()]);
    rmSync(cwd, { recursive: true, force: true });
  });

  const run = async (file: string | undefined, args: Record<string, unknown>, stdin?: string) => {
    const io = memoryIO({ env: { ...process.env, ...sandbox.kubeEnv }, cwd });
    if (stdin !== undefined) {
      const input = new PassThrough();
      input.end(stdin);
      io.stdin = input;
    }
    const code = await runCommand(file, { prometheus: sandbox.prometheusUrl, context: sandbox.context, json: true, readOnly: true, ...args }, io);
    return { code, io, events: lines(io.out()) };
  };

  it('finds the runbook from the alert, fills namespace, records alert.received after run.started, --at alert', async () => {
    const { code, events } = await run(undefined, { alertmanager: am.url, alert: 'CheckoutHighErrorRate', runbooks: RUNBOOKS, at: 'alert', timeline: join(cwd, 'a.jsonl') });
    expect(code).toBe(1);
    expect(events[0]).toMatchObject({ type: 'run.started', at: '2025-10-26T10:20:00.000Z', params: { namespace: 'payments' } });
    expect((events[0] as Extract<TimelineEvent, { type: 'run.started' }>).runbook.path).toMatch(/runbooks\/payment-gateway-timeout\.md$/);
    const received = events[1]!;
    expect(received).toMatchObject({
      type: 'alert.received',
      name: 'CheckoutHighErrorRate',
      labels: { namespace: 'payments', severity: 'critical' },
      annotations: { summary: 'Checkout 5xx ratio above 5%' },
      startsAt: '2025-10-26T10:20:00.000Z',
      generatorURL: 'http://prometheus.example/graph?g0.expr=x',
      source: am.url,
    });
    expect((received as Extract<TimelineEvent, { type: 'alert.received' }>).fingerprint).toMatch(/^[0-9a-f]{16}$/);
    // Redacted like every event.
    expect(JSON.stringify(received)).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    // At the alert's start the payment error ratio is high: the check fails.
    expect(ofType(events, 'step.finished').find((e) => e.step === 'payment-error-ratio')).toMatchObject({ status: 'failed' });
  });

  it('an explicit --param wins over the label; a label that breaks the pattern is refused', async () => {
    const { events } = await run(undefined, { alertmanager: am.url, alert: 'CheckoutHighErrorRate{namespace="payments"}', runbooks: RUNBOOKS, param: ['namespace=other'], dryRun: true, timeline: join(cwd, 'b.jsonl') });
    expect(events[0]).toMatchObject({ type: 'run.started', params: { namespace: 'other' } });
    expect(events[1]).toMatchObject({ type: 'alert.received' });
  });

  it('params.<name>.label names the label; several matches are listed; no runbook is a usage error', async () => {
    const { events } = await run(LABELLED, { alertmanager: am.url, alert: 'KubeDeploymentDown{kubernetes_namespace="payments"}', dryRun: true, timeline: join(cwd, 'c.jsonl') });
    expect(events[0]).toMatchObject({ params: { namespace: 'payments', deployment: 'gw' } });
    await expect(run(LABELLED, { alertmanager: am.url, alert: 'KubeDeploymentDown', dryRun: true })).rejects.toThrow(/2 alerts match `KubeDeploymentDown`[^]*kubernetes_namespace="payments"[^]*kubernetes_namespace="shop"/);
    await expect(run(undefined, { alertmanager: am.url, alert: 'Orphan', runbooks: RUNBOOKS, dryRun: true })).rejects.toThrow(UsageError);
    await expect(run(undefined, { alertmanager: am.url, alert: 'Orphan', runbooks: RUNBOOKS, dryRun: true })).rejects.toThrow(/No runbook under .* answers the alert `Orphan`/);
  });

  it('--alert-file reads a webhook payload from a file or stdin', async () => {
    const payload = {
      version: '4', status: 'firing', receiver: 'r', groupKey: 'g', groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am',
      alerts: [{ status: 'firing', labels: { alertname: 'PaymentGatewayDown', namespace: 'payments' }, annotations: {}, startsAt: '2025-10-26T10:00:00Z', endsAt: '0001-01-01T00:00:00Z', fingerprint: '0123456789abcdef', generatorURL: '' }],
    };
    const file = join(cwd, 'payload.json');
    writeFileSync(file, JSON.stringify(payload));
    const fromFile = await run(undefined, { alertFile: file, runbooks: RUNBOOKS, at: 'alert', timeline: join(cwd, 'd.jsonl') });
    expect(fromFile.events[1]).toMatchObject({ type: 'alert.received', name: 'PaymentGatewayDown', fingerprint: '0123456789abcdef', source: file });
    expect(fromFile.events[0]).toMatchObject({ at: '2025-10-26T10:00:00.000Z' });
    // At 10:00 the outage has not started: the check passes.
    expect(ofType(fromFile.events, 'step.finished').find((e) => e.step === 'payment-error-ratio')).toMatchObject({ status: 'passed' });
    const fromStdin = await run(undefined, { alertFile: '-', runbooks: RUNBOOKS, dryRun: true, timeline: join(cwd, 'e.jsonl') }, JSON.stringify(payload));
    expect(fromStdin.events[1]).toMatchObject({ type: 'alert.received', source: '-' });
    await expect(run(undefined, { alertFile: '-', runbooks: RUNBOOKS, dryRun: true }, '{not json')).rejects.toThrow(/alert on stdin: not valid JSON/);
    await expect(run(undefined, { at: 'alert', dryRun: true })).rejects.toThrow(/needs a runbook file/);
  });
});
