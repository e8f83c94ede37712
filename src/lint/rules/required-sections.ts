import type { Section } from '../../model/index.js';
import { defineRule } from '../rule.js';

/** Each entry is a heading title, or a list of titles any one of which will do. */
type Requirement = string | string[];

/** A named set of required sections that real runbooks follow. */
export type SectionPreset = 'incident' | 'alert';

/**
 * The conventions runbooks are written in, with the synonyms teams use for each section.
 * `incident`: the seed's Symptoms / Investigation / Mitigation (Detection, Diagnosis, Resolution, … around them);
 * `alert`: the alert-runbook Meaning / Impact / Diagnosis / Mitigation (prometheus-operator, kube-prometheus, …).
 */
export const SECTION_PRESETS: Readonly<Record<SectionPreset, readonly Requirement[]>> = {
  incident: [
    ['Symptoms', 'Symptom', 'Detection'],
    ['Investigation', 'Diagnosis', 'Troubleshooting', 'Checks', 'Possible checks', 'Steps to check'],
    ['Mitigation', 'Remediation', 'Resolution', 'Solution'],
  ],
  alert: [
    ['Meaning', 'Description', 'Overview', 'Summary'],
    ['Impact'],
    ['Diagnosis', 'Investigation', 'Troubleshooting'],
    ['Mitigation', 'Remediation', 'Resolution', 'Solution'],
  ],
};

/** `any` (the default): a runbook that follows either preset passes. */
type PresetOption = SectionPreset | 'any';

interface Options {
  preset: PresetOption;
  /** When given, replaces the preset with this list. */
  sections?: Requirement[];
}

const normalize = (title: string) => title.trim().toLowerCase().replace(/[\s:.!?]+$/, '');

function titles(section: Section, into: string[]): string[] {
  for (const child of section.children) {
    into.push(normalize(child.title));
    titles(child, into);
  }
  return into;
}

/** `Mitigation`, `Mitigation steps` and `Mitigation: restart` all satisfy `Mitigation`; `Mitigations overview` does not. */
function satisfies(present: readonly string[], alternatives: readonly string[]): boolean {
  return alternatives.some((title) => {
    const wanted = normalize(title);
    return present.some((heading) => heading === wanted || (heading.startsWith(wanted) && /^[\s:(—–-]/.test(heading.slice(wanted.length))));
  });
}

function missing(present: readonly string[], requirements: readonly Requirement[]): string[][] {
  return requirements
    .map((requirement) => (typeof requirement === 'string' ? [requirement] : requirement))
    .filter((alternatives) => !satisfies(present, alternatives));
}

/** Responders look for the same sections in every runbook; a runbook without them is hard to use at 3 a.m. */
export default defineRule<Options>({
  meta: {
    id: 'required-sections',
    description:
      'Required section headings (any level, case-insensitive), by convention: Symptoms, Investigation and Mitigation (`incident`), or Meaning, Impact, Diagnosis and Mitigation (`alert`), with common synonyms.',
    severity: 'warn',
    schema: {
      type: 'object',
      properties: {
        preset: { enum: ['any', 'incident', 'alert'] },
        sections: {
          type: 'array',
          items: { anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 }] },
        },
      },
      additionalProperties: false,
    },
    defaultOptions: { preset: 'any' },
    messages: { missing: 'Missing a section titled {expected}{convention}; add a heading (any level) for it' },
  },
  check(context) {
    const present = titles(context.runbook.sections, []);
    const { preset, sections } = context.options;
    let gaps: string[][];
    let convention = '';
    if (sections) {
      gaps = missing(present, sections);
    } else {
      const candidates: SectionPreset[] = preset === 'any' ? ['incident', 'alert'] : [preset];
      // The closest convention is the one the author meant; report only its gaps (ties: the first listed).
      const scored = candidates.map((name) => ({ name, gaps: missing(present, SECTION_PRESETS[name]) }));
      const best = scored.reduce((a, b) => (b.gaps.length < a.gaps.length ? b : a));
      gaps = best.gaps;
      convention = ` (\`${best.name}\` convention)`;
    }
    const firstLine = context.lines.lineContentEnd(1);
    for (const alternatives of gaps) {
      const expected = alternatives.map((title) => `\`${title}\``).join(' or ');
      context.report({ messageId: 'missing', data: { expected, convention }, start: 0, end: firstLine });
    }
  },
});
