import type { Attributes, Position } from '../../model/index.js';
import { isExpectError, parseExpect } from '../../steps/expect.js';
import { stepRole } from '../../steps/index.js';
import { attributeOrLine } from '../locate.js';
import { defineRule } from '../rule.js';

/** A check that cannot be evaluated fails at run time; its expectation and target are known before. */
export default defineRule({
  meta: {
    id: 'check-expectation',
    description: 'A check whose `expect` does not parse, or whose `of=` names a missing or later step.',
    severity: 'error',
    messages: {
      expect: '{message}',
      noStep: '`of={step}` names no step; expected the id of an earlier step',
      laterStep: '`of={step}` names a step that comes later; a check can only assert on an earlier step',
      self: '`of={step}` names this check itself; expected the id of an earlier step',
    },
  },
  check(context) {
    const { steps } = context.runbook;
    const index = new Map<string, number>();
    steps.forEach((step, i) => {
      if (!index.has(step.id)) index.set(step.id, i);
    });
    steps.forEach((step, i) => {
      const checks: { attributes: Attributes; position: Position }[] = [];
      if (stepRole(step.kind) === 'check') checks.push({ attributes: step.attributes, position: step.position });
      // A mitigation's verifying check (only a kind whose body holds a mitigation has one).
      if (step.mitigation?.check) checks.push(step.mitigation.check);
      for (const { attributes, position } of checks) {
        const at = (key: string) => attributeOrLine(context.lines, position.start.offset, key);
        if (attributes.expect !== undefined) {
          const parsed = parseExpect(attributes.expect);
          if (isExpectError(parsed)) context.report({ messageId: 'expect', data: { message: parsed.message }, ...at('expect') });
        }
        const of = attributes.of;
        if (of !== undefined) {
          const target = index.get(of);
          const messageId = target === undefined ? 'noStep' : target === i ? 'self' : target > i ? 'laterStep' : undefined;
          if (messageId) context.report({ messageId, data: { step: of }, ...at('of') });
        }
      }
    });
  },
});
