import { describe, expect, it } from 'vitest';
import { createEventRedactor } from '../../src/secrets/events.js';
import { clearDeclaredSecrets, createRedactor, declareSecrets, REDACTED, redactDeep } from '../../src/secrets/redact.js';
import { SEEDS } from './seeds.js';

const redact = createRedactor();

describe('redaction', () => {
  // Each seeded secret must disappear, and the text around it must stay readable.
  it.each([
    ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'eyJhbGci', 'Authorization: Bearer [REDACTED]'],
    ['curl -H "Authorization: Basic dXNlcjpodW50ZXIy" http://x', 'dXNlcjpodW50ZXIy', 'Authorization: Basic [REDACTED]'],
    ['token is bearer abc.def-ghi_123', 'abc.def-ghi_123', 'bearer [REDACTED]'],
    ['db password=hunter2 host=db', 'hunter2', 'password=[REDACTED] host=db'],
    ['--token=s3cr3t-value --namespace=x', 's3cr3t-value', '--token=[REDACTED] --namespace=x'],
    ['{"client_secret": "abc123xyz", "id": 1}', 'abc123xyz', '"client_secret": "[REDACTED]"'],
    ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'wJalrXUtnFEMI', 'aws_secret_access_key = [REDACTED]'],
    ['key id AKIAIOSFODNN7EXAMPLE in log', 'AKIAIOSFODNN7EXAMPLE', 'key id [REDACTED] in log'],
    ['API_KEY: 0123456789abcdef', '0123456789abcdef', 'API_KEY: [REDACTED]'],
    [
      'x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7\nabc\n-----END RSA PRIVATE KEY-----\ny',
      'MIIEpAIBAAKCAQEA7',
      '-----BEGIN RSA PRIVATE KEY----- [REDACTED] -----END RSA PRIVATE KEY-----',
    ],
  ])('redacts %j', (input, secret, kept) => {
    const out = redact(input);
    expect(out).not.toContain(secret);
    expect(out).toContain(kept);
  });

  it('redacts the data of a Secret in -o yaml, keeping keys and other fields', () => {
    const yaml = [
      'apiVersion: v1',
      'data:',
      '  password: aHVudGVyMg==',
      '  username: YWRtaW4=',
      'kind: Secret',
      'metadata:',
      '  name: db-credentials',
      'type: Opaque',
    ].join('\n');
    const out = redact(yaml);
    expect(out).not.toContain('aHVudGVyMg==');
    expect(out).not.toContain('YWRtaW4=');
    expect(out).toContain(`  username: ${REDACTED}`);
    expect(out).toContain('  name: db-credentials');
  });

  it('redacts the data of a Secret in -o json, single and multi-line', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Secret', data: { tls: 'LS0tLS1CRUdJTg==', ca: 'Q0FDRVJU' }, metadata: { name: 'x' } }, null, 2);
    const out = redact(json);
    expect(out).not.toContain('LS0tLS1CRUdJTg==');
    expect(out).not.toContain('Q0FDRVJU');
    expect(out).toContain('"name": "x"');
    const compact = redact('{"kind":"Secret","data":{"a":"c2VjcmV0"}}');
    expect(compact).not.toContain('c2VjcmV0');
  });

  it('leaves ordinary output alone', () => {
    const text = 'NAME                               READY   STATUS    RESTARTS\npayment-gateway-7d9f8b6c5d-x2k4p   1/1     Running   3';
    expect(redact(text)).toBe(text);
    expect(redact('sum(rate(http_requests_total{status=~"5.."}[5m]))')).toBe('sum(rate(http_requests_total{status=~"5.."}[5m]))');
  });

  it('applies extra patterns from the config', () => {
    const custom = createRedactor(['acme_[a-z0-9]{8}']);
    expect(custom('key acme_abcd1234 end')).toBe(`key ${REDACTED} end`);
  });

  it('redacts every string in a nested value', () => {
    const value = { a: ['password=x1'], b: { c: 'token: y2' }, n: 3 };
    expect(redactDeep(value, redact)).toEqual({ a: [`password=${REDACTED}`], b: { c: `token: ${REDACTED}` }, n: 3 });
  });

  it('replaces whole values under secret-looking keys', () => {
    const event = { params: { api_token: 'abc', namespace: 'payments', dbPassword: 'x' }, counts: { ok: 1 } };
    expect(redactDeep(event, redact)).toEqual({ params: { api_token: REDACTED, namespace: 'payments', dbPassword: REDACTED }, counts: { ok: 1 } });
  });
});

describe('redaction of the formats of issue 12', () => {
  it.each(SEEDS.map((seed) => [seed.kind, seed] as const))('masks %s and keeps the text around it readable', (_kind, seed) => {
    const out = redact(`before ${seed.text} after`);
    expect(out).not.toContain(seed.value);
    expect(out).toContain(REDACTED);
    expect(out.startsWith('before ')).toBe(true);
  });

  it('keeps the host of a URL with credentials', () => {
    expect(redact('postgres://app:pw-x-1@db.internal:5432/pay')).toBe(`postgres://app:${REDACTED}@db.internal:5432/pay`);
  });

  it('masks the word after a secret flag in an argv array, and nothing else', () => {
    expect(redactDeep(['kubectl', 'get', 'pods', '--token', 'abc', '-n', 'x'], redact)).toEqual(['kubectl', 'get', 'pods', '--token', REDACTED, '-n', 'x']);
  });

  it('masks declared values everywhere, also URL-encoded', () => {
    declareSecrets(['s3 cr/et-declared']);
    try {
      expect(redact('x --token s3 cr/et-declared y')).not.toContain('cr/et-declared');
      expect(redact(`u?t=${encodeURIComponent('s3 cr/et-declared')}`)).toBe(`u?t=${REDACTED}`);
      expect(redactDeep({ argv: ['--flag', 's3 cr/et-declared'] }, redact)).toEqual({ argv: ['--flag', REDACTED] });
    } finally {
      clearDeclaredSecrets();
    }
  });
});

describe('event redaction', () => {
  it('masks the output and captures of a kubectl command that reads Secret data', () => {
    const one = createEventRedactor(redact);
    one({ type: 'step.started', step: 's', command: { argv: ['kubectl', 'get', 'secret', 'db', '-o', 'jsonpath={.data.password}'] } });
    const finished = one({ type: 'step.finished', step: 's', output: { excerpt: 'aHVudGVyMg==', truncated: false, bytes: 12 }, captures: { pw: 'aHVudGVyMg==' } });
    expect(finished.output.excerpt).toBe(REDACTED);
    expect(finished.captures.pw).toBe(REDACTED);
    one({ type: 'step.started', step: 'p', command: { argv: ['kubectl', 'get', 'pods'] } });
    expect(one({ type: 'step.finished', step: 'p', output: { excerpt: 'pod-1', truncated: false, bytes: 5 } }).output.excerpt).toBe('pod-1');
    expect(one({ type: 'action.finished', step: 'm', command: { argv: ['sh', '-c', 'kubectl get secrets/db -o yaml | base64 -d'] }, output: { excerpt: 'x' } }).output.excerpt).toBe(REDACTED);
  });
});
