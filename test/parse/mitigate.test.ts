import { describe, expect, it } from 'vitest';
import { parseRunbook } from '../../src/parse/index.js';
import { md } from './helpers.js';

const LONG = md(
  '# T',
  '',
  'Before the mitigation.',
  '',
  ':::mitigate{#restart title="Restart" within=10m}',
  'Restarting drops connections.',
  '',
  '```kubectl {title="Restart it"}',
  'kubectl rollout restart deployment/payment-gateway',
  '```',
  '',
  '```bash',
  'echo "restarted" | logger',
  '```',
  '',
  '```check {expect="< 0.05"}',
  'sum(rate(http_requests_total{status=~"5.."}[5m]))',
  '```',
  '',
  '```kubectl {rollback}',
  'kubectl rollout undo deployment/payment-gateway',
  '```',
  ':::',
);

describe('mitigate', () => {
  it('long form: actions, check and rollback from inner fences, one gated step', () => {
    const { runbook, file } = parseRunbook(LONG);
    expect(file.messages).toEqual([]);
    expect(runbook.steps).toHaveLength(1);
    const [step] = runbook.steps;
    expect(step).toMatchObject({ id: 'restart', kind: 'mitigate', title: 'Restart', attributes: { title: 'Restart', within: '10m' } });
    expect(step!.proseBefore.map((p) => p.text)).toEqual(['Before the mitigation.']);
    const m = step!.mitigation!;
    expect(m.short).toBe(false);
    expect(m.actions.map((a) => [a.kind, a.body, a.attributes])).toEqual([
      ['kubectl', 'kubectl rollout restart deployment/payment-gateway', { title: 'Restart it' }],
      ['sh', 'echo "restarted" | logger', {}],
    ]);
    expect(m.check).toMatchObject({ body: 'sum(rate(http_requests_total{status=~"5.."}[5m]))', attributes: { expect: '< 0.05' } });
    expect(m.rollback.map((a) => [a.kind, a.body, a.attributes])).toEqual([
      ['kubectl', 'kubectl rollout undo deployment/payment-gateway', { rollback: '' }],
    ]);
    for (const part of [...m.actions, m.check!, ...m.rollback]) {
      expect(LONG.slice(part.bodyPosition.start.offset, part.bodyPosition.end.offset)).toBe(part.body);
    }
    // The step body is the whole inner source, prose and fences.
    expect(step!.body.startsWith('Restarting drops connections.\n\n```kubectl')).toBe(true);
    expect(step!.body.endsWith('kubectl rollout undo deployment/payment-gateway\n```')).toBe(true);
  });

  it('short form, directive: one kubectl command, kind from its first word', () => {
    const source = md('# T', '', ':::mitigate{#scale}', '  kubectl scale deploy/x --replicas=3', ':::');
    const { runbook, file } = parseRunbook(source);
    expect(file.messages).toEqual([]);
    const m = runbook.steps[0]!.mitigation!;
    expect(m).toMatchObject({ short: true, rollback: [], actions: [{ kind: 'kubectl', body: 'kubectl scale deploy/x --replicas=3' }] });
    expect(m.check).toBeUndefined();
    const [action] = m.actions;
    expect(source.slice(action!.bodyPosition.start.offset, action!.bodyPosition.end.offset)).toBe(action!.body);
    expect(action!.bodyPosition.start).toMatchObject({ line: 4, column: 3 });
  });

  it('short form, fenced: `run=` picks the runner; otherwise a non-kubectl command is sh', () => {
    const { runbook, file } = parseRunbook(
      md('# T', '', '```mitigate {#a run=kubectl}', 'scale deploy/x --replicas=3', '```', '', '```mitigate {#b}', 'systemctl restart gw', '```'),
    );
    expect(file.messages).toEqual([]);
    expect(runbook.steps.map((s) => [s.id, s.mitigation?.short, s.mitigation?.actions[0]?.kind])).toEqual([
      ['a', true, 'kubectl'],
      ['b', true, 'sh'],
    ]);
  });

  it('short-form kubectl commands get the kubectl rules, positioned', () => {
    const [message] = parseRunbook(md('# T', '', ':::mitigate{#a}', 'kubectl delete pod x && echo ok', ':::')).file.messages;
    expect([message?.ruleId, message?.line, message?.column]).toEqual(['kubectl-shell-syntax', 4, 22]);
  });

  it('inner fences are not separate steps, and an action fence takes action attributes only', () => {
    const { runbook, file } = parseRunbook(md('# T', '', ':::mitigate{#m}', '```sh {#x capture="a=b"}', 'echo', '```', ':::'));
    expect(runbook.steps).toHaveLength(1);
    expect(file.messages.map((m) => [m.ruleId, `${m.line}:${m.column}`])).toEqual([
      ['unknown-attribute', '4:8'],
      ['unknown-attribute', '4:11'],
    ]);
  });

  it('prose fences inside a mitigation stay prose', () => {
    const { runbook, file } = parseRunbook(md('# T', '', ':::mitigate{#m}', 'The patch:', '', '```yaml', 'a: 1', '```', '', '```kubectl', 'apply -f x.yaml', '```', ':::'));
    expect(file.messages).toEqual([]);
    expect(runbook.steps[0]!.mitigation!.actions.map((a) => a.body)).toEqual(['apply -f x.yaml']);
  });
});
