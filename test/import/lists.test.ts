/**
 * Fences in list items: converted where they are, the list kept, and the file renders as it did on GitHub.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importRunbook } from '../../src/import/index.js';
import { lintRunbook } from '../../src/lint/index.js';
import { parseRunbook } from '../../src/parse/index.js';
import { FIXTURES } from './helpers.js';
import { renderedStructure } from './render.js';

const errorsOf = async (text: string): Promise<string[]> =>
  (await lintRunbook(text, { path: 'x.md' })).messages.filter((m) => m.severity === 2).map((m) => `${m.line}:${m.column} ${m.ruleId} ${m.message}`);

describe('the incident-debugging guide template (numbered lists under Investigation and Mitigation)', () => {
  const input = readFileSync(path.join(FIXTURES, 'list-template.md'), 'utf8');
  const { output, report } = importRunbook(input, { path: 'list-template.md' });

  it('types every fence: kubectl, promql, sh (pipe to grep), and a mitigate verified by the recovery query', () => {
    expect(report.steps.map((s) => [s.kind, s.id, s.line, s.verify])).toEqual([
      ['kubectl', 'get-pods', 17, undefined],
      ['promql', 'http-requests-total', 23, undefined],
      ['sh', 'logs-deploy-checkout-api', 31, undefined],
      ['mitigate', 'rollout-restart-deployment-checkout-api', 39, 45],
    ]);
    expect(report.prose).toEqual([]);
    const { runbook, file } = parseRunbook(output, { path: 'list-template.md' });
    expect(file.messages.filter((m) => m.fatal)).toEqual([]);
    const restart = runbook.steps.find((s) => s.kind === 'mitigate')!;
    expect(restart.mitigation?.actions.map((a) => [a.kind, a.body])).toEqual([['kubectl', 'kubectl rollout restart deployment/checkout-api -n checkout']]);
    expect(restart.mitigation?.check?.attributes).toEqual({ expect: '< 0.01' });
    expect(restart.mitigation?.check?.body).toContain('sum(rate(http_requests_total{service="checkout-api"}[5m]))');
  });

  it('keeps the lists: same HTML apart from the fences, lints with no error, is a fixed point', async () => {
    expect(renderedStructure(output)).toBe(renderedStructure(input));
    expect(renderedStructure(input)).toContain('<ol>');
    expect(await errorsOf(output)).toEqual([]);
    expect(importRunbook(output).output).toBe(output);
  });
});

describe('fences in list items', () => {
  const cases: Array<[string, string, string[]]> = [
    ['fence in a nested list item', '# T\n\n- Outer\n  1. Inner:\n\n     ```bash\n     kubectl get nodes\n     ```\n', ['kubectl']],
    ['tight list, console fence split into steps and output', '# T\n\n- Check:\n  ```console\n  $ kubectl get pods -n x\n  NAME READY\n  $ kubectl get svc -n x\n  ```\n- Done\n', ['kubectl', 'kubectl']],
    ['fence indented deeper than the item content', '# T\n\n1. Run:\n\n     ```\n     kubectl get pods -n x\n     ```\n', ['kubectl']],
    ['promql in a bullet', '# T\n\n* Query:\n\n  ```promql\n  up{job="x"} == 0\n  ```\n', ['promql']],
    ['mitigate and its verification in one item', '# Mitigation\n\n1. Scale up, then verify recovery:\n\n   ```sh\n   kubectl scale deploy/x -n x --replicas=3\n   ```\n\n   Verify:\n\n   ```promql\n   sum(up{job="x"}) >= 3\n   ```\n2. Next\n', ['mitigate']],
  ];
  it.each(cases)('%s', async (_name, input, kinds) => {
    const { output, report } = importRunbook(input);
    expect(report.steps.map((s) => s.kind)).toEqual(kinds);
    expect(renderedStructure(output)).toBe(renderedStructure(input));
    expect(await errorsOf(output)).toEqual([]);
    expect(importRunbook(output).output).toBe(output);
  });

  it('a fence in a block quote stays prose (nested)', () => {
    const { report } = importRunbook('# T\n\n> ```bash\n> kubectl get pods -n x\n> ```\n');
    expect(report.steps).toEqual([]);
    expect(report.prose.map((p) => p.reason)).toEqual(['nested']);
  });

  it('a fence that loses its indentation before closing is unclosed, not a step', () => {
    const { report } = importRunbook('# T\n\n1. Run:\n\n   ```bash\nkubectl get pods\n   ```\n');
    expect(report.steps.map((s) => s.kind)).not.toContain('kubectl');
  });
});
