/**
 * `--anonymize`: people become roles ("responder 1", "responder 2", … in order of first appearance) and
 * the host becomes "host", everywhere in the events — also inside notes, summaries and paths — so no
 * exporter can leak a name by forgetting a field.
 */
import type { TimelineEvent } from '../timeline/events.js';

/** Replaces each person's name with their role throughout the events. */
export function anonymizeEvents(events: TimelineEvent[], people: string[]): { events: TimelineEvent[]; roles: Map<string, string> } {
  const roles = new Map(people.map((name, i) => [name, `responder ${i + 1}`]));
  const hosts = new Set(events.flatMap((e) => (e.type === 'run.started' ? [e.host] : [])));
  const replacements: Array<[RegExp, string]> = [];
  // Longest names first so "alice.smith" is replaced before "alice".
  const names = [...roles.keys(), ...hosts].filter((n) => n.length > 1).sort((a, b) => b.length - a.length);
  for (const name of names) {
    const role = roles.get(name) ?? 'host';
    replacements.push([new RegExp(`(?<![\\w.-])${escapeRegExp(name)}(?![\\w-])`, 'g'), role]);
  }
  const scrub = (value: unknown): unknown => {
    if (typeof value === 'string') return replacements.reduce((s, [re, role]) => s.replace(re, role), value);
    if (Array.isArray(value)) return value.map(scrub);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v)]));
    return value;
  };
  return { events: events.map((e) => scrub(e) as TimelineEvent), roles };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
