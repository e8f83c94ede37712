import { stepRole } from '../../steps/index.js';
import { openingLine } from '../locate.js';
import { defineRule } from '../rule.js';

/** A mitigation that makes things worse needs a way back that was thought of before the incident. */
export default defineRule({
  meta: {
    id: 'mitigate-rollback',
    description: 'A `mitigate` step with no `{rollback}` command.',
    severity: 'off',
    messages: { missing: 'This mitigation has no rollback; add a command fence marked `{rollback}` that undoes it' },
  },
  check(context) {
    for (const step of context.runbook.steps) {
      if (stepRole(step.kind) === 'mitigation' && (step.mitigation?.rollback.length ?? 0) === 0) {
        context.report({ messageId: 'missing', ...openingLine(context.lines, step.position.start.offset) });
      }
    }
  },
});
