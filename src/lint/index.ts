/** `runbook lint` as a library: rules, settings, the one-file linter, the many-file engine and the formatters. */
import type { RunbookConfig } from '../config/index.js';
import { lintSource } from './linter.js';
import { toLintResult, type LintResult } from './result.js';
import { resolveRuleSettings } from './settings.js';

export { DEFAULT_CACHE_LOCATION, LintCache } from './cache.js';
export { lintFiles, WORKER_BYTES, type LintFilesOptions } from './engine.js';
export { DEFAULT_PATTERNS, expandPaths } from './files.js';
export { formatGithub } from './formatters/github.js';
export { formatJson } from './formatters/json.js';
export { formatSarif } from './formatters/sarif.js';
export { formatStylish } from './formatters/stylish.js';
export { ADOPTED_PARSE_RULES, POSTMORTEM_TYPE, SUPERSEDED_PARSE_RULES, lintDocument, lintParsed, lintSource } from './linter.js';
export type { LintMessage, LintResult } from './result.js';
export { defineRule, type Rule, type RuleContext, type RuleMeta } from './rule.js';
export { RULES } from './rules/index.js';
export { recommendedSeverities, resolveRuleSettings, type RuleSetting, type RuleSettings } from './settings.js';

/** Lints one runbook text with a config (default: the recommended preset); throws InvalidInputError for a bad config. */
export function lintRunbook(source: string, options: { path?: string; config?: RunbookConfig } = {}): LintResult {
  const file = lintSource(source, resolveRuleSettings(options.config ?? {}), options.path === undefined ? {} : { path: options.path });
  return toLintResult(options.path ?? '<input>', file);
}
