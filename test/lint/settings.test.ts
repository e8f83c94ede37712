import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { RULES } from '../../src/lint/rules/index.js';
import { resolveRuleSettings } from '../../src/lint/settings.js';

describe('resolveRuleSettings', () => {
  it('applies the recommended preset by default', () => {
    const settings = resolveRuleSettings({});
    expect(settings['promql-syntax']).toEqual({ severity: 'error', options: {} });
    expect(settings['step-id-missing']?.severity).toBe('warn');
    expect(settings['mitigate-rollback']).toBeUndefined();
    expect(settings['required-sections']?.options).toEqual({ preset: 'any' });
  });

  it('starts from nothing with extends: []', () => {
    expect(Object.keys(resolveRuleSettings({ extends: [], rules: { 'step-form': ['error', { form: 'directive' }] } }))).toEqual(['step-form']);
  });

  it('layers severities and options over the preset', () => {
    const settings = resolveRuleSettings({ rules: { 'promql-syntax': 'warn', 'dangerous-command': ['error', { allow: ['rm-rf-root'] }], 'step-id-missing': 'off' } });
    expect(settings['promql-syntax']?.severity).toBe('warn');
    expect(settings['dangerous-command']?.options).toEqual({ allow: ['rm-rf-root'] });
    expect(settings['step-id-missing']).toBeUndefined();
  });

  it('rejects unknown rules and bad options with the key path', () => {
    expect(() => resolveRuleSettings({ rules: { 'promql-sytnax': 'error' } }, '.runbookrc')).toThrow(
      new InvalidInputError('.runbookrc: rules.promql-sytnax: unknown rule (did you mean `promql-syntax`?); see docs/rules/ for the rule list'),
    );
    expect(() => resolveRuleSettings({ rules: { 'dangerous-command': ['error', { allow: ['everything'] }] } }, 'c.json')).toThrow(
      /^c\.json: rules\.dangerous-command\[1\]\.allow\[0\]: expected "delete-namespace" \| /,
    );
    expect(() => resolveRuleSettings({ rules: { 'promql-syntax': ['error', { x: 1 }] } })).toThrow(/rules\.promql-syntax\[1\]: this rule takes no options/);
  });

  it('has a rule map sorted by id, each rule named after its key', () => {
    const ids = Object.keys(RULES);
    expect(ids).toEqual([...ids].sort());
    for (const [id, rule] of Object.entries(RULES)) expect(rule.meta.id).toBe(id);
  });
});
