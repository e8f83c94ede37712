/**
 * The blameless postmortem template: its sections in order and the prompts written into the sections
 * that only people can fill. The exporter writes these headings and the postmortem linter requires them,
 * so both read them from here.
 */

/** Front matter `type` that marks a Markdown file as a postmortem (the linter detects it). */
export const POSTMORTEM_TYPE = 'postmortem';

/** Section headings of the template, in order (`Impact` is a sub-section of the summary). */
export const POSTMORTEM_SECTIONS = [
  'Incident summary',
  'Impact',
  'Timeline',
  'Key figures',
  'Evidence',
  'Root cause',
  'What went well',
  'What went wrong',
  'Lessons learned',
  'Action items',
] as const;

/** A section heading of the template. */
export type PostmortemSection = (typeof POSTMORTEM_SECTIONS)[number];

/** Marks a prompt: text the exporter wrote for people to replace. The linter warns while one is left. */
export const PROMPT_MARKER = 'To fill in:';

/** Prompts of the sections the exporter never writes itself: it does not invent causes or lessons. */
export const PROMPTS: Partial<Record<PostmortemSection, string>> = {
  Impact: 'who and what was affected (customers, payments, requests), how much and for how long, and how that was measured.',
  'Root cause':
    'the conditions in the system that made this possible (a leak, a missing limit, a change), not who did what. Ask "why" until the answer is about the system.',
  'What went well': 'what helped: the alert that fired, the runbook steps that found the cause fast, the mitigation that worked.',
  'What went wrong': 'what slowed detection or mitigation: missing signals, misleading dashboards, steps that failed or had to be skipped.',
  'Lessons learned': 'what this incident taught that is worth telling other teams.',
};

/** Columns of the action items table. */
export const ACTION_ITEM_COLUMNS = ['Action item', 'Priority', 'Owner', 'Due date'] as const;

/** Placeholders the exporter writes into action item cells; the linter reports them as missing values. */
export const ACTION_ITEM_PLACEHOLDERS = { Priority: 'TODO (P0–P2)', Owner: 'TODO', 'Due date': 'TODO (YYYY-MM-DD)' } as const;
