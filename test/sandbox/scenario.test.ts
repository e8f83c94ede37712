import { describe, expect, it } from 'vitest';
import {
  INSTANTS,
  MEMORY_LIMIT_BYTES,
  NEW_POD,
  OLD_POD,
  generateFamilies,
  generateOpenMetrics,
  sampleTimes,
} from './scenario.js';
import type { Series } from './scenario.js';
import { createSimulator } from './simulator.js';
import { humanDuration, mergePatch, parseLabelSelector } from './kube-stub.js';

const families = generateFamilies();
const family = (name: string): Series[] => families.find((f) => f.name === name)?.series ?? [];
const valueAt = (s: Series | undefined, t: number): number | undefined => s?.samples.find((x) => x.t === t)?.v;
const find = (name: string, labels: Record<string, string>): Series | undefined =>
  families.flatMap((f) => f.series).find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

/** Error ratio of a service over (from, to], from raw counters. */
function errorRatio(service: string, from: number, to: number): number {
  let errors = 0;
  let total = 0;
  for (const s of family('http_requests').filter((x) => x.labels.service === service)) {
    const d = (valueAt(s, to) ?? 0) - (valueAt(s, from) ?? 0);
    total += d;
    if (s.labels.status !== '200') errors += d;
  }
  return errors / total;
}

