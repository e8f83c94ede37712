/**
 * The `trace` step end to end through the executor against the sandbox trace store (Tempo and Jaeger APIs
 * on loopback): by id, by TraceQL search, by Jaeger search, `check of=`, and bad answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parse/index.js';
import { runRunbook } from '../../src/exec/index.js';
import type { NewEvent, StepFinishedEvent, TimelineEvent } from '../../src/timeline/events.js';
import { startTraceStore, type TraceStore } from '../sandbox/trace-store.js';
import { WALKTHROUGH_TRACE_ID } from '../sandbox/trace-data.js';

let tempo: TraceStore;
let jaeger: TraceStore;
let legacyJaeger: TraceStore;
beforeAll(async () => {
  [tempo, jaeger, legacyJaeger] = await Promise.all([startTraceStore(), startTraceStore({ flavour: 'jaeger' }), startTraceStore({ flavour: 'jaeger', legacyOnly: true })]);
});
afterAll(async () => {
  await Promise.all([tempo?.stop(), jaeger?.stop(), legacyJaeger?.stop()]);
});

const AT = new Date('2025-10-26T10:15:40Z');

async function run(markdown: string, targets: Record<string, string>, mode: 'read-only' | 'live' = 'read-only') {
  const { runbook, file } = parseRunbook(markdown, { path: 'test.md' });
  expect(file.messages.filter((m) => m.fatal).map((m) => m.reason)).toEqual([]);
  const events: TimelineEvent[] = [];
  let seq = 0;
  const result = await runRunbook(runbook, {
    runbookPath: 'test.md', sha256: 'x', params: {}, mode, at: AT, targets,
    sink: { append: async (e: NewEvent) => { const t = { ...e, seq: ++seq, ts: new Date().toISOString(), run: 'r' } as unknown as TimelineEvent; events.push(t); return t; } },
  });
  const finished = (id: string) => events.find((e): e is StepFinishedEvent => e.type === 'step.finished' && e.step === id)!;
  return { result, events, finished };
}

const byId = (extra = '') => `# T\n\n\`\`\`trace {#slow ${extra} capture="op=bottleneck.operation;svc=bottleneck.service;d=bottleneck.duration;err=error.message;esvc=error.service;root=root.service;id=trace_id"}\n${WALKTHROUGH_TRACE_ID}\n\`\`\`\n\n\`\`\`check {#fast of=slow expect="< 1"}\n\`\`\`\n`;

describe('trace step', () => {
  for (const [name, targets] of [
    ['Tempo', () => ({ tempo: tempo.url })],
    ['Jaeger (v3 API)', () => ({ jaeger: jaeger.url })],
    ['Jaeger (classic API)', () => ({ jaeger: legacyJaeger.url })],
  ] as const) {
    it(`by id with ${name}: bottleneck, error, captures, check of=`, async () => {
      const { result, finished } = await run(byId(), targets());
      const slow = finished('slow');
      expect(slow.status).toBe('ok');
      expect(slow.captures).toEqual({
        op: 'call-payment-gateway', svc: 'payment', d: '4.95', err: 'Connection refused: payment-gateway:8080', esvc: 'payment', root: 'checkout', id: WALKTHROUGH_TRACE_ID,
      });
      expect(slow.summary).toMatch(/bottleneck call-payment-gateway \(payment\) 4\.95 s/);
      expect(slow.output?.excerpt).toMatch(/^\* {2}payment +call-payment-gateway/m);
      expect(slow.output?.excerpt).toMatch(/error: payment payment: Connection refused: payment-gateway:8080 \[.*retry\.count=3/);
      // The async consumer is longer than the gateway call but not on the critical path.
      expect(slow.output?.excerpt).toMatch(/^ {3}audit +consume order-attempted.*░/m);
      expect(slow.output?.excerpt).not.toMatch(/inventory/);
      expect(finished('fast').status).toBe('failed');
      expect(finished('fast').summary).toMatch(/4\.95/);
      expect(result.plan.find((p) => p.id === 'slow')?.gated).toBe(false);
    });
  }

  it('TraceQL search within the window picks the latest match, whatever order Tempo answers in', async () => {
    tempo.requests.length = 0;
    const md = '# T\n\n```trace {#s window=30m capture="id=trace_id"}\n{ resource.service.name = "checkout" && status = error }\n```\n';
    const { finished } = await run(md, { tempo: tempo.url });
    expect(finished('s').captures).toEqual({ id: WALKTHROUGH_TRACE_ID });
    expect(finished('s').summary).toMatch(/latest of \d+ matches/);
    const search = tempo.requests.find((r) => r.startsWith('/api/search'))!;
    const q = new URL(`http://x${search}`).searchParams;
    expect(Number(q.get('end'))).toBe(AT.getTime() / 1000);
    expect(Number(q.get('start'))).toBe(AT.getTime() / 1000 - 1800);
  });

  it('pick=slowest over the hour', async () => {
    const md = '# T\n\n```trace {#s pick=slowest capture="d=duration"}\n{ status = error }\n```\n';
    expect((await run(md, { tempo: tempo.url })).finished('s').captures).toEqual({ d: '6.5' }); // the trace lasts until the async audit consumer ends
  });

  it('Jaeger search form', async () => {
    const md = '# T\n\n```trace {#s capture="id=trace_id;op=bottleneck.operation"}\nservice=checkout tags={"error":"true"} minDuration=1s\n```\n';
    expect((await run(md, { jaeger: jaeger.url })).finished('s').captures).toEqual({ id: WALKTHROUGH_TRACE_ID, op: 'call-payment-gateway' });
  });

  it('bad input is a clear step error and the run goes on', async () => {
    const md = '# T\n\n```trace {#gone}\n00000000000000000000000000abcdef\n```\n\n```trace {#q}\n{ nonsense }\n```\n\n```promql {#after}\nup\n```\n';
    const { finished } = await run(md, { tempo: tempo.url });
    expect(finished('gone').status).toBe('error');
    expect(finished('gone').error).toMatch(/trace 00000000000000000000000000abcdef not found in Tempo/);
    expect(finished('q').error).toMatch(/HTTP 400: parse error/);
    expect(finished('after')).toBeDefined();
  });

  it('malformed JSON', async () => {
    const { createServer } = await import('node:http');
    const server = createServer((_req, res) => res.end('{"batches": [oops'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      const md = `# T\n\n\`\`\`trace {#t}\n${WALKTHROUGH_TRACE_ID}\n\`\`\`\n`;
      expect((await run(md, { tempo: `http://127.0.0.1:${port}` })).finished('t').error).toMatch(/not JSON/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('no URL, or both without backend=, refuses before running', async () => {
    const md = `# T\n\n\`\`\`trace {#t}\n${WALKTHROUGH_TRACE_ID}\n\`\`\`\n`;
    expect((await run(md, {})).finished('t').error).toMatch(/pass `--tempo <url>` or `--jaeger <url>`/);
    expect((await run(md, { tempo: tempo.url, jaeger: jaeger.url })).finished('t').error).toMatch(/backend=tempo/);
    const ok = await run(md.replace('{#t}', '{#t backend=jaeger}'), { tempo: 'http://127.0.0.1:9', jaeger: jaeger.url });
    expect(ok.finished('t').status).toBe('ok');
  });
});
