import fenceCouldBeStep from '../../../src/lint/rules/fence-could-be-step.js';
import frontmatterSchema from '../../../src/lint/rules/frontmatter-schema.js';
import mitigateRollback from '../../../src/lint/rules/mitigate-rollback.js';
import mitigateVerify from '../../../src/lint/rules/mitigate-verify.js';
import requiredSections from '../../../src/lint/rules/required-sections.js';
import stepAttributes from '../../../src/lint/rules/step-attributes.js';
import stepForm from '../../../src/lint/rules/step-form.js';
import stepIdMissing from '../../../src/lint/rules/step-id-missing.js';
import stepIdUnique from '../../../src/lint/rules/step-id-unique.js';
import { md, ruleTester } from '../rule-tester.js';

const action = ['```kubectl', 'kubectl -n p rollout restart deploy/x', '```'];
const check = ['```check {expect="< 1"}', 'up', '```'];
const rollback = ['```kubectl {rollback}', 'kubectl -n p rollout undo deploy/x', '```'];

ruleTester(frontmatterSchema, {
  valid: [
    md('---', 'title: T', 'namespace: p', 'alerts: [A]', '---', '', '# T'),
    md('# T'),
    { name: 'static-site keys are allowed by default', code: md('---', 'title: T', 'weight: 20', 'bookHidden: true', '---', '', '# T') },
    { name: 'allowKeys extends what is allowed', code: md('---', 'title: T', 'x-team: pay', '---', '', '# T'), options: { allowKeys: ['x-team'] } },
  ],
  invalid: [
    { code: md('---', 'title: T', 'namspace: p', '---', '', '# T'), errors: [{ messageId: 'unknownKey', line: 3, column: 1, endColumn: 9 }] },
    { name: 'allowKeys replaces the default list', code: md('---', 'title: T', 'weight: 1', '---', '', '# T'), options: { allowKeys: [] }, errors: [{ messageId: 'unknownKey', line: 3, column: 1 }] },
    { name: 'type errors come from the parser, under this rule', code: md('---', 'title: T', 'alerts: 3', '---', '', '# T'), errors: [{ messageId: undefined as unknown as string, line: 3, column: 9 }] },
  ],
});

ruleTester(stepAttributes, {
  valid: [md('# T', '', '```promql {#q range=30m step=1m}', 'up', '```'), md('# T', '', ':::mitigate{#m within=5m}', ...action, ...check, ...rollback, ':::')],
  invalid: [
    { code: md('# T', '', '```promql {#q rnage=30m}', 'up', '```'), errors: [{ messageId: 'unknown', line: 3, column: 15, endColumn: 24 }] },
    { code: md('# T', '', '```promql {#q range=soon}', 'up', '```'), errors: [{ messageId: 'invalid', line: 3, column: 15, endColumn: 25 }] },
    { code: md('# T', '', ':::check{#c on-fail=halt}', 'up', ':::'), errors: [{ messageId: 'invalid', line: 3, column: 13 }] },
    { code: md('# T', '', ':::mitigate{#m}', '```kubectl {rolback}', 'kubectl -n p rollout undo deploy/x', '```', ':::'), errors: [{ messageId: 'unknown', line: 4, column: 13 }] },
  ],
});

ruleTester(stepIdMissing, {
  valid: [md('# T', '', '```promql {#q}', 'up', '```')],
  invalid: [
    { code: md('# T', '', '```promql', 'up', '```'), errors: [{ messageId: 'missing', line: 3, column: 1, endColumn: 10 }] },
    { code: md('# T', '', ':::check{expect="< 1"}', 'up', ':::'), errors: [{ messageId: 'missing', line: 3, column: 1 }] },
  ],
});

ruleTester(stepIdUnique, {
  valid: [md('# T', '', '```promql {#a}', 'up', '```', '```promql {#b}', 'up', '```')],
  invalid: [{ code: md('# T', '', '```promql {#a}', 'up', '```', '', '```promql {#a}', 'up', '```'), errors: [{ messageId: 'duplicate', line: 7, column: 12, endColumn: 14 }] }],
});

ruleTester(mitigateVerify, {
  valid: [md('# T', '', ':::mitigate{#m}', ...action, ...check, ':::')],
  invalid: [
    { code: md('# T', '', ':::mitigate{#m}', ...action, ':::'), errors: [{ messageId: 'missing', line: 3, column: 1, endColumn: 16 }] },
    { name: 'short form', code: md('# T', '', '```mitigate {#m}', 'kubectl -n p rollout restart deploy/x', '```'), errors: [{ messageId: 'missing', line: 3, column: 1 }] },
  ],
});

