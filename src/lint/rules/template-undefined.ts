import type { Step } from '../../model/index.js';
import { findPlaceholders } from '../../steps/template.js';
import { defineRule, type RuleContext } from '../rule.js';
import { openingLine } from '../locate.js';

/** Names bound by a step's `capture="name=expr; other=expr"` attribute. */
export function captureNames(step: Step): string[] {
  const capture = step.attributes.capture;
  if (capture === undefined) return [];
  return capture
    .split(';')
    .map((part) => /^\s*([A-Za-z_][\w-]*)\s*=/.exec(part)?.[1])
    .filter((name): name is string => name !== undefined);
}

/** The texts of a step that are rendered as templates, with their offsets in the source. */
function templatedTexts(step: Step): { text: string; start: number }[] {
  if (step.mitigation && !step.mitigation.short) {
    // A long mitigate's body holds prose too; only its fences are rendered.
    const { actions, check, rollback } = step.mitigation;
    return [...actions, ...rollback, ...(check ? [check] : [])].map((part) => ({ text: part.body, start: part.bodyPosition.start.offset }));
  }
  return [{ text: step.body, start: step.bodyPosition.start.offset }];
}

/** A placeholder without a value stops the run at that step; lint finds it before anyone runs it. */
export default defineRule({
  meta: {
    id: 'template-undefined',
    description: 'A `{{name}}` that is no declared param, or a `{{steps.<id>.<name>}}` that is no capture of an earlier step.',
    severity: 'error',
    messages: {
      param: '`{raw}` is not a declared param; declare `{name}` under `params:` in the front matter',
      noStep: '`{raw}` refers to step `{step}`, but there is no step with that id',
      laterStep: '`{raw}` refers to step `{step}`, which comes later; a step can only use captures of earlier steps',
      noCapture: '`{raw}` refers to capture `{name}`, but step `{step}` captures {captures}; add `{name}=…` to its `capture` attribute',
    },
  },
  check(context) {
    const { runbook } = context;
    const params = new Set(Object.keys(runbook.meta.params));
    const index = new Map<string, number>();
    runbook.steps.forEach((step, i) => {
      if (!index.has(step.id)) index.set(step.id, i);
    });
    runbook.steps.forEach((step, i) => {
      for (const { text, start } of templatedTexts(step)) check(context, text, start, i);
      for (const [key, value] of Object.entries(step.attributes)) {
        if (key === 'capture') continue;
        const line = openingLine(context.lines, step.position.start.offset);
        for (const placeholder of findPlaceholders(value)) report(context, placeholder, i, line.start, line.end);
      }
    });

    function check(context: RuleContext, text: string, start: number, at: number): void {
      for (const placeholder of findPlaceholders(text)) report(context, placeholder, at, start + placeholder.start, start + placeholder.end);
    }

    function report(context: RuleContext, placeholder: ReturnType<typeof findPlaceholders>[number], at: number, start: number, end: number): void {
      const { ref, raw } = placeholder;
      if (ref.type === 'param') {
        if (!params.has(ref.name)) context.report({ messageId: 'param', data: { raw, name: ref.name }, start, end });
        return;
      }
      const target = index.get(ref.step);
      if (target === undefined) {
        context.report({ messageId: 'noStep', data: { raw, step: ref.step }, start, end });
      } else if (target >= at) {
        context.report({ messageId: 'laterStep', data: { raw, step: ref.step }, start, end });
      } else {
        const names = captureNames(runbook.steps[target]!);
        if (!names.includes(ref.name)) {
          const captures = names.length === 0 ? 'nothing' : names.map((name) => `\`${name}\``).join(', ');
          context.report({ messageId: 'noCapture', data: { raw, step: ref.step, name: ref.name, captures }, start, end });
        }
      }
    }
  },
});
