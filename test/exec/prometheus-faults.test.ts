/**
 * Prometheus failures become step errors with Prometheus's own words. A bad query goes to the real
 * Prometheus; server faults it cannot produce on demand (5xx, a hang) come from a loopback fake server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusDriver, PrometheusQueryError, runQuery } from '../../src/exec/prometheus.js';
import { startSandbox, type Sandbox } from '../sandbox/index.js';

const at = new Date('2025-10-26T10:20:00Z');

describe('against the real Prometheus', () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => sandbox?.stop());

  it('a bad query carries the parse error', async () => {
    const error = await runQuery(createPrometheusDriver, { url: sandbox.prometheusUrl, query: 'sum(rate(x[5m]', time: at, timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PrometheusQueryError);
    expect((error as PrometheusQueryError).message).toMatch(/^Prometheus answered 400 \(bad_data\): .*parse error/);
  });

  it('records instant series with labels and string values at the given time', async () => {
    const result = await runQuery(createPrometheusDriver, { url: sandbox.prometheusUrl, query: 'payment_gateway_up', time: at, timeoutMs: 5_000 });
    expect(result).toMatchObject({ resultType: 'vector', seriesTotal: 1, series: [{ labels: { __name__: 'payment_gateway_up', namespace: 'payments' }, value: [at.getTime() / 1000, '0'] }] });
  });

  it('records scalars', async () => {
    const result = await runQuery(createPrometheusDriver, { url: sandbox.prometheusUrl, query: 'scalar(vector(2))', time: at, timeoutMs: 5_000 });
    expect(result).toEqual({ resultType: 'scalar', series: [{ labels: {}, value: [at.getTime() / 1000, '2'] }], seriesTotal: 1 });
  });
});

describe('server faults (loopback fake)', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url?.includes('hang')) return; // never answers
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ status: 'error', errorType: 'unavailable', error: 'TSDB not ready' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('5xx with the server message', async () => {
    await expect(runQuery(createPrometheusDriver, { url, query: 'up', time: at, timeoutMs: 5_000 })).rejects.toThrow('Prometheus answered 503 (unavailable): TSDB not ready');
  });

  it('a timeout', async () => {
    const error = (await runQuery(createPrometheusDriver, { url: `${url}/hang`, query: 'up', time: at, timeoutMs: 200 }).catch((e: unknown) => e)) as PrometheusQueryError;
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/did not answer within 0.2s/);
  });

  it('an abort cancels the request', async () => {
    const controller = new AbortController();
    const pending = runQuery(createPrometheusDriver, { url: `${url}/hang`, query: 'up', time: at, timeoutMs: 30_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ kind: 'aborted' });
  });
});