describe('scenario', () => {
  it('is deterministic, grouped by family and ends with # EOF', () => {
    const text = generateOpenMetrics();
    expect(text).toBe(generateOpenMetrics());
    expect(text.endsWith('# EOF\n')).toBe(true);
    const typeLines = text.split('\n').filter((l) => l.startsWith('# TYPE '));
    expect(new Set(typeLines).size).toBe(typeLines.length);
  });

  it('covers 09:00 to 11:00 every 15 s', () => {
    const times = sampleTimes();
    expect(times[0]).toBe(Date.parse('2025-10-26T09:00:00Z') / 1000);
    expect(times.at(-1)).toBe(Date.parse('2025-10-26T11:00:00Z') / 1000);
    expect(times).toHaveLength(481);
  });

  it('keeps every counter and histogram series monotonic', () => {
    const counters = [...family('http_requests'), ...family('http_request_duration_seconds')];
    expect(counters.length).toBe(4 * 4 + 4 * 14);
    const violations: string[] = [];
    for (const s of counters) {
      for (let i = 1; i < s.samples.length; i++) {
        const [prev, cur] = [s.samples[i - 1]!, s.samples[i]!];
        if (cur.v < prev.v || cur.t <= prev.t) violations.push(`${s.name}${JSON.stringify(s.labels)} at ${cur.t}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('keeps histogram buckets cumulative', () => {
    for (const service of ['checkout', 'payment']) {
      const buckets = family('http_request_duration_seconds').filter((s) => s.name.endsWith('_bucket') && s.labels.service === service);
      const t = INSTANTS.oom + 300;
      const values = buckets.map((b) => valueAt(b, t) ?? -1);
      expect(values).toEqual([...values].sort((a, b) => a - b));
      expect(values.at(-1)).toBe(valueAt(find('http_request_duration_seconds_count', { service }), t));
    }
  });

  it('labels app series with namespace and job', () => {
    expect(find('http_requests_total', { service: 'payment', status: '504' })?.labels).toEqual({
      namespace: 'payments',
      job: 'payment',
      service: 'payment',
      endpoint: '/api/pay',
      status: '504',
    });
    expect(find('payment_gateway_up', {})?.labels).toEqual({ namespace: 'payments', job: 'payment-gateway' });
  });

  it('tells the outage: healthy, OOM at 10:14, restart at 10:28, healthy after 10:35', () => {
    const min = (m: number): number => m * 60;
    expect(errorRatio('payment', INSTANTS.oom - min(20), INSTANTS.oom - min(15))).toBeLessThan(0.005);
    expect(errorRatio('payment', INSTANTS.oom + min(1), INSTANTS.restart)).toBeGreaterThanOrEqual(0.35);
    expect(errorRatio('checkout', INSTANTS.oom + min(1), INSTANTS.restart)).toBeGreaterThanOrEqual(0.35);
    expect(errorRatio('frontend', INSTANTS.oom + min(1), INSTANTS.restart)).toBeLessThan(0.1);
    expect(errorRatio('inventory', INSTANTS.oom + min(1), INSTANTS.restart)).toBeLessThan(0.005);
    expect(errorRatio('payment', INSTANTS.recovered, INSTANTS.end)).toBeLessThan(0.005);

    const up = find('payment_gateway_up', {});
    expect(valueAt(up, INSTANTS.oom - 15)).toBe(1);
    expect(valueAt(up, INSTANTS.oom)).toBe(0);
    expect(valueAt(up, INSTANTS.restart - 15)).toBe(0);
    expect(valueAt(up, INSTANTS.restart)).toBe(1);

    const oldMem = find('container_memory_usage_bytes', { pod: OLD_POD });
    expect(valueAt(oldMem, INSTANTS.start)).toBeCloseTo(600 * 1024 ** 2, -7);
    expect(valueAt(oldMem, INSTANTS.oom)).toBe(MEMORY_LIMIT_BYTES);
    expect(valueAt(oldMem, INSTANTS.oom + 15)).toBeLessThan(MEMORY_LIMIT_BYTES / 4);
    expect(valueAt(oldMem, INSTANTS.restart)).toBeUndefined();
    const newMem = find('container_memory_usage_bytes', { pod: NEW_POD });
    expect(newMem?.samples[0]?.t).toBe(INSTANTS.restart);
    expect(valueAt(newMem, INSTANTS.end)).toBeLessThan(MEMORY_LIMIT_BYTES / 2);
    expect(find('kube_pod_container_resource_limits', { pod: NEW_POD, resource: 'memory' })?.samples[0]?.v).toBe(MEMORY_LIMIT_BYTES);

    const waiting = find('payment_gateway_connections', { state: 'waiting' });
    expect(valueAt(waiting, INSTANTS.leakStart)).toBe(0);
    expect(valueAt(waiting, INSTANTS.oom - 60)).toBeGreaterThan(100);
  });
});

describe('live simulator model', () => {
  const parse = (text: string): Map<string, number> =>
    new Map(
      text
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => {
          const i = l.lastIndexOf(' ');
          return [l.slice(0, i), Number(l.slice(i + 1))] as const;
        }),
    );
  const sum = (m: Map<string, number>, pred: (k: string) => boolean): number =>
    [...m].filter(([k]) => pred(k)).reduce((n, [, v]) => n + v, 0);
  const checkout = (k: string): boolean => k.startsWith('http_requests_total{') && k.includes('service="checkout"');
  const errors = (k: string): boolean => checkout(k) && !k.includes('status="200"');

  it('fails at ~40 req/s with ~40 % errors, then heals within the ramp', () => {
    let now = 1_000_000;
    const sim = createSimulator({ now: () => now, recoverMs: 3_000 });
    const a = parse(sim.metrics());
    expect(a.get('payment_gateway_up{namespace="payments",job="payment-gateway"}')).toBe(0);
    now += 10_000;
    const b = parse(sim.metrics());
    const total = sum(b, checkout) - sum(a, checkout);
    expect(total).toBeGreaterThan(380);
    expect(total).toBeLessThan(420);
    expect((sum(b, errors) - sum(a, errors)) / total).toBeGreaterThan(0.35);

    sim.recover('payment-gateway-7d9f8b6c5d-abcde');
    expect(sim.phase()).toBe('recovering');
    now += 3_000;
    expect(sim.phase()).toBe('healthy');
    const c = parse(sim.metrics());
    now += 20_000;
    const d = parse(sim.metrics());
    expect((sum(d, errors) - sum(c, errors)) / (sum(d, checkout) - sum(c, checkout))).toBeLessThan(0.01);
    expect(d.get('payment_gateway_up{namespace="payments",job="payment-gateway"}')).toBe(1);
    expect([...d.keys()].some((k) => k.includes('pod="payment-gateway-7d9f8b6c5d-abcde"'))).toBe(true);
    for (const [k, v] of d) if (k.startsWith('http_requests_total')) expect(v).toBeGreaterThanOrEqual(c.get(k) ?? 0);
  });
});

describe('kube stub helpers', () => {
  it.each([
    ['app=payment-gateway', [{ key: 'app', op: '=', values: ['payment-gateway'] }]],
    ['app!=x,tier', [{ key: 'app', op: '!=', values: ['x'] }, { key: 'tier', op: 'exists', values: [] }]],
    ['app in (a, b),!canary', [{ key: 'app', op: 'in', values: ['a', 'b'] }, { key: 'canary', op: '!', values: [] }]],
  ])('parses the selector %s', (selector, expected) => {
    expect(parseLabelSelector(selector)).toEqual(expected);
  });

  it('merges strategic patches: maps merge, null deletes, named lists merge by name', () => {
    const target = { a: { b: 1, c: 2 }, containers: [{ name: 'x', image: 'old', ports: [1] }, { name: 'y', image: 'y' }] };
    expect(mergePatch(target, { a: { c: null, d: 3 }, containers: [{ name: 'x', image: 'new' }] }, true)).toEqual({
      a: { b: 1, d: 3 },
      containers: [{ name: 'x', image: 'new', ports: [1] }, { name: 'y', image: 'y' }],
    });
  });

  it.each([
    [45_000, '45s'],
    [6 * 60_000 + 12_000, '6m12s'],
    [3 * 3_600_000, '3h'],
    [2 * 86_400_000, '2d'],
  ])('renders %d ms as %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
