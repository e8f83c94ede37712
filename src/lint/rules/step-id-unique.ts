import { locateId, openingLine } from '../locate.js';
import { defineRule } from '../rule.js';

/** Ids name steps in captures, `of=`, `--approve` and the timeline: two steps with one id make all of those ambiguous. */
export default defineRule({
  meta: {
    id: 'step-id-unique',
    description: 'Two steps with the same `#id`.',
    severity: 'error',
    messages: { duplicate: 'Step id `{id}` is already used by the step on line {line}; step ids must be unique' },
  },
  check(context) {
    const first = new Map<string, number>();
    for (const step of context.runbook.steps) {
      if (!step.idExplicit) continue;
      const line = first.get(step.id);
      if (line === undefined) {
        first.set(step.id, step.position.start.line);
        continue;
      }
      const at = locateId(context.lines, step.position.start.offset, step.id) ?? openingLine(context.lines, step.position.start.offset);
      context.report({ messageId: 'duplicate', data: { id: step.id, line }, ...at });
    }
  },
});
