import { openingLine } from '../locate.js';
import { defineRule } from '../rule.js';

/** Teams that want one look across their runbooks pick one of the two step forms. */
export default defineRule<{ form: 'directive' | 'fence' }>({
  meta: {
    id: 'step-form',
    description: 'Steps written in the other form than the configured one (`:::kind{…}` directive or ```` ```kind {…} ```` fence).',
    severity: 'off',
    schema: { type: 'object', properties: { form: { enum: ['directive', 'fence'] } }, additionalProperties: false },
    defaultOptions: { form: 'fence' },
    messages: {
      useFence: 'This step is a `:::{kind}` container; this project writes steps as fences: ```` ```{kind} {…} ````',
      useDirective: 'This step is a ```` ```{kind} ```` fence; this project writes steps as `:::{kind}{…}` containers',
    },
  },
  check(context) {
    const wanted = context.options.form;
    for (const step of context.runbook.steps) {
      if (step.form === wanted) continue;
      // A long mitigation holds fences, so only a container can express it.
      if (wanted === 'fence' && step.mitigation && !step.mitigation.short) continue;
      context.report({ messageId: wanted === 'fence' ? 'useFence' : 'useDirective', data: { kind: step.kind }, ...openingLine(context.lines, step.position.start.offset) });
    }
  },
});
