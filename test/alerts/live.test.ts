/**
 * Live: the sandbox Prometheus evaluates rules/payments.rules.yml against the live simulator and sends to a
 * real Alertmanager; `runbook alerts` lists CheckoutHighErrorRate with its runbook, and `runbook run --alert`
 * starts from it (namespace from the labels, `alert.received` in the timeline).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsCommand, type AlertRow } from '../../src/cli/commands/alerts.js';
import { runCommand } from '../../src/cli/commands/run.js';
import type { TimelineEvent } from '../../src/timeline/events.js';
import { memoryIO, ofType } from '../exec/helpers.js';
import { startAlertmanager, type AlertmanagerInstance } from '../sandbox/alertmanager.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const lines = (text: string): TimelineEvent[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as TimelineEvent);

describe('live: Prometheus rules → Alertmanager → runbook alerts / run --alert', () => {
  let sandbox: Sandbox;
  let am: AlertmanagerInstance;
  let cwd: string;
  beforeAll(async () => {
    am = await startAlertmanager();
    sandbox = await startSandbox({ live: true, ruleFiles: [join(ROOT, 'rules/payments.rules.yml')], alertmanagers: [am.url] });
    cwd = mkdtempSync(join(tmpdir(), 'runbook-alert-live-'));
    const deadline = Date.now() + 60_000;
    while (!(await am.alerts()).some((a) => (a.labels as Record<string, string>).alertname === 'CheckoutHighErrorRate')) {
      if (Date.now() > deadline) throw new Error('CheckoutHighErrorRate never reached Alertmanager');
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 90_000);
  afterAll(async () => {
    await sandbox?.stop();
    await am?.stop();
    if (cwd) rmSync(cwd, { recursive: true, force: true });
  });

  it('runbook alerts lists CheckoutHighErrorRate with runbooks/payment-gateway-timeout.md', async () => {
    const io = memoryIO({ env: { ...process.env, RUNBOOK_ALERTMANAGER_URL: '' }, cwd: ROOT });
    expect(await alertsCommand([], { alertmanager: am.url }, io)).toBe(0);
    expect(io.out()).toMatch(/^CheckoutHighErrorRate\{namespace="payments", service="checkout"\} +runbooks\/payment-gateway-timeout\.md +critical +since \d{4}-\d\d-\d\dT/m);
    const json = memoryIO({ env: process.env, cwd: ROOT });
    await alertsCommand(['runbooks'], { alertmanager: am.url, json: true }, json);
    const rows = JSON.parse(json.out()) as AlertRow[];
    expect(rows.find((r) => r.alert === 'CheckoutHighErrorRate')).toMatchObject({ runbook: 'runbooks/payment-gateway-timeout.md', by: 'alerts', severity: 'critical', labels: { namespace: 'payments' } });
  });

  it('runbook run --alert CheckoutHighErrorRate fills namespace from the labels and records alert.received', async () => {
    const io = memoryIO({ env: { ...process.env, ...sandbox.kubeEnv }, cwd });
    const code = await runCommand(
      undefined,
      { alertmanager: am.url, alert: 'CheckoutHighErrorRate', runbooks: join(ROOT, 'runbooks'), prometheus: sandbox.prometheusUrl, context: sandbox.context, readOnly: true, json: true, timeline: join(cwd, 't.jsonl') },
      io,
    );
    expect(code).toBe(1);
    const events = lines(io.out());
    expect(events[0]).toMatchObject({ type: 'run.started', params: { namespace: 'payments' } });
    expect(events[1]).toMatchObject({ type: 'alert.received', name: 'CheckoutHighErrorRate', labels: { namespace: 'payments', severity: 'critical' }, source: am.url });
    expect((events[1] as Extract<TimelineEvent, { type: 'alert.received' }>).generatorURL).toMatch(/^http:\/\/.+\/graph\?g0\.expr=/);
    expect(ofType(events, 'gate.decided').find((e) => e.step === 'restart-gateway')).toMatchObject({ decision: 'declined', how: 'read-only' });
    expect(sandbox.stub.mutations()).toEqual([]);
  });
});
