/**
 * Shapes from the projects' docs: Tempo `GET /api/traces/<id>` (OTLP JSON under `batches`, base64 ids, enum
 * names), Tempo `/api/v2/traces/<id>` (`{trace:{resourceSpans}}`), Jaeger v2 `/api/v3/traces/<id>`
 * (`{result:{resourceSpans}}`), classic Jaeger `/api/traces/<id>` (`data[].spans[]`, µs, `processes`).
 */
import { describe, expect, it } from 'vitest';
import { analyzeTrace, normalizeId, normalizeKind, normalizeTrace, TraceFormatError } from '../../src/traces/index.js';

const TRACE_HEX = '0af7651916cd43dd8448eb211c80319c';
const ROOT_HEX = 'b7ad6b7169203331';
const CHILD_HEX = '00f067aa0ba902b7';
const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');

function otlpSpans(id: (hex: string) => string, enums: boolean) {
  return [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'checkout' } }] },
      scopeSpans: [
        {
          scope: { name: 'test' },
          spans: [
            {
              traceId: id(TRACE_HEX), spanId: id(ROOT_HEX), parentSpanId: '', name: 'POST /checkout',
              kind: enums ? 'SPAN_KIND_SERVER' : 2, startTimeUnixNano: '1761473732000000000', endTimeUnixNano: '1761473737000000000',
              status: { code: enums ? 'STATUS_CODE_ERROR' : 2, message: 'checkout failed' },
            },
          ],
        },
      ],
    },
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'payment' } }] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: id(TRACE_HEX), spanId: id(CHILD_HEX), parentSpanId: id(ROOT_HEX), name: 'call-payment-gateway',
              kind: enums ? 'SPAN_KIND_CLIENT' : 3, startTimeUnixNano: '1761473732025000123', endTimeUnixNano: '1761473736975000123',
              attributes: [{ key: 'retry.count', value: { intValue: '3' } }, { key: 'peer', value: { stringValue: 'payment-gateway:8080' } }],
              status: {},
              events: [{ name: 'exception', attributes: [{ key: 'exception.message', value: { stringValue: 'Connection refused' } }] }],
            },
          ],
        },
      ],
    },
  ];
}

function expectWalkthrough(answer: unknown): void {
  const t = normalizeTrace(answer);
  expect(t.warnings).toEqual([]);
  const a = analyzeTrace(t.spans);
  expect(a.traceId).toBe(TRACE_HEX);
  expect(a.root?.spanId).toBe(ROOT_HEX);
  expect(a.root?.kind).toBe('server');
  expect(a.root?.status).toBe('error');
  expect(a.bottleneck?.span.operation).toBe('call-payment-gateway');
  expect(a.bottleneck?.span.service).toBe('payment');
  expect(a.bottleneck?.span.durationUs).toBe(4_950_000);
  expect(a.bottleneck?.span.kind).toBe('client');
  expect(a.services).toEqual(['checkout', 'payment']);
  expect(a.errors[0]?.message).toBe('checkout failed');
}

describe('normalizeTrace', () => {
  it('Tempo /api/traces: batches, base64 ids, enum names', () => {
    expectWalkthrough({ batches: otlpSpans(b64, true) });
    const child = normalizeTrace({ batches: otlpSpans(b64, true) }).spans[1]!;
    expect(child.attributes['retry.count']).toBe(3);
    expect(child.statusMessage).toBe('Connection refused');
    expect(child.startUs).toBe(1761473732025000.123);
  });

  it('Tempo /api/v2/traces: {trace:{resourceSpans}}', () => {
    expectWalkthrough({ trace: { resourceSpans: otlpSpans(b64, true) } });
  });

  it('Jaeger v2 /api/v3/traces: {result:{resourceSpans}}, hex ids, enum numbers', () => {
    expectWalkthrough({ result: { resourceSpans: otlpSpans((h) => h, false) } });
  });

  it('an OTLP/HTTP export body: {resourceSpans}', () => {
    expectWalkthrough({ resourceSpans: otlpSpans((h) => h, true) });
  });

  it('classic Jaeger /api/traces: data[].spans[], references, µs, processes', () => {
    const answer = {
      data: [
        {
          traceID: TRACE_HEX,
          spans: [
            { traceID: TRACE_HEX, spanID: ROOT_HEX, operationName: 'POST /checkout', references: [], startTime: 1761473732000000, duration: 5_000_000, processID: 'p1', tags: [{ key: 'span.kind', type: 'string', value: 'server' }, { key: 'error', type: 'bool', value: true }, { key: 'otel.status_description', type: 'string', value: 'checkout failed' }] },
            { traceID: TRACE_HEX, spanID: 'f067aa0ba902b7', operationName: 'call-payment-gateway', references: [{ refType: 'CHILD_OF', traceID: TRACE_HEX, spanID: ROOT_HEX }], startTime: 1761473732025000, duration: 4_950_000, processID: 'p2', tags: [{ key: 'span.kind', type: 'string', value: 'client' }] },
            { traceID: TRACE_HEX, spanID: '1111111111111111', operationName: 'audit', references: [{ refType: 'FOLLOWS_FROM', traceID: TRACE_HEX, spanID: ROOT_HEX }], startTime: 1761473732100000, duration: 9_000_000, processID: 'p1', tags: [] },
          ],
          processes: { p1: { serviceName: 'checkout', tags: [] }, p2: { serviceName: 'payment', tags: [] } },
        },
      ],
    };
    expectWalkthrough(answer);
    const spans = normalizeTrace(answer).spans;
    expect(spans[1]?.spanId).toBe(CHILD_HEX); // leading zeros restored
    expect(spans[2]?.link).toBe('follows_from');
  });

  it('unknown shapes throw a typed error; unreadable spans are skipped with a warning', () => {
    expect(() => normalizeTrace({ hello: 1 })).toThrow(TraceFormatError);
    expect(() => normalizeTrace('nope')).toThrow(/expected OTLP JSON/);
    const t = normalizeTrace({ batches: [{ scopeSpans: [{ spans: [{ spanId: 'zz' }, { traceId: TRACE_HEX, spanId: ROOT_HEX, startTimeUnixNano: 'x' }, 7] }] }] });
    expect(t.spans).toEqual([]);
    expect(t.warnings).toHaveLength(2);
    expect(normalizeTrace({ data: [] }).spans).toEqual([]);
  });
});

describe('ids and enums', () => {
  it('hex and base64 ids', () => {
    expect(normalizeId(TRACE_HEX.toUpperCase())).toBe(TRACE_HEX);
    expect(normalizeId(b64(TRACE_HEX))).toBe(TRACE_HEX);
    expect(normalizeId(b64(ROOT_HEX))).toBe(ROOT_HEX);
    expect(normalizeId('f067aa0ba902b7', 'hex')).toBe(CHILD_HEX);
    expect(normalizeId('')).toBeUndefined();
    expect(normalizeId('0000000000000000')).toBeUndefined();
    expect(normalizeId('not an id!')).toBeUndefined();
  });

  it('kinds by name or number', () => {
    expect(normalizeKind('SPAN_KIND_PRODUCER')).toBe('producer');
    expect(normalizeKind(4)).toBe('producer');
    expect(normalizeKind('consumer')).toBe('consumer');
    expect(normalizeKind('weird')).toBe('unspecified');
  });
});
