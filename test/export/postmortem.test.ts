import { appendFile, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportCommand } from '../../src/cli/commands/export.js';
import { analyseIncident, exportTimeline, timelineRowEvents } from '../../src/export/index.js';
import { lintPostmortem } from '../../src/export/postmortem-lint.js';
import type { TimelineEvent } from '../../src/timeline/events.js';
import { readTimeline } from '../../src/timeline/reader.js';
import { openTimeline } from '../../src/timeline/store.js';
import { recordingIO, sectionOf, tableRows } from './helpers.js';
import { REPO_ROOT, writePaymentRun } from './payment-run.js';

let dir: string;
let path: string;
let events: TimelineEvent[];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'export-'));
  path = join(dir, 'run.jsonl');
  events = await writePaymentRun(path);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function exportTo(options: Record<string, unknown>): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIO(REPO_ROOT);
  const code = await exportCommand(path, options, io);
  return { code, out: io.out(), err: io.err() };
}

const ms = (hms: string): number => Date.parse(`2025-10-26T${hms}Z`);

describe('postmortem: timeline table', () => {
  it('has one row per event that matters, one for one and in order', async () => {
    const { code, out } = await exportTo({ format: 'postmortem' });
    expect(code).toBe(0);
    const rows = tableRows(sectionOf(out, 'Timeline'));
    // Every event but step.started, and of the five verify polls only #1 (first) and #5 (verdict change, last).
    const expected = events.filter((e) => e.type !== 'step.started' && !(e.type === 'verify.polled' && [2, 3, 4].includes(e.attempt)));
    expect(rows.map((r) => Number(r[1]))).toEqual(expected.map((e) => e.seq));
    expect(rows.map((r) => r[2])).toEqual(expected.map((e) => e.type));
    expect(rows.map((r) => r[0])).toEqual(expected.map((e) => e.time.slice(11, 19)));
    expect(timelineRowEvents(events)).toEqual(expected);
  });

  it('puts outcomes in the rows: FAIL with the value, the gate decision and who made it, notes in place', async () => {
    const rows = tableRows(sectionOf((await exportTo({ format: 'postmortem' })).out, 'Timeline'));
    const bySeq = new Map(rows.map((r) => [Number(r[1]), r]));
    expect(bySeq.get(8)?.[3]).toContain('`payment-error-ratio` Payment error ratio under 1%');
    expect(bySeq.get(8)?.[4]).toBe('FAIL: 1 of 1 series violate < 0.01 (0.412)');
    expect(bySeq.get(13)?.[4]).toBe('approved by alice (interactive)');
    expect(bySeq.get(13)?.[3]).toContain('kubectl rollout restart deployment/payment-gateway');
    expect(bySeq.get(11)?.[4]).toBe('declined by alice (non-interactive)');
    expect(bySeq.get(15)?.[4]).toBe('OK, exit 0: deployment.apps/payment-gateway restarted');
    expect(bySeq.get(21)?.[4]).toBe('PASS: 0.004 < 0.01');
    // The note's pipe is escaped so it stays in one cell.
    expect(bySeq.get(6)?.[3]).toBe('Note: Pod events show OOMKilled \\| restarts: 3');
    expect(bySeq.get(6)?.[4]).toBe('by bob');
  });
});

describe('postmortem: summary and key figures', () => {
  it('computes detection, mitigation and resolution from the event times', async () => {
    const incident = analyseIncident(events);
    const start = ms('10:16:02.000');
    expect(incident.figures.detection?.afterMs).toBe(ms('10:20:00.150') - start);
    expect(incident.figures.detection?.event.seq).toBe(8);
    expect(incident.figures.mitigation?.afterMs).toBe(ms('10:27:41.520') - start);
    expect(incident.figures.resolution?.afterMs).toBe(ms('10:28:07.300') - start);

    const rows = tableRows(sectionOf((await exportTo({ format: 'postmortem' })).out, 'Key figures'));
    expect(rows.map((r) => r.slice(0, 3))).toEqual([
      ['Time to detect (first failing check)', '3 min 58 s', '10:20:00'],
      ['Time to mitigate (first approved mitigation)', '11 min 40 s', '10:27:41'],
      ['Time to resolve (first passing verification)', '12 min 5 s', '10:28:07'],
    ]);
  });

  it('takes severity, service and alerts from the runbook, and start, end and duration from the events', async () => {
    const { out } = await exportTo({ format: 'postmortem' });
    expect(out.startsWith('---\ntype: postmortem\n')).toBe(true);
    expect(out).toContain('\nseverity: critical\n');
    const summary = new Map(tableRows(sectionOf(out, 'Incident summary')).map((r) => [r[0], r[1]]));
    expect(summary.get('**Date**')).toBe('2025-10-26');
    expect(summary.get('**Start (UTC)**')).toBe('10:16:02');
    expect(summary.get('**End (UTC)**')).toBe('10:36:10');
    expect(summary.get('**Duration**')).toBe('20 min 8 s');
    expect(summary.get('**Severity**')).toBe('critical');
    expect(summary.get('**Service**')).toBe('payment-gateway');
    expect(summary.get('**Alert**')).toContain('`CheckoutHighErrorRate`, `PaymentGatewayDown`');
    expect(sectionOf(out, 'Incident summary')).toContain('### Impact\n\n_To fill in:');
  });

  it('leaves root cause, lessons and the rest as prompts, never invented text', async () => {
    const { out } = await exportTo({ format: 'postmortem' });
    for (const name of ['Root cause', 'What went well', 'What went wrong', 'Lessons learned']) {
      expect(sectionOf(out, name).trim()).toMatch(/^_To fill in: [^\n]*_$/);
    }
  });
});

