/**
 * The `logs` step through the executor against the Loki-API stub, and the walkthrough's logs → trace hand-over.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parse/index.js';
import { runRunbook } from '../../src/exec/index.js';
import type { NewEvent, StepFinishedEvent, TimelineEvent } from '../../src/timeline/events.js';
import { startLokiStub, type LokiStub } from '../sandbox/loki-stub.js';
import { startTraceStore, type TraceStore } from '../sandbox/trace-store.js';
import { WALKTHROUGH_CORRELATION_ID, WALKTHROUGH_TRACE_ID } from '../sandbox/trace-data.js';

let loki: LokiStub;
let tempo: TraceStore;
beforeAll(async () => {
  [loki, tempo] = await Promise.all([startLokiStub(), startTraceStore()]);
});
afterAll(async () => {
  await Promise.all([loki?.stop(), tempo?.stop()]);
});

const AT = new Date('2025-10-26T10:15:40Z');

async function run(markdown: string, targets: Record<string, string>) {
  const { runbook, file } = parseRunbook(markdown, { path: 'test.md' });
  expect(file.messages.filter((m) => m.fatal).map((m) => m.reason)).toEqual([]);
  const events: TimelineEvent[] = [];
  let seq = 0;
  const result = await runRunbook(runbook, {
    runbookPath: 'test.md', sha256: 'x', params: {}, mode: 'read-only', at: AT, targets,
    sink: { append: async (e: NewEvent) => { const t = { ...e, seq: ++seq } as unknown as TimelineEvent; events.push(t); return t; } },
  });
  const finished = (id: string) => events.find((e): e is StepFinishedEvent => e.type === 'step.finished' && e.step === id)!;
  return { result, events, finished };
}

describe('logs step (source=loki)', () => {
  it('captures the earliest failing request, counts, and hands the trace id to a trace step', async () => {
    loki.requests.length = 0;
    const md = [
      '# Checkout failed',
      '',
      '```logs {#errors source=loki window=30s match="level=error" extract="trace_id;correlation_id" capture="trace=trace_id;corr=correlation_id;n=count"}',
      '{app="checkout"}',
      '```',
      '',
      '```trace {#slow capture="op=bottleneck.operation;err=error.message"}',
      '{{steps.errors.trace}}',
      '```',
      '',
      '```check {#few-errors of=errors expect="< 10"}',
      '```',
      '',
    ].join('\n');
    const { finished } = await run(md, { loki: loki.url, tempo: tempo.url });
    const errors = finished('errors');
    expect(errors.status).toBe('ok');
    expect(errors.captures).toEqual({ trace: WALKTHROUGH_TRACE_ID, corr: WALKTHROUGH_CORRELATION_ID, n: '1' });
    expect(errors.summary).toMatch(/^1 matching line of \d+ read; error 1; top: checkout failed: payment error ×1/);
    const q = new URL(`http://x${loki.requests[0]}`).searchParams;
    expect(q.get('direction')).toBe('forward');
    expect(q.get('end')).toBe(`${AT.getTime()}000000`);
    expect(q.get('start')).toBe(`${AT.getTime() - 30_000}000000`);
    expect(q.get('limit')).toBe('5000');
    expect(finished('slow').captures).toEqual({ op: 'call-payment-gateway', err: 'Connection refused: payment-gateway:8080' });
    expect(finished('few-errors').status).toBe('passed');
  });

  it('one request across services by correlation id, in time order; :latest and :top', async () => {
    const md = `# C\n\n\`\`\`logs {#story source=loki window=1m extract="app;level" capture="first=level;last=level:latest;most=level:top"}\n{app=~"checkout|payment"} |= "${WALKTHROUGH_CORRELATION_ID}"\n\`\`\`\n`;
    const { finished } = await run(md, { loki: loki.url });
    const s = finished('story');
    expect(s.summary).toMatch(/^6 matching lines/);
    // `level` is a field of the logfmt and JSON lines only (info once, error twice).
    expect(s.captures).toEqual({ first: 'info', last: 'error', most: 'error' });
    expect(s.output?.excerpt).toMatch(/sample: ts=2025-10-26T10:15:32.000Z level=info msg="checkout started"/);
  });

  it('says when the limit was reached', async () => {
    const md = '# C\n\n```logs {#all source=loki window=2h limit=50}\n{app="checkout"}\n```\n';
    expect((await run(md, { loki: loki.url })).finished('all').summary).toMatch(/of 50 read \(limit 50 reached\)/);
  });

  it('bad LogQL, no URL: clear errors, the run goes on', async () => {
    const md = '# C\n\n```logs {#bad source=loki}\napp=checkout\n```\n\n```logs {#nourl source=loki}\n{app="x"}\n```\n';
    const noUrl = await run(md, { loki: loki.url });
    expect(noUrl.finished('bad').error).toMatch(/Loki answered HTTP 400: parse error/);
    expect((await run(md, {})).finished('nourl').error).toMatch(/pass `--loki <url>`/);
  });
});

describe('logs step (source=kubectl) planning', () => {
  const plan = async (body: string, attrs = '') => {
    const { planStep } = await import('../../src/exec/plan.js');
    const { runbook } = parseRunbook(`# K\n\n\`\`\`logs {#l ${attrs}}\n${body}\n\`\`\`\n`, { path: 't.md' });
    return planStep(runbook.steps[0]!, { params: {}, capture: () => undefined, targets: { namespace: 'payments' }, at: AT });
  };

  it('adds --timestamps and --since-time = at − window; never gated', async () => {
    const p = await plan('kubectl logs deploy/checkout --tail=1000', 'window=10m');
    expect(p.gated).toBe(false);
    expect(p.logs?.process?.argv).toEqual(['kubectl', '--namespace=payments', 'logs', 'deploy/checkout', '--tail=1000', '--timestamps', '--since-time=2025-10-26T10:05:40.000Z']);
  });

  it('refuses -f and verbs other than logs', async () => {
    await expect(plan('kubectl logs -f deploy/checkout')).rejects.toThrow(/-f/);
    await expect(plan('kubectl delete pod x')).rejects.toThrow(/runs `kubectl logs`, found `kubectl delete`/);
  });
});
