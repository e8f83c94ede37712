import checkExpectation from '../../../src/lint/rules/check-expectation.js';
import promqlSyntax from '../../../src/lint/rules/promql-syntax.js';
import templateUndefined from '../../../src/lint/rules/template-undefined.js';
import { md, ruleTester } from '../rule-tester.js';

const promql = (query: string, attributes = '{#q}') => md('# T', '', `\`\`\`promql ${attributes}`, query, '```');
const params = (...names: string[]) => ['---', 'title: T', 'params:', ...names.map((name) => `  ${name}: {}`), '---', ''];

ruleTester(promqlSyntax, {
  valid: [
    promql('sum(rate(http_requests_total{status=~"5.."}[5m]))'),
    promql('up{namespace="{{namespace}}"} == 0'),
    promql('rate(x[{{window}}]) offset {{ago}}'),
    promql('histogram_quantile(0.95,\n  sum by (le) (rate(http_request_duration_seconds_bucket[5m])))'),
    md('# T', '', '```check {#c run=kubectl}', 'kubectl get pods', '```'),
  ],
  invalid: [
    { code: promql('sum(rate(x[5m])'), errors: [{ messageId: 'incomplete', line: 4, column: 15, endColumn: 16 }] },
    { code: promql('up ==== 0'), errors: [{ messageId: 'unexpected', line: 4, column: 6 }] },
    { code: promql('sum(rate(x[5m]))\n  / sum(rate(y[5m]))) by (a)'), errors: [{ messageId: 'unexpected', line: 5, column: 21, endColumn: 22 }] },
    { code: md('# T', '', '```check {#c expect="< 1"}', 'rate(x[5m]) >', '```'), errors: [{ messageId: 'incomplete', line: 4, column: 13 }] },
    {
      name: 'the verifying check of a mitigate',
      code: md('# T', '', ':::mitigate{#m}', '```kubectl', 'kubectl -n p rollout restart deploy/x', '```', '', '```check', 'sum(rate(x[5m]) < 1', '```', ':::'),
      errors: [{ messageId: 'incomplete', line: 9, column: 19 }],
    },
  ],
});

ruleTester(templateUndefined, {
  valid: [
    md(...params('namespace'), '```promql {#q}', 'up{namespace="{{namespace}}"}', '```'),
    md('# T', '', '```promql {#a capture="pod=label:pod; ratio=value"}', 'up', '```', '', '```kubectl {#b}', 'kubectl -n p logs {{steps.a.pod}}', '```'),
    md('# T', '', '```kubectl {#k}', "kubectl get pods -o go-template='{{.metadata.name}}'", '```'),
    md('# T', '', '```sh {#s}', 'echo \\{{literal}}', '```'),
  ],
  invalid: [
    { code: promql('up{namespace="{{namespace}}"}'), errors: [{ messageId: 'param', line: 4, column: 15, endColumn: 28 }] },
    { code: md('# T', '', '```kubectl {#b}', 'kubectl logs {{steps.a.pod}}', '```'), errors: [{ messageId: 'noStep', line: 4, column: 14 }] },
    {
      code: md('# T', '', '```kubectl {#b}', 'kubectl logs {{steps.a.pod}}', '```', '', '```promql {#a capture="pod=label:pod"}', 'up', '```'),
      errors: [{ messageId: 'laterStep', line: 4, column: 14 }],
    },
    {
      code: md('# T', '', '```promql {#a capture="pod=label:pod"}', 'up', '```', '', '```kubectl {#b}', 'kubectl logs {{steps.a.node}}', '```'),
      errors: [{ messageId: 'noCapture', line: 8, column: 14 }],
    },
    { code: md('# T', '', '```kubectl {#b namespace="{{ns}}"}', 'kubectl get pods', '```'), errors: [{ messageId: 'param', line: 3, column: 1 }] },
  ],
});

ruleTester(checkExpectation, {
  valid: [
    md('# T', '', '```check {#c expect="< 0.05"}', 'up', '```'),
    md('# T', '', '```check {#c expect=empty}', 'up', '```'),
    md('# T', '', '```promql {#a}', 'up', '```', '', '```check {#c of=a expect="> 0"}', '```'),
  ],
  invalid: [
    { code: md('# T', '', '```check {#c expect="about 3"}', 'up', '```'), errors: [{ messageId: 'expect', line: 3, column: 14, endColumn: 30 }] },
    { code: md('# T', '', '```check {#c of=nope}', '```'), errors: [{ messageId: 'noStep', line: 3, column: 14, endColumn: 21 }] },
    { code: md('# T', '', '```check {#c of=c}', '```'), errors: [{ messageId: 'self', line: 3, column: 14 }] },
    { code: md('# T', '', '```check {#c of=a}', '```', '', '```promql {#a}', 'up', '```'), errors: [{ messageId: 'laterStep', line: 3, column: 14 }] },
    {
      name: 'the check of a mitigate',
      code: md('# T', '', ':::mitigate{#m}', '```kubectl', 'kubectl -n p rollout restart deploy/x', '```', '```check {expect="=< 1"}', 'up', '```', ':::'),
      errors: [{ messageId: 'expect', line: 7, column: 11 }],
    },
  ],
});
