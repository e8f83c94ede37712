/**
 * `runbook export --format otlp`: a loopback collector (a plain node http server) receives the synthetic
 * payment run as one OTLP/HTTP JSON trace. The body is checked field by field against the OTLP protobuf
 * JSON mapping (lowerCamelCase names, enums as integers, int64 as decimal strings, ids as hex).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exportCommand } from '../../src/cli/commands/export.js';
import type { TimelineEvent } from '../../src/timeline/events.js';
import { recordingIO } from './helpers.js';
import { REPO_ROOT, writePaymentRun } from './payment-run.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let endpoint: string;
let received: Received[] = [];
let answer = { status: 200, body: '{}' };
let dir: string;
let timeline: string;
let events: TimelineEvent[];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  endpoint = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  dir = mkdtempSync(join(tmpdir(), 'runbook-otlp-'));
  timeline = join(dir, 'run.jsonl');
  events = await writePaymentRun(timeline);
  // A secret in a note, as a responder might paste it: the export must redact it.
  writeFileSync(timeline, readFileSync(timeline, 'utf8').replace('restarts: 3', 'restarts: 3 password=hunter2'));
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  received = [];
  answer = { status: 200, body: '{}' };
});

// The OTLP protobuf messages as JSON: every field each may carry (proto3 JSON mapping names).
const FIELDS: Record<string, string[]> = {
  request: ['resourceSpans'],
  resourceSpans: ['resource', 'scopeSpans', 'schemaUrl'],
  resource: ['attributes', 'droppedAttributesCount'],
  scopeSpans: ['scope', 'spans', 'schemaUrl'],
  scope: ['name', 'version', 'attributes', 'droppedAttributesCount'],
  span: ['traceId', 'spanId', 'traceState', 'parentSpanId', 'flags', 'name', 'kind', 'startTimeUnixNano', 'endTimeUnixNano', 'attributes', 'droppedAttributesCount', 'events', 'droppedEventsCount', 'links', 'droppedLinksCount', 'status'],
  event: ['timeUnixNano', 'name', 'attributes', 'droppedAttributesCount'],
  status: ['message', 'code'],
  keyValue: ['key', 'value'],
};

/** Throws on any field the OTLP JSON mapping does not have, or a value of the wrong JSON type. */
function validate(kind: string, value: Record<string, unknown>, path: string): void {
  for (const key of Object.keys(value)) {
    if (!FIELDS[kind]!.includes(key)) throw new Error(`${path}.${key} is not a field of ${kind}`);
  }
  const nano = (k: string) => expect(value[k], `${path}.${k}`).toMatch(/^\d{19}$/);
  const attrs = (list: unknown, p: string) =>
    (list as Record<string, unknown>[]).forEach((kv, i) => {
      validate('keyValue', kv, `${p}[${i}]`);
      expect(typeof kv.key).toBe('string');
      const v = kv.value as Record<string, unknown>;
      expect(Object.keys(v), `${p}[${i}].value`).toHaveLength(1);
      const [type] = Object.keys(v);
      expect(['stringValue', 'boolValue', 'intValue', 'doubleValue']).toContain(type);
      if (type === 'intValue') expect(v.intValue).toMatch(/^-?\d+$/);
      if (type === 'stringValue') expect(typeof v.stringValue).toBe('string');
      if (type === 'boolValue') expect(typeof v.boolValue).toBe('boolean');
      if (type === 'doubleValue') expect(typeof v.doubleValue).toBe('number');
    });
  if (kind === 'request') (value.resourceSpans as Record<string, unknown>[]).forEach((r, i) => validate('resourceSpans', r, `${path}.resourceSpans[${i}]`));
  if (kind === 'resourceSpans') {
    validate('resource', value.resource as Record<string, unknown>, `${path}.resource`);
    (value.scopeSpans as Record<string, unknown>[]).forEach((s, i) => validate('scopeSpans', s, `${path}.scopeSpans[${i}]`));
  }
  if (kind === 'resource') attrs(value.attributes, `${path}.attributes`);
  if (kind === 'scopeSpans') {
    validate('scope', value.scope as Record<string, unknown>, `${path}.scope`);
    (value.spans as Record<string, unknown>[]).forEach((s, i) => validate('span', s, `${path}.spans[${i}]`));
  }
  if (kind === 'span') {
    // OTLP/HTTP JSON: ids are hex (not base64 as the plain proto3 mapping would have), lowercase.
    expect(value.traceId, `${path}.traceId`).toMatch(/^[0-9a-f]{32}$/);
    expect(value.spanId, `${path}.spanId`).toMatch(/^[0-9a-f]{16}$/);
    if (value.parentSpanId !== undefined) expect(value.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(value.traceId).not.toBe('0'.repeat(32));
    expect(Number.isInteger(value.kind), `${path}.kind is an enum integer`).toBe(true);
    expect(value.kind as number).toBeGreaterThanOrEqual(0);
    expect(value.kind as number).toBeLessThanOrEqual(5);
    nano('startTimeUnixNano');
    nano('endTimeUnixNano');
    expect(BigInt(value.endTimeUnixNano as string) >= BigInt(value.startTimeUnixNano as string)).toBe(true);
    attrs(value.attributes, `${path}.attributes`);
    (value.events as Record<string, unknown>[]).forEach((e, i) => {
      validate('event', e, `${path}.events[${i}]`);
      expect(e.timeUnixNano).toMatch(/^\d{19}$/);
      attrs(e.attributes, `${path}.events[${i}].attributes`);
    });
    const status = value.status as Record<string, unknown>;
    validate('status', status, `${path}.status`);
    expect([0, 1, 2]).toContain(status.code);
  }
}

type Span = { traceId: string; spanId: string; parentSpanId?: string; name: string; attributes: { key: string; value: Record<string, unknown> }[]; events: { name: string; attributes: { key: string; value: Record<string, unknown> }[] }[]; status: { code: number; message?: string } };
const attr = (span: { attributes: Span['attributes'] }, key: string) => Object.values(span.attributes.find((a) => a.key === key)?.value ?? {})[0];

describe('runbook export --format otlp', () => {
  it('posts one trace with a span per step, hex ids and ERROR on the failed checks', async () => {
    const io = recordingIO(REPO_ROOT);
    io.env = { OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=payments,authorization=Bearer%20abc' };
    const code = await exportCommand(timeline, { format: 'otlp', endpoint, header: ['x-team=sre'] }, io);
    expect(io.err()).toMatch(/sent trace [0-9a-f]{32} \(\d+ spans\)/);
    expect(code).toBe(0);
    expect(received).toHaveLength(1);
    const req = received[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/traces');
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['x-tenant']).toBe('payments');
    expect(req.headers.authorization).toBe('Bearer abc');
    expect(req.headers['x-team']).toBe('sre');
    expect(req.body).not.toContain('hunter2');
    expect(req.body).toContain('password=[REDACTED]');

    const body = JSON.parse(req.body) as { resourceSpans: { scopeSpans: { spans: Span[] }[] }[] };
    validate('request', body as unknown as Record<string, unknown>, 'request');
    expect(body.resourceSpans).toHaveLength(1);
    const spans = body.resourceSpans[0]!.scopeSpans[0]!.spans;
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(spans.length);

    const run = spans.find((s) => s.parentSpanId === undefined)!;
    expect(spans.filter((s) => s.parentSpanId === undefined)).toHaveLength(1);
    expect(run.name).toBe('Payment gateway timeout');
    expect(attr(run, 'cicd.pipeline.name')).toBe('Payment gateway timeout');
    expect(attr(run, 'cicd.pipeline.run.id')).toBe(events[0]!.run);
    expect(run.status.code).toBe(2);

    const stepIds = [...new Set(events.filter((e) => e.type === 'step.finished').map((e) => (e as { step: string }).step))];
    const stepSpans = spans.filter((s) => s.parentSpanId === run.spanId);
    expect(stepSpans.map((s) => s.name).sort()).toEqual([...stepIds].sort());
    const byStep = Object.fromEntries(stepSpans.map((s) => [s.name, s]));
    for (const id of stepIds) expect(attr(byStep[id]!, 'cicd.pipeline.task.name')).toBe(id);
    expect(byStep['payment-error-ratio']!.status).toMatchObject({ code: 2, message: 'FAIL: 1 of 1 series violate < 0.01 (0.412)' });
    expect(byStep['gateway-is-up']!.status.code).toBe(2);
    expect(byStep['all-services-healthy']!.status.code).toBe(1);
    expect(byStep['flush-queue']!.status.code).toBe(0);
    expect(attr(byStep['payment-error-ratio']!, 'runbook.kind')).toBe('check');
    expect(attr(byStep['payment-error-ratio']!, 'runbook.verdict')).toBe('failed');
    expect(attr(byStep['flush-queue']!, 'runbook.gate.decision')).toBe('declined');
    const restart = byStep['restart-gateway']!;
    expect(attr(restart, 'runbook.gate.decision')).toBe('approved');
    expect(attr(restart, 'runbook.gate.by')).toBe('alice');
    expect(restart.events.map((e) => e.name)).toContain('gate.decided');
    const polls = restart.events.filter((e) => e.name === 'verify.polled');
    expect(polls.length).toBe(events.filter((e) => e.type === 'verify.polled').length);
    expect(polls.at(-1)!.attributes.find((a) => a.key === 'runbook.verify.passed')!.value).toEqual({ boolValue: true });
    const actions = spans.filter((s) => s.parentSpanId === restart.spanId);
    expect(actions).toHaveLength(1);
    expect(attr(actions[0]!, 'runbook.argv')).toContain('rollout restart deployment/payment-gateway');
  });

  it('exports the same ids twice (derived from the run id)', async () => {
    await exportCommand(timeline, { format: 'otlp', endpoint }, recordingIO(REPO_ROOT));
    await exportCommand(timeline, { format: 'otlp', endpoint: `${endpoint}/v1/traces` }, recordingIO(REPO_ROOT));
    expect(received.map((r) => r.url)).toEqual(['/v1/traces', '/v1/traces']);
    expect(received[0]!.body).toBe(received[1]!.body);
  });

  it('honours OTEL_EXPORTER_OTLP_ENDPOINT; no endpoint is a usage error; a refusing collector exits 1', async () => {
    const io = recordingIO(REPO_ROOT);
    io.env = { OTEL_EXPORTER_OTLP_ENDPOINT: `${endpoint}/` };
    expect(await exportCommand(timeline, { format: 'otlp' }, io)).toBe(0);
    expect(received).toHaveLength(1);

    const none = recordingIO(REPO_ROOT);
    expect(await exportCommand(timeline, { format: 'otlp' }, none)).toBe(2);
    expect(none.err()).toContain('needs `--endpoint <url>` or OTEL_EXPORTER_OTLP_ENDPOINT');

    const bad = recordingIO(REPO_ROOT);
    expect(await exportCommand(timeline, { format: 'otlp', endpoint, header: ['nokey'] }, bad)).toBe(2);

    answer = { status: 200, body: '{"partialSuccess":{"rejectedSpans":"2","errorMessage":"bad span"}}' };
    const partial = recordingIO(REPO_ROOT);
    expect(await exportCommand(timeline, { format: 'otlp', endpoint }, partial)).toBe(1);
    expect(partial.err()).toContain('rejected 2 span(s): bad span');

    answer = { status: 400, body: '{"code":3,"message":"invalid traceId"}' };
    const refused = recordingIO(REPO_ROOT);
    expect(await exportCommand(timeline, { format: 'otlp', endpoint }, refused)).toBe(1);
    expect(refused.err()).toContain('answered HTTP 400');
  });

  it('works from the built CLI with repeated --header flags', async () => {
    const result = await execa('node', [join(REPO_ROOT, 'dist/cli.js'), 'export', timeline, '--format', 'otlp', '--endpoint', endpoint, '--header', 'a=1', '--header', 'b=2'], { cwd: REPO_ROOT, reject: false, env: { OTEL_EXPORTER_OTLP_ENDPOINT: '' } });
    expect(result.stderr).toContain('sent trace');
    expect(result.exitCode).toBe(0);
    expect(received).toHaveLength(1);
    expect(received[0]!.headers).toMatchObject({ a: '1', b: '2' });
  });
});
