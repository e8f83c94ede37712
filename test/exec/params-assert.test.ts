import { describe, expect, it } from 'vitest';
import { assertCommand, assertQuery } from '../../src/exec/assert.js';
import { parseAt } from '../../src/exec/at.js';
import { evaluateCaptures, parseCaptures } from '../../src/exec/capture.js';
import { parseParamArguments, resolveParams } from '../../src/exec/params.js';
import { UsageError } from '../../src/errors.js';
import { parseExpect, type Expectation } from '../../src/steps/expect.js';
import type { RecordedQueryResult } from '../../src/timeline/events.js';

const specs = {
  namespace: { description: 'Kubernetes namespace', default: 'payments', pattern: '[a-z0-9]([-a-z0-9]*[a-z0-9])?' },
  pod: { description: 'Pod to inspect', required: true },
  mode: { pattern: 'fast|slow' },
};

describe('params', () => {
  it('splits name=value on the first `=`', () => {
    expect(parseParamArguments(['a=1', 'b=x=y', 'c='])).toEqual({ a: '1', b: 'x=y', c: '' });
    expect(() => parseParamArguments(['novalue'])).toThrow(UsageError);
    expect(() => parseParamArguments(['a=1', 'a=2'])).toThrow(/given twice/);
  });

  it('applies defaults and keeps given values', () => {
    expect(resolveParams(specs, { pod: 'gw-1' })).toEqual({ namespace: 'payments', pod: 'gw-1' });
    expect(resolveParams(specs, { pod: 'gw-1', namespace: 'other', mode: 'slow' })).toEqual({ namespace: 'other', pod: 'gw-1', mode: 'slow' });
  });

  it.each([
    [{ pod: 'x', nope: '1' }, /Unknown parameter `nope`; this runbook takes `namespace`, `pod`, `mode`/],
    [{}, /Missing required parameter `pod` \(Pod to inspect\)/],
    [{ pod: 'x', namespace: 'Payments!' }, /Parameter `namespace` \(Kubernetes namespace\): value `Payments!` does not match/],
    // Anchored: a pattern that matches part of the value is not enough.
    [{ pod: 'x', namespace: 'payments; rm -rf /' }, /does not match/],
    [{ pod: 'x', mode: 'fastest' }, /value `fastest` does not match the pattern `fast\|slow`/],
    [{ pod: 'x', mode: 'xslow' }, /does not match/],
  ])('refuses %j', (given, message) => {
    expect(() => resolveParams(specs, given)).toThrow(UsageError);
    expect(() => resolveParams(specs, given)).toThrow(message);
  });
});

describe('--at', () => {
  const now = new Date('2025-10-26T12:00:00Z');
  it.each([
    ['2025-10-26T10:20:00Z', '2025-10-26T10:20:00.000Z'],
    ['2025-10-26T10:20:00.5Z', '2025-10-26T10:20:00.500Z'],
    ['2025-10-26T12:20:00+02:00', '2025-10-26T10:20:00.000Z'],
    ['-2h', '2025-10-26T10:00:00.000Z'],
    ['-30m', '2025-10-26T11:30:00.000Z'],
    ['-1h30m', '2025-10-26T10:30:00.000Z'],
    ['now', '2025-10-26T12:00:00.000Z'],
  ])('%s', (text, iso) => {
    expect(parseAt(text, now).toISOString()).toBe(iso);
  });

  it.each(['2025-10-26 10:20', '2025-10-26T10:20:00', 'yesterday', '2h', '-2x', ''])('refuses %j', (text) => {
    expect(() => parseAt(text, now)).toThrow(UsageError);
  });
});

const vector = (...values: Array<[Record<string, string>, string]>): RecordedQueryResult => ({
  resultType: 'vector',
  series: values.map(([labels, v]) => ({ labels, value: [1761474000, v] })),
  seriesTotal: values.length,
});
const expectation = (text: string) => parseExpect(text) as Expectation;