describe('a note added after the run', () => {
  it('gets its row, with dates once the timeline spans days, but does not move the end of the incident', async () => {
    const store = await openTimeline(path, { run: events[0]!.run, clock: () => new Date('2025-10-27T09:00:00.000Z') });
    await store.append({ type: 'note', text: 'provider confirmed a pool leak in their SDK', by: 'carol' });
    await store.close();
    const { out } = await exportTo({ format: 'postmortem' });
    const summary = new Map(tableRows(sectionOf(out, 'Incident summary')).map((r) => [r[0], r[1]]));
    expect(summary.get('**End (UTC)**')).toBe('2025-10-26 10:36:10');
    expect(summary.get('**Duration**')).toBe('20 min 8 s');
    const rows = tableRows(sectionOf(out, 'Timeline'));
    expect(rows.at(-1)?.slice(0, 3)).toEqual(['2025-10-27 09:00:00', '26', 'note']);
    expect(rows[0]?.[0]).toBe('2025-10-26 10:16:02');
  });
});

describe('postmortem: action items and lint', () => {
  it('pre-fills one row per failed check and declined gate, with priority, owner and due date to fill', async () => {
    const { out } = await exportTo({ format: 'postmortem' });
    const rows = tableRows(sectionOf(out, 'Action items'));
    expect(rows.map((r) => r[0]?.match(/`([^`]+)`/)?.[1])).toEqual(['payment-error-ratio', 'gateway-is-up', 'flush-queue']);
    expect(rows.every((r) => r.slice(1).join('|') === 'TODO (P0–P2)|TODO|TODO (YYYY-MM-DD)')).toBe(true);
    // Fresh from the export, lint asks for exactly those cells and the prompts.
    const diagnostics = lintPostmortem(out);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toHaveLength(9);
    expect(errors.every((d) => d.ruleId === 'postmortem-action-item-incomplete')).toBe(true);
    expect(diagnostics.filter((d) => d.ruleId === 'postmortem-prompt-left').length).toBeGreaterThanOrEqual(5);
    expect(diagnostics.some((d) => d.ruleId === 'postmortem-section-missing')).toBe(false);
  });
});

describe('postmortem: anonymize', () => {
  it('replaces every user name (and the host) with roles, also inside notes', async () => {
    const { out } = await exportTo({ format: 'postmortem', anonymize: true });
    expect(out).not.toMatch(/alice|bob|ops-laptop-7/);
    expect(out).toContain('approved by responder 1 (interactive)');
    expect(out).toContain('alice is watching checkout'.replace('alice', 'responder 1'));
    const summary = new Map(tableRows(sectionOf(out, 'Incident summary')).map((r) => [r[0], r[1]]));
    expect(summary.get('**Responders**')).toBe('responder 1, responder 2');
    const json = (await exportTo({ format: 'json', anonymize: true })).out;
    expect(json).not.toMatch(/alice|bob|ops-laptop-7/);
  });
});

describe('secrets in an older timeline', () => {
  it('are redacted on the way out, in every format', async () => {
    // A note written straight into the file, as a timeline from before a redaction rule would hold it.
    const last = events.at(-1)!;
    await appendFile(path, `${JSON.stringify({ v: 1, seq: last.seq + 1, time: last.time, run: last.run, type: 'note', text: 'curl -H "Authorization: Bearer s3cr3t.t0k3n" gw', by: 'alice' })}\n`);
    for (const format of ['postmortem', 'notebook', 'json']) {
      const { code, out } = await exportTo({ format });
      expect(code).toBe(0);
      expect(out).not.toContain('s3cr3t.t0k3n');
    }
    expect((await exportTo({ format: 'postmortem' })).out).toContain('Authorization: Bearer [REDACTED]');
  });
});

describe('torn last line', () => {
  it('exports, warns on stderr and says so in the document, and leaves the file alone', async () => {
    await appendFile(path, '{"v":1,"seq":26,"time":"2025-10-26T10:36:');
    const before = await readFile(path, 'utf8');
    const { code, out, err } = await exportTo({ format: 'postmortem' });
    expect(code).toBe(0);
    expect(err).toContain('warning: the timeline ends with a torn line (line 26)');
    expect(out).toContain('> **Note:** the timeline ends with a torn line (line 26)');
    expect(tableRows(sectionOf(out, 'Timeline'))).toHaveLength(16);
    expect(await readFile(path, 'utf8')).toBe(before);
    expect((await exportTo({ format: 'notebook' })).out).toContain('torn line (line 26)');
  });
});

describe('notebook', () => {
  it('is the runbook with each step followed by what it produced', async () => {
    const { code, out } = await exportTo({ format: 'notebook' });
    expect(code).toBe(0);
    const runbook = await readFile(join(REPO_ROOT, 'runbooks/payment-gateway-timeout.md'), 'utf8');
    // Every line of the runbook is still there, in order.
    const lines = out.split('\n');
    let at = 0;
    for (const line of runbook.split('\n')) {
      const found = lines.indexOf(line, at);
      expect(found, line).toBeGreaterThanOrEqual(at);
      at = found + 1;
    }
    const after = (fenceStart: string): string => out.slice(out.indexOf(fenceStart)).split('\n```\n')[1] ?? '';
    expect(after('```check {#payment-error-ratio')).toMatch(/^\n> \*\*Started\*\* 10:20:00 UTC[^\n]*\n>\n> \*\*Result\*\* 10:20:00 UTC \(150 ms\): FAIL: 1 of 1 series violate < 0\.01 \(0\.412\)/);
    expect(after('```promql {#p95-latency')).toMatch(/^\n> _Not run in this run._/);
    const mitigation = out.slice(out.indexOf(':::mitigate{#restart-gateway'));
    expect(mitigation).toMatch(/:::\n\n> \*\*Gate\*\* 10:27:41 UTC: approved by alice \(interactive\)\./);
    expect(mitigation).toContain('> **Verification attempt 5** 10:28:07 UTC: PASS: 0.004 < 0.01');
    expect(mitigation).toContain('> **Note** by bob at 10:27:55 UTC: new pod');
    expect(out).toContain('## Steps of the run that are not in the runbook\n\n### `flush-queue`');
  });
});

describe('json', () => {
  it('holds the events and the key figures', async () => {
    const { out } = await exportTo({ format: 'json' });
    const doc = JSON.parse(out) as { events: TimelineEvent[]; keyFigures: { detection: { seq: number; afterMs: number } } };
    expect(doc.events).toEqual(events);
    expect(doc.keyFigures.detection).toEqual({ seq: 8, time: '2025-10-26T10:20:00.150Z', afterMs: 238_150 });
  });
});

describe('runbook export command', () => {
  it('exits 2 for a missing timeline, an unknown format, or a file with no events', async () => {
    const io = recordingIO(dir);
    expect(await exportCommand(join(dir, 'nope.jsonl'), {}, io)).toBe(2);
    expect(io.err()).toContain('no timeline at');
    expect(await exportCommand(path, { format: 'pdf' }, io)).toBe(2);
    expect(io.err()).toContain('unknown format `pdf`');
    await appendFile(join(dir, 'empty.jsonl'), 'hello\n');
    expect(await exportCommand(join(dir, 'empty.jsonl'), {}, io)).toBe(2);
    expect(io.err()).toContain('holds no timeline events');
  });

  it('writes to --out (and nothing to stdout), creating the folder', async () => {
    const io = recordingIO(REPO_ROOT);
    const out = join(dir, 'reports', 'pm.md');
    expect(await exportCommand(path, { format: 'postmortem', out, prometheus: 'http://127.0.0.1:1' }, io)).toBe(0);
    expect(io.out()).toBe('');
    expect(await readFile(out, 'utf8')).toContain('## Action items');
    expect((await readdir(join(dir, 'reports'))).sort()).toEqual(['pm-gateway-memory.svg', 'pm.md']);
    expect(io.err()).toContain('did not answer');
  });

  it('without a readable runbook, still exports and says what is missing', async () => {
    const read = await readTimeline(path);
    const result = await exportTimeline(read, { format: 'postmortem', readText: async () => undefined });
    expect(result.warnings.join('\n')).toContain('no longer exists');
    expect(result.document).toContain('| **Severity** | To fill in: severity');
    const notebook = await exportTimeline(read, { format: 'notebook', readText: async () => undefined });
    expect(notebook.document).toContain('## Request rate by service (`request-rate`)');
  });
});
