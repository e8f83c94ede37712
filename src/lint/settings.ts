/**
 * Rule settings: the `recommended` preset layered with a config's `rules`, each rule's options validated
 * against its schema. The result is plain data, so it can be hashed for the cache and sent to workers.
 */
import type { ValidateFunction } from 'ajv';
import { formatSchemaErrors, schemaAjv, type RunbookConfig, type Severity } from '../config/index.js';
import { InvalidInputError } from '../errors.js';
import { closest } from '../steps/definition.js';
import { RULES } from './rules/index.js';

/** One enabled rule's effective severity and options. */
export interface RuleSetting {
  severity: Exclude<Severity, 'off'>;
  options: Record<string, unknown>;
}

/** Enabled rules by id (a rule that is off is absent). */
export type RuleSettings = Record<string, RuleSetting>;

/** The `recommended` preset: every rule at its `meta.severity`. */
export function recommendedSeverities(): Record<string, Severity> {
  return Object.fromEntries(Object.entries(RULES).map(([id, rule]) => [id, rule.meta.severity]));
}

const validators = new Map<string, ValidateFunction>();

/**
 * Resolves a config into rule settings. Throws InvalidInputError naming the file and the bad key for an
 * unknown rule id or options a rule does not accept.
 */
export function resolveRuleSettings(config: RunbookConfig, configPath = '.runbookrc'): RuleSettings {
  const useRecommended = config.extends === undefined || config.extends === 'recommended' || config.extends.length > 0;
  const severities: Record<string, Severity> = useRecommended ? recommendedSeverities() : {};
  const options: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [id, setting] of Object.entries(config.rules ?? {})) {
    const rule = RULES[id];
    if (!rule) {
      const suggestion = closest(id, Object.keys(RULES));
      problems.push(`rules.${id}: unknown rule${suggestion ? ` (did you mean \`${suggestion}\`?)` : ''}; see docs/rules/ for the rule list`);
      continue;
    }
    const [severity, ruleOptions] = typeof setting === 'string' ? [setting, undefined] : [setting[0], setting[1]];
    severities[id] = severity;
    if (ruleOptions === undefined) continue;
    if (!rule.meta.schema) {
      problems.push(`rules.${id}[1]: this rule takes no options, found ${JSON.stringify(ruleOptions)}`);
      continue;
    }
    let validate = validators.get(id);
    if (!validate) {
      validate = schemaAjv().compile(rule.meta.schema);
      validators.set(id, validate);
    }
    if (!validate(ruleOptions)) problems.push(...formatSchemaErrors(validate.errors ?? [], `rules.${id}[1]`, ['rules', id, 1]));
    else options[id] = ruleOptions;
  }
  if (problems.length > 0) throw new InvalidInputError(problems.map((problem) => `${configPath}: ${problem}`).join('\n'));
  const settings: RuleSettings = {};
  for (const id of Object.keys(RULES)) {
    const severity = severities[id];
    if (severity === undefined || severity === 'off') continue;
    settings[id] = { severity, options: { ...RULES[id]!.meta.defaultOptions, ...(options[id] as object | undefined) } };
  }
  return settings;
}
