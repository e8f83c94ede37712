/** Alert documents, `--alert` selectors, runbook lookup and params from labels (src/alerts/source.ts). */
import { describe, expect, it } from 'vitest';
import { paramsFromAlert, parseAlertDocument, parseSelector, runbookFor, selectAlert, type Alert } from '../../src/alerts/source.js';
import { InvalidInputError, UsageError } from '../../src/errors.js';

const alert = (name: string, labels: Record<string, string> = {}, extra: Partial<Alert> = {}): Alert => ({
  labels: { alertname: name, ...labels },
  annotations: {},
  startsAt: '2025-10-26T10:15:00Z',
  ...extra,
});

describe('parseAlertDocument', () => {
  it('reads a webhook payload v4, an API v2 array and a single alert', () => {
    const webhook = {
      version: '4',
      status: 'firing',
      alerts: [{ status: 'firing', labels: { alertname: 'A', namespace: 'shop' }, annotations: { summary: 's' }, startsAt: '2025-10-26T10:15:00Z', endsAt: '0001-01-01T00:00:00Z', fingerprint: 'abc', generatorURL: 'http://p/graph' }],
    };
    expect(parseAlertDocument(webhook)).toEqual([
      { labels: { alertname: 'A', namespace: 'shop' }, annotations: { summary: 's' }, startsAt: '2025-10-26T10:15:00Z', endsAt: '0001-01-01T00:00:00Z', fingerprint: 'abc', generatorURL: 'http://p/graph', state: 'firing' },
    ]);
    const v2 = [{ labels: { alertname: 'B' }, annotations: {}, startsAt: '2025-10-26T10:15:00Z', status: { state: 'active', silencedBy: [], inhibitedBy: [] } }];
    expect(parseAlertDocument(v2)[0]).toMatchObject({ labels: { alertname: 'B' }, state: 'active' });
    expect(parseAlertDocument(v2[0])).toHaveLength(1);
  });

  it('refuses what is not an alert, and other payload versions', () => {
    expect(() => parseAlertDocument({ hello: 1 }, 'x.json')).toThrow(InvalidInputError);
    expect(() => parseAlertDocument({ hello: 1 }, 'x.json')).toThrow(/x\.json: not an alert/);
    expect(() => parseAlertDocument({ version: '3', alerts: [] })).toThrow(/version `3`; expected `4`/);
  });
});

describe('selectAlert', () => {
  const alerts = [alert('High', { namespace: 'shop' }, { fingerprint: 'f1' }), alert('High', { namespace: 'payments' }, { fingerprint: 'f2' }), alert('Low', {}, { fingerprint: 'f3' })];

  it.each([
    ['Low', 'f3'],
    ['f2', 'f2'],
    ['High{namespace="shop"}', 'f1'],
    ['High{namespace=~"pay.*"}', 'f2'],
    ['High{namespace!="shop"}', 'f2'],
    ['{namespace="shop"}', 'f1'],
  ])('%s picks %s', (selector, fingerprint) => {
    expect(selectAlert(alerts, selector).fingerprint).toBe(fingerprint);
  });

  it('lists every match when several match', () => {
    expect(() => selectAlert(alerts, 'High')).toThrow(UsageError);
    expect(() => selectAlert(alerts, 'High')).toThrow(/2 alerts match `High`.*\n {2}High\{namespace="shop"\} since .* \(f1\)\n {2}High\{namespace="payments"\}/s);
  });

  it('names the firing alerts when none matches', () => {
    expect(() => selectAlert(alerts, 'Nope')).toThrow(/No alert matches `Nope` \(firing: High\{namespace="shop"\}/);
    expect(() => selectAlert([], 'Nope')).toThrow(/none is firing/);
  });

  it('refuses a matcher it cannot read', () => {
    expect(() => parseSelector('High{namespace=shop}')).toThrow(/cannot read the matcher/);
  });
});

describe('runbookFor and paramsFromAlert', () => {
  const index = [
    { file: 'runbooks/payments/gateway.md', path: 'payments/gateway', alerts: ['PaymentGatewayDown'] },
    { file: 'runbooks/checkout.md', path: 'checkout', alerts: [] },
  ];

  it('finds by `alerts:` first, then by runbook_url ending with the path (any case, .md or not)', () => {
    expect(runbookFor(alert('PaymentGatewayDown'), index)).toEqual({ file: 'runbooks/payments/gateway.md', by: 'alerts' });
    expect(runbookFor(alert('X', {}, { annotations: { runbook_url: 'https://wiki.example.com/runbooks/Checkout' } }), index)).toEqual({ file: 'runbooks/checkout.md', by: 'runbook_url' });
    expect(runbookFor(alert('X', {}, { annotations: { runbook_url: 'https://git.example.com/r/runbooks/payments/gateway.md#top' } }), index)?.file).toBe('runbooks/payments/gateway.md');
    expect(runbookFor(alert('X', {}, { annotations: { runbook_url: 'https://wiki.example.com/mycheckout' } }), index)).toBeUndefined();
    expect(runbookFor(alert('X'), index)).toBeUndefined();
  });

  it('fills declared params from the same-named label or from params.<name>.label', () => {
    const specs = { namespace: {}, deployment: { label: 'kubernetes_deployment' }, pod: {} };
    expect(paramsFromAlert(specs, alert('A', { namespace: 'shop', kubernetes_deployment: 'gw', deployment: 'ignored', other: 'x' }))).toEqual({ namespace: 'shop', deployment: 'gw' });
  });
});
