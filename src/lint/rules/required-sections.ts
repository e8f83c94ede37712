import type { Section } from '../../parse/model.js';
import { defineRule } from '../rule.js';

/** Each entry is a heading title, or a list of titles any one of which will do. */
type Requirement = string | string[];

function titles(section: Section, into: Set<string>): Set<string> {
  for (const child of section.children) {
    into.add(child.title.trim().toLowerCase());
    titles(child, into);
  }
  return into;
}

/** Responders look for the same sections in every runbook; a runbook without them is hard to use at 3 a.m. */
export default defineRule<{ sections: Requirement[] }>({
  meta: {
    id: 'required-sections',
    description: 'Required section headings (any level, case-insensitive): by default Symptoms, Investigation or Diagnosis, and Mitigation.',
    severity: 'warn',
    schema: {
      type: 'object',
      properties: {
        sections: {
          type: 'array',
          items: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 }] },
        },
      },
      additionalProperties: false,
    },
    defaultOptions: { sections: ['Symptoms', ['Investigation', 'Diagnosis'], 'Mitigation'] },
    messages: { missing: 'Missing a section titled {expected}; add a heading (any level) for it' },
  },
  check(context) {
    const present = titles(context.runbook.sections, new Set());
    const firstLine = context.lines.lineContentEnd(1);
    for (const requirement of context.options.sections) {
      const alternatives = typeof requirement === 'string' ? [requirement] : requirement;
      if (alternatives.some((title) => present.has(title.trim().toLowerCase()))) continue;
      const expected = alternatives.map((title) => `\`${title}\``).join(' or ');
      context.report({ messageId: 'missing', data: { expected }, start: 0, end: firstLine });
    }
  },
});
