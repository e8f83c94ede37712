import { stepRole } from '../../steps/index.js';
import { openingLine } from '../locate.js';
import { defineRule } from '../rule.js';

/** Without a verifying check, nobody learns whether the mitigation worked until the pager goes off again. */
export default defineRule({
  meta: {
    id: 'mitigate-verify',
    description: 'A `mitigate` step with no verifying `check`.',
    severity: 'warn',
    messages: { missing: 'This mitigation has no verifying check; add a ```` ```check ```` fence that shows it worked (e.g. the error ratio back under its threshold)' },
  },
  check(context) {
    for (const step of context.runbook.steps) {
      if (stepRole(step.kind) === 'mitigation' && !step.mitigation?.check) {
        context.report({ messageId: 'missing', ...openingLine(context.lines, step.position.start.offset) });
      }
    }
  },
});
