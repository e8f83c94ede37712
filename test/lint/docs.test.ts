import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintSource } from '../../src/lint/linter.js';
import { toLintResult } from '../../src/lint/result.js';
import { RULES } from '../../src/lint/rules/index.js';

/** The ````markdown examples of a rule page under `## heading`. */
function example(page: string, heading: string): string {
  const section = page.split(`## ${heading}\n`)[1] ?? '';
  const match = /````markdown\n([\s\S]*?)\n````/.exec(section);
  if (!match) throw new Error(`no ${heading} example`);
  return `${match[1]}\n`;
}

describe('docs/rules', () => {
  for (const [id, rule] of Object.entries(RULES)) {
    it(`${id}: the page exists and its examples behave as documented`, () => {
      const page = readFileSync(`docs/rules/${id}.md`, 'utf8');
      expect(page.startsWith(`# ${id}\n\n${rule.meta.description}\n`)).toBe(true);
      const settings = { [id]: { severity: 'error' as const, options: { ...rule.meta.defaultOptions } } };
      const messages = (code: string) => toLintResult('x.md', lintSource(code, settings)).messages.filter((m) => m.ruleId === id);
      expect(messages(example(page, 'Invalid')).length).toBeGreaterThan(0);
      expect(messages(example(page, 'Valid'))).toEqual([]);
    });
  }
});

describe('docs/lint.md', () => {
  it('lists every rule with its recommended severity, in order', () => {
    const doc = readFileSync(new URL('../../docs/lint.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| \[([a-z-]+)\]\(rules\/\1\.md\) \| (error|warn|off) \|/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(rows).toEqual(Object.values(RULES).map((rule) => `${rule.meta.id} ${rule.meta.severity}`).sort());
  });
});

describe('docs/rules/required-sections.md presets', () => {
  const page = readFileSync('docs/rules/required-sections.md', 'utf8');
  const rule = RULES['required-sections']!;
  const messages = (code: string, preset: string) =>
    toLintResult('x.md', lintSource(code, { [rule.meta.id]: { severity: 'error', options: { preset } } })).messages.filter((m) => m.ruleId === rule.meta.id);
  for (const [preset, other] of [['incident', 'alert'], ['alert', 'incident']] as const) {
    it(`the ${preset} example passes under ${preset} and any, and fails under ${other}`, () => {
      const code = example(page.replace(`### ${preset}\n`, `## ${preset}-example\n`), `${preset}-example`);
      expect(messages(code, preset)).toEqual([]);
      expect(messages(code, 'any')).toEqual([]);
      expect(messages(code, other).length).toBeGreaterThan(0);
    });
  }
});
