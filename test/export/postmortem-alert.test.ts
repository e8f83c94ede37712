/** The postmortem of a run started from an alert: alert in the summary and first in the table, figures from startsAt. */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCommand } from '../../src/cli/commands/export.js';
import { formatDuration } from '../../src/export/incident.js';
import type { NewEvent } from '../../src/timeline/events.js';
import { openTimeline } from '../../src/timeline/store.js';
import { recordingIO, sectionOf, tableRows } from './helpers.js';
import { REPO_ROOT, RUNBOOK_PATH, paymentRunEvents } from './payment-run.js';

let dir: string;
let out: string;
const at = (hms: string): Date => new Date(`2025-10-26T${hms}Z`);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'export-alert-'));
  const path = join(dir, 'run.jsonl');
  const sha256 = createHash('sha256').update(await readFile(join(REPO_ROOT, RUNBOOK_PATH))).digest('hex');
  const events = paymentRunEvents('http://127.0.0.1:1', sha256);
  const alert: NewEvent = {
    type: 'alert.received',
    name: 'CheckoutHighErrorRate',
    labels: { alertname: 'CheckoutHighErrorRate', namespace: 'payments', severity: 'critical' },
    annotations: { summary: 'Checkout 5xx above 5%' },
    startsAt: '2025-10-26T10:14:00.000Z',
    fingerprint: '0123456789abcdef',
    generatorURL: 'http://prometheus.example/graph?g0.expr=x',
    source: 'webhook',
  };
  events.splice(1, 0, ['10:16:02.001', alert]);
  events.push(['10:41:00.000', { type: 'alert.resolved', name: 'CheckoutHighErrorRate', fingerprint: '0123456789abcdef', endsAt: '2025-10-26T10:40:00.000Z', source: 'webhook' }]);
  let now = new Date(0);
  const store = await openTimeline(path, { run: 'run-alert', clock: () => now });
  for (const [hms, event] of events) {
    now = at(hms);
    await store.append(event);
  }
  await store.close();
  const io = recordingIO(REPO_ROOT);
  expect(await exportCommand(path, { format: 'postmortem' }, io)).toBe(0);
  out = io.out();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('postmortem from an alert', () => {
  it('names the alert in the summary', () => {
    const summary = tableRows(sectionOf(out, 'Incident summary'));
    const row = summary.find((r) => r[0] === '**Alert**')!;
    expect(row[1]).toContain('`CheckoutHighErrorRate{namespace="payments", severity="critical"}`');
    expect(row[1]).toContain('Checkout 5xx above 5%');
    expect(row[1]).toContain('firing since 2025-10-26T10:14:00.000Z');
    expect(row[1]).toContain('(http://prometheus.example/graph?g0.expr=x)');
  });

  it('puts the alert row first in the timeline table', () => {
    const rows = tableRows(sectionOf(out, 'Timeline'));
    expect(rows[0]!.slice(0, 3)).toEqual(['10:14:00', '—', 'alert']);
    expect(rows[0]![3]).toContain('Alert `CheckoutHighErrorRate` started firing');
    expect(rows[1]![2]).toBe('run.started');
    expect(rows[2]![2]).toBe('alert.received');
    expect(rows.at(-1)![2]).toBe('alert.resolved');
  });

  it('measures the key figures from startsAt', () => {
    const rows = tableRows(sectionOf(out, 'Key figures'));
    const fired = at('10:14:00.000').getTime();
    const figure = (name: string) => rows.find((r) => r[0]!.startsWith(name))!;
    expect(figure('Time to acknowledge')[1]).toBe(formatDuration(at('10:16:02.000').getTime() - fired));
    expect(figure('Time to detect')[1]).toBe(formatDuration(at('10:20:00.150').getTime() - fired));
    expect(figure('Time to resolve')[1]).toBe(formatDuration(at('10:40:00.000').getTime() - fired));
    expect(figure('Time to resolve')[1]).toBe('26 min 0 s');
    expect(figure('Time to mitigate')[1]).not.toBe('—');
    expect(figure('Time to recover')[1]).not.toBe('—');
    expect(sectionOf(out, 'Key figures')).toContain('Measured from when the alert `CheckoutHighErrorRate` started firing (10:14:00 UTC');
  });
});
