/** Ad-hoc step pieces that need no sandbox: ids, titles, the UI's `kind body` input, the step's Markdown, params written back. */
import { describe, expect, it } from 'vitest';
import { AdhocStepError, adhocId, adhocRunbook, defaultTitle, parseAdhocInput, stepMarkdown } from '../../src/learn/adhoc.js';
import { templated } from '../../src/learn/learn.js';
import { applyInsertions, unifiedDiff } from '../../src/learn/diff.js';

describe('adhocId', () => {
  it.each([
    ['check', 'payment_gateway_up{namespace="payments"} == 0', 'check-payment-gateway-up'],
    ['promql', 'sum by (service) (rate(http_requests_total{namespace="payments"}[5m]))', 'promql-http-requests-total'],
    ['promql', 'max(container_memory_usage_bytes{namespace="payments",container="gateway"})', 'promql-container-memory-usage-bytes'],
    ['promql', '1 + 1', 'promql'],
    ['kubectl', 'get deployments -n payments', 'get-deployments'],
    ['kubectl', 'kubectl -n payments get pods -l app=x', 'get-pods'],
    ['sh', 'curl -fsS http://127.0.0.1:8080/healthz', 'sh-curl-http-127-0-0-1-8080-healthz'],
  ])('%s `%s` → %s', (kind, body, id) => {
    expect(adhocId(kind, body, new Set())).toBe(id);
  });

  it('is unique among the ids taken', () => {
    expect(adhocId('kubectl', 'get pods', new Set(['get-pods', 'get-pods-2']))).toBe('get-pods-3');
  });
});

describe('parseAdhocInput (the run UI\'s `:` line)', () => {
  it.each([
    ['kubectl get deployments -n payments', 'kubectl', 'kubectl get deployments -n payments'],
    ['  promql sum(rate(x[5m]))  ', 'promql', 'sum(rate(x[5m]))'],
    ['sh echo "a b"', 'sh', 'echo "a b"'],
  ])('`%s`', (input, kind, body) => {
    expect(parseAdhocInput(input)).toEqual({ kind, body });
  });

  it.each([
    ['', /empty/],
    ['bash ls', /unknown step kind `bash`/],
    ['kubectl', /has no body/],
  ])('refuses `%s`', (input, message) => {
    expect(() => parseAdhocInput(input)).toThrow(AdhocStepError);
    expect(() => parseAdhocInput(input)).toThrow(message);
  });
});

describe('stepMarkdown and adhocRunbook', () => {
  it('fences the body byte for byte, longer than any backtick run in it, and it parses back to one step', () => {
    const body = 'echo "```" && echo `date`';
    const md = stepMarkdown({ id: 'sh-echo', kind: 'sh', body, title: 'Say "hi"' });
    expect(md).toBe('````sh {#sh-echo title="Say \'hi\'"}\necho "```" && echo `date`\n````\n');
    const runbook = adhocRunbook({ id: 'sh-echo', kind: 'sh', body, section: ['Incident', 'Investigation'] });
    expect(runbook.steps).toHaveLength(1);
    expect(runbook.steps[0]).toMatchObject({ id: 'sh-echo', kind: 'sh', body, section: ['Incident', 'Investigation'] });
  });

  it('reports a body error at its line and column in the body', () => {
    expect(() => adhocRunbook({ id: 'x', kind: 'kubectl', body: 'get pods | grep x' })).toThrow(/pipe/);
    try {
      adhocRunbook({ id: 'x', kind: 'kubectl', body: 'get pods\n  -n x | grep y' });
    } catch (error) {
      expect(error).toBeInstanceOf(AdhocStepError);
      expect({ line: (error as AdhocStepError).line, column: (error as AdhocStepError).column }).toEqual({ line: 2, column: 8 });
    }
    expect.assertions(3);
  });

  it('titles a step after its first line', () => {
    expect(defaultTitle('kubectl', 'get pods -n payments')).toBe('kubectl get pods -n payments');
    expect(defaultTitle('kubectl', 'kubectl get pods')).toBe('kubectl get pods');
    expect(defaultTitle('promql', 'sum(up)\n  by (job)')).toBe('promql sum(up)');
    expect(defaultTitle('sh', 'x'.repeat(80))).toHaveLength(60);
  });
});

describe('templated (params written back)', () => {
  const params: Array<[string, string]> = [['deployment', 'payment-gateway'], ['namespace', 'payments']];
  it.each([
    ['get pods -n payments -l app=payment-gateway', 'get pods -n {{namespace}} -l app={{deployment}}'],
    ['rollout restart deployment/payment-gateway', 'rollout restart deployment/{{deployment}}'],
    ['up{namespace="payments"}', 'up{namespace="{{namespace}}"}'],
    ['get pods -n payments-db', 'get pods -n payments-db'],
    ['get pods -n mypayments', 'get pods -n mypayments'],
  ])('`%s`', (body, expected) => {
    expect(templated(body, params)).toBe(expected);
  });
});

describe('unifiedDiff of insertions', () => {
  const lines = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
  it('gives hunks with three lines of context, merged when close, and applyInsertions the same text', () => {
    const insertions = [{ after: 1, lines: ['x'] }, { after: 10, lines: ['y', 'z'] }, { after: 0, lines: ['top'] }];
    expect(applyInsertions(lines, insertions)).toEqual(['top', 'a', 'x', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'y', 'z']);
    expect(unifiedDiff('f.md', lines, insertions)).toBe(
      ['--- a/f.md', '+++ b/f.md', '@@ -1,4 +1,6 @@', '+top', ' a', '+x', ' b', ' c', ' d', '@@ -8,3 +10,5 @@', ' h', ' i', ' j', '+y', '+z', ''].join('\n'),
    );
    expect(unifiedDiff('f.md', lines, [])).toBe('');
  });
});
