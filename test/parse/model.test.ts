import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parse/index.js';
import type { Runbook } from '../../src/parse/model.js';
import { md } from './helpers.js';

const FRONT = md('---', 'title: Gateway', 'service: payment-gateway', 'severity: critical', 'alerts: GatewayDown', 'owners: [payments, sre]',
  'params:', '  ns: { default: payments, pattern: "^[a-z]+$", required: true }', 'prometheus: http://127.0.0.1:9090', 'namespace: payments', 'weight: 10', '---');

const FENCED = FRONT + md(
  '# Gateway',
  '',
  '## Diagnose',
  '',
  'Look at the *ratio*.',
  '',
  '- then this',
  '',
  '```promql {#ratio title="5xx ratio" range=30m}',
  'sum(rate(http_requests_total{status=~"5.."}[5m]))',
  '```',
  '',
  '```kubectl',
  'get pods -n {{ns}}',
  '```',
  '',
  '## Verify',
  '',
  '```check {expect="< 0.05" on-fail=stop}',
  'job:ratio{a="b"}',
  '```',
  '',
  '```mitigate {#scale title="Scale"}',
  'kubectl scale deploy/x --replicas=3',
  '```',
  '',
  '```sh {#curl}',
  'curl -fsS http://127.0.0.1/ | head',
  '```',
);

const DIRECTIVE = FRONT + md(
  '# Gateway',
  '',
  '## Diagnose',
  '',
  'Look at the *ratio*.',
  '',
  '- then this',
  '',
  ':::promql{#ratio title="5xx ratio" range=30m}',
  'sum(rate(http_requests_total{status=~"5.."}[5m]))',
  ':::',
  '',
  ':::kubectl',
  'get pods -n {{ns}}',
  ':::',
  '',
  '## Verify',
  '',
  ':::check{expect="< 0.05" on-fail=stop}',
  'job:ratio{a="b"}',
  ':::',
  '',
  ':::mitigate{#scale title="Scale"}',
  'kubectl scale deploy/x --replicas=3',
  ':::',
  '',
  ':::sh{#curl}',
  'curl -fsS http://127.0.0.1/ | head',
  ':::',
);

/** The model without what legitimately differs between the forms. */
function comparable(runbook: Runbook): unknown {
  return JSON.parse(
    JSON.stringify(runbook, (key, value) => (key === 'form' || key === 'position' || key === 'bodyPosition' || key === 'frontmatterPosition' ? undefined : value)),
  );
}

describe('the Runbook model', () => {
  it('directive and fenced forms give the same model', () => {
    const fenced = parseRunbook(FENCED);
    const directive = parseRunbook(DIRECTIVE);
    expect(fenced.file.messages).toEqual([]);
    expect(directive.file.messages).toEqual([]);
    expect(comparable(directive.runbook)).toEqual(comparable(fenced.runbook));
    expect(fenced.runbook.steps.map((s) => s.form)).toEqual(Array(5).fill('fence'));
    expect(directive.runbook.steps.map((s) => s.form)).toEqual(Array(5).fill('directive'));
  });

  it('normalises the front matter and keeps unknown keys in extra', () => {
    const { meta } = parseRunbook(FENCED).runbook;
    expect(meta).toEqual({
      title: 'Gateway',
      service: 'payment-gateway',
      severity: 'critical',
      alerts: ['GatewayDown'],
      owners: ['payments', 'sre'],
      params: { ns: { default: 'payments', pattern: '^[a-z]+$', required: true } },
      prometheus: 'http://127.0.0.1:9090',
      namespace: 'payments',
      extra: { weight: 10 },
    });
  });

  it('steps carry ids, titles, attributes, sections and prose in document order', () => {
    const { runbook } = parseRunbook(FENCED, { path: 'gw.md' });
    expect(runbook.path).toBe('gw.md');
    expect(runbook.steps.map((s) => [s.id, s.idExplicit, s.kind, s.title, s.section.join(' > ')])).toEqual([
      ['ratio', true, 'promql', '5xx ratio', 'Gateway > Diagnose'],
      ['kubectl-1', false, 'kubectl', undefined, 'Gateway > Diagnose'],
      ['check-1', false, 'check', undefined, 'Gateway > Verify'],
      ['scale', true, 'mitigate', 'Scale', 'Gateway > Verify'],
      ['curl', true, 'sh', undefined, 'Gateway > Verify'],
    ]);
    expect(runbook.steps[0]!.attributes).toEqual({ title: '5xx ratio', range: '30m' });
    expect(runbook.steps[2]!.attributes).toEqual({ expect: '< 0.05', 'on-fail': 'stop' });
    expect(runbook.steps[0]!.proseBefore.map((p) => p.text)).toEqual(['Look at the *ratio*.', '- then this']);
    expect(runbook.steps[1]!.proseBefore).toEqual([]);
    const [prose] = runbook.steps[0]!.proseBefore;
    expect(FENCED.slice(prose!.position.start.offset, prose!.position.end.offset)).toBe(prose!.text);
  });

  it('builds the section tree from headings', () => {
    const { sections } = parseRunbook(FENCED).runbook;
    expect(sections.title).toBe('Gateway');
    expect(sections.children.map((s) => [s.title, s.depth, s.children.map((c) => c.title)])).toEqual([['Gateway', 1, ['Diagnose', 'Verify']]]);
  });

  it('takes the title from the first H1 when the front matter has none', () => {
    const { runbook, file } = parseRunbook(md('Intro.', '', '# From the *heading*', '', '# Second'));
    expect(file.messages).toEqual([]);
    expect(runbook.meta.title).toBe('From the heading');
  });

  it('generated ids skip ids written explicitly', () => {
    const { runbook, file } = parseRunbook(md('# T', '', '```promql', 'up', '```', '', '```promql {#promql-1}', 'up', '```'));
    expect(file.messages).toEqual([]);
    expect(runbook.steps.map((s) => s.id)).toEqual(['promql-2', 'promql-1']);
  });

  it('reads `promql{#id}` (no space before the block) like `promql {#id}`', () => {
    const { runbook, file } = parseRunbook(md('# T', '', '```promql{#x title="a &amp; b"}', 'up', '```'));
    expect(file.messages).toEqual([]);
    expect(runbook.steps[0]).toMatchObject({ id: 'x', title: 'a & b' });
  });

  it('a step fence inside a list or blockquote is still a step', () => {
    const { runbook } = parseRunbook(md('# T', '', '1. First:', '', '   ```promql {#a}', '   up', '   ```', '', '> ```kubectl', '> get pods', '> ```'));
    expect(runbook.steps.map((s) => [s.id, s.body])).toEqual([['a', 'up'], ['kubectl-1', 'get pods']]);
    expect(runbook.steps[0]!.proseBefore.map((p) => p.text)).toEqual(['First:']);
  });
});
