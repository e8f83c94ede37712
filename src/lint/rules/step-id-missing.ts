import { openingLine } from '../locate.js';
import { defineRule } from '../rule.js';

/** Generated ids shift when steps are added, which breaks `of=`, captures, `--approve` and resumed timelines. */
export default defineRule({
  meta: {
    id: 'step-id-missing',
    description: 'A step without an explicit `#id`.',
    severity: 'warn',
    messages: { missing: 'This `{kind}` step has no `#id` (it gets `{generated}`, which changes when steps move); add one, e.g. {example}' },
  },
  check(context) {
    for (const step of context.runbook.steps) {
      if (step.idExplicit) continue;
      const example = step.form === 'directive' ? `\`:::${step.kind}{#my-id}\`` : `\`\`\`\` \`\`\`${step.kind} {#my-id} \`\`\`\``;
      context.report({ messageId: 'missing', data: { kind: step.kind, generated: step.id, example }, ...openingLine(context.lines, step.position.start.offset) });
    }
  },
});
