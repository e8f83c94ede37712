import type { Attributes, Position } from '../../model/index.js';
import { checkAttributes, type AttributeSpec } from '../../steps/definition.js';
import { definitionOf, checkAttributeSpecs, actionAttributes } from '../../steps/index.js';
import { attributeOrLine } from '../locate.js';
import { defineRule } from '../rule.js';

/** An attribute the executor does not know is silently ignored at run time: usually a typo of one it does. */
export default defineRule({
  meta: {
    id: 'step-attributes',
    description: 'Unknown attributes, and attribute values a step kind does not accept, with a "did you mean" suggestion.',
    severity: 'error',
    messages: { unknown: '{message}', invalid: '{message}' },
  },
  check(context) {
    const blocks: { attributes: Attributes; position: Position; specs: Readonly<Record<string, AttributeSpec>>; what: string }[] = [];
    for (const step of context.runbook.steps) {
      blocks.push({ attributes: step.attributes, position: step.position, specs: definitionOf(step.kind).attributes, what: `a \`${step.kind}\` step` });
      if (!step.mitigation || step.mitigation.short) continue;
      const { actions, rollback, check } = step.mitigation;
      for (const action of [...actions, ...rollback]) {
        blocks.push({ attributes: action.attributes, position: action.position, specs: actionAttributes, what: `a \`${action.kind}\` action of a \`mitigate\`` });
      }
      if (check) blocks.push({ attributes: check.attributes, position: check.position, specs: checkAttributeSpecs, what: 'the `check` of a `mitigate`' });
    }
    for (const block of blocks) {
      for (const problem of checkAttributes(block.attributes, block.specs, block.what)) {
        context.report({ messageId: problem.type, data: { message: problem.message }, ...attributeOrLine(context.lines, block.position.start.offset, problem.key) });
      }
    }
  },
});