describe('assertQuery', () => {
  it('every series must satisfy a comparison; violations are listed', () => {
    const result = vector([{ service: 'payment' }, '0.43'], [{ service: 'frontend' }, '0.002']);
    const outcome = assertQuery(result, expectation('< 0.01'));
    expect(outcome.passed).toBe(false);
    expect(outcome.violations.map((s) => s.labels.service)).toEqual(['payment']);
    expect(outcome.summary).toBe('FAIL: 1 of 2 series violate < 0.01, max 0.43');
    expect(assertQuery(vector([{}, '0.002']), expectation('< 0.01')).passed).toBe(true);
  });

  it('range results: every sample counts', () => {
    const range: RecordedQueryResult = { resultType: 'matrix', series: [{ labels: {}, values: [[1, '0'], [2, '5'], [3, '0']] }], seriesTotal: 1 };
    expect(assertQuery(range, expectation('< 1')).passed).toBe(false);
  });

  it('a comparison over no series fails: no data verifies nothing', () => {
    expect(assertQuery(vector(), expectation('< 0.01'))).toMatchObject({ passed: false, summary: expect.stringMatching(/^FAIL: no series.*expect=empty/) });
  });

  it('NaN never satisfies a comparison', () => {
    expect(assertQuery(vector([{}, 'NaN']), expectation('< 1')).passed).toBe(false);
  });

  it('alert-style without expect, empty and not-empty', () => {
    expect(assertQuery(vector(), undefined)).toMatchObject({ passed: true });
    expect(assertQuery(vector([{ a: '1' }, '0']), undefined)).toMatchObject({ passed: false, violations: [{ labels: { a: '1' } }] });
    expect(assertQuery(vector(), expectation('empty')).passed).toBe(true);
    expect(assertQuery(vector([{}, '1']), expectation('empty')).passed).toBe(false);
    expect(assertQuery(vector([{}, '1']), expectation('not-empty')).passed).toBe(true);
    expect(assertQuery(vector(), expectation('not-empty')).passed).toBe(false);
  });

  it('assertCommand checks exit code and match', () => {
    expect(assertCommand(0, 'Running', 0, /Running/).passed).toBe(true);
    expect(assertCommand(0, 'Pending', 0, /Running/)).toMatchObject({ passed: false, summary: 'FAIL: output does not match /Running/' });
    expect(assertCommand(1, '', 0, undefined)).toMatchObject({ passed: false, summary: 'FAIL: exit 1, expected 0' });
    expect(assertCommand(1, '', 1, undefined).passed).toBe(true);
  });
});

describe('captures', () => {
  it('parses several, splitting on `;` only before a new name', () => {
    expect(parseCaptures('a=label:pod; b=value;c=$.items[0].metadata.name;d=/x; (\\d+)/').map((c) => [c.name, c.type])).toEqual([
      ['a', 'label'],
      ['b', 'value'],
      ['c', 'jsonpath'],
      ['d', 'regex'],
    ]);
    expect(() => parseCaptures('a=whatever')).toThrow(/cannot read `whatever`/);
  });

  it('reads the top series of a PromQL result', () => {
    const result = vector([{ service: 'frontend' }, '0.03'], [{ service: 'payment' }, '0.43'], [{ service: 'checkout' }, '0.41']);
    expect(evaluateCaptures(parseCaptures('worst=label:service;ratio=value;none=label:nope'), { query: result })).toEqual({
      values: { worst: 'payment', ratio: '0.43' },
      missing: ['none'],
    });
  });

  it('reads JSON output with a JSONPath and text with a regex', () => {
    const json = JSON.stringify({ items: [{ metadata: { name: 'gw-1', labels: { app: 'x' } } }] });
    expect(evaluateCaptures(parseCaptures('pod=$.items[0].metadata.name;labels=$.items[0].metadata.labels'), { text: json }).values).toEqual({
      pod: 'gw-1',
      labels: '{"app":"x"}',
    });
    expect(evaluateCaptures(parseCaptures('restarts=/RESTARTS\\s+(\\d+)/;whole=/OOM\\w+/'), { text: 'RESTARTS   4\nOOMKilled' }).values).toEqual({
      restarts: '4',
      whole: 'OOMKilled',
    });
    expect(evaluateCaptures(parseCaptures('pod=$.items[0].metadata.name'), { text: 'not json' }).missing).toEqual(['pod']);
  });
});