ruleTester(mitigateRollback, {
  valid: [md('# T', '', ':::mitigate{#m}', ...action, ...rollback, ':::')],
  invalid: [{ code: md('# T', '', ':::mitigate{#m}', ...action, ':::'), errors: [{ messageId: 'missing', line: 3, column: 1 }] }],
});

ruleTester(requiredSections, {
  valid: [
    md('# T', '## symptoms', '### Diagnosis', '## MITIGATION'),
    md('# T', '## Symptoms', '## Investigation', '## Mitigation'),
    { code: md('# T', '## Impact'), options: { sections: ['Impact'] } },
    { name: 'the alert-runbook convention passes by default', code: md('# T', '## Meaning', '## Impact', '## Diagnosis', '## Mitigation') },
    { name: 'synonyms: Detection, Troubleshooting, Remediation', code: md('# T', '## Detection', '## Troubleshooting', '## Remediation') },
    { name: 'synonyms: Overview, Investigation, Resolution', code: md('# T', '## Overview', '## Impact', '## Investigation', '## Resolution') },
    { name: 'a heading that starts with the title as a word', code: md('# T', '## Symptoms:', '## Troubleshooting pointers', '## Mitigation steps') },
    { name: 'preset: alert', code: md('# T', '## Description', '## Impact', '## Diagnosis', '## Mitigation'), options: { preset: 'alert' } },
    { name: 'sections replace the preset', code: md('# T', '## Escalation'), options: { preset: 'alert', sections: ['Escalation'] } },
  ],
  invalid: [
    { code: md('# T', '## Symptoms', '## Mitigation'), errors: [{ messageId: 'missing', line: 1, column: 1, endColumn: 4 }] },
    { name: 'the closest convention is reported: alert, missing Impact', code: md('# T', '## Meaning', '## Diagnosis', '## Mitigation'), errors: [{ messageId: 'missing', line: 1, column: 1 }] },
    { name: 'preset: incident rejects an alert runbook', code: md('# T', '## Meaning', '## Impact', '## Diagnosis', '## Mitigation'), options: { preset: 'incident' }, errors: [{ messageId: 'missing', line: 1, column: 1 }] },
    { name: 'preset: alert rejects an incident runbook', code: md('# T', '## Symptoms', '## Investigation', '## Mitigation'), options: { preset: 'alert' }, errors: [{ messageId: 'missing', line: 1, column: 1 }, { messageId: 'missing', line: 1, column: 1 }] },
    { name: 'a word prefix is not a match', code: md('# T', '## Symptomsx', '## Investigation', '## Mitigation'), errors: [{ messageId: 'missing', line: 1, column: 1 }] },
    { code: md('# T'), options: { sections: ['Impact', ['A', 'B']] }, errors: [{ messageId: 'missing', line: 1, column: 1 }, { messageId: 'missing', line: 1, column: 1 }] },
  ],
});

ruleTester(stepForm, {
  valid: [
    md('# T', '', '```promql {#q}', 'up', '```'),
    { name: 'a long mitigation can only be a container', code: md('# T', '', ':::mitigate{#m}', ...action, ':::') },
    { code: md('# T', '', ':::promql{#q}', 'up', ':::'), options: { form: 'directive' } },
  ],
  invalid: [
    { code: md('# T', '', ':::promql{#q}', 'up', ':::'), errors: [{ messageId: 'useFence', line: 3, column: 1, endColumn: 14 }] },
    { code: md('# T', '', '```promql {#q}', 'up', '```'), options: { form: 'directive' }, errors: [{ messageId: 'useDirective', line: 3, column: 1 }] },
  ],
});

ruleTester(fenceCouldBeStep, {
  valid: [
    md('# T', '', '```bash', 'echo hello', '```'),
    md('# T', '', '```', 'just some words', '```'),
    md('# T', '', '```', 'kubectl', '```'),
    md('# T', '', '```kubectl {#k}', 'kubectl -n p get pods', '```'),
    md('# T', '', '```yaml', 'a: b', '```'),
  ],
  invalid: [
    { code: md('# T', '', '```bash', 'kubectl -n p get pods', '```'), errors: [{ messageId: 'kubectl', line: 3, column: 1, endColumn: 8 }] },
    { code: md('# T', '', '```console', '$ kubectl -n p get pods', 'NAME READY', '```'), errors: [{ messageId: 'kubectl', line: 3, column: 1 }] },
    { code: md('# T', '', '- item', '', '  ```', '  rate(http_requests_total{status="500"}[5m])', '  ```'), errors: [{ messageId: 'promql', line: 5, column: 3 }] },
  ],
});
