/**
 * Lints one runbook text: parses it once, hands the same model (and, when asked for, the mdast tree) to every
 * enabled rule, and collects everything as VFileMessages on one file. A rule that throws becomes a positioned
 * fatal message for this file; the other rules still run.
 */
import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { parseRunbook } from '../parse/index.js';
import type { Position } from '../parse/model.js';
import { LineIndex } from '../parse/positions.js';
import { processor } from '../parse/processor.js';
import type { LintMessageData } from './result.js';
import { formatMessage, type Report, type Rule, type RuleContext } from './rule.js';
import { RULES } from './rules/index.js';
import type { RuleSettings } from './settings.js';

/**
 * Parser diagnostics that a lint rule also finds, with its own positions and wording: the parser's copy is
 * dropped so a problem is reported once, under the rule users configure.
 */
export const SUPERSEDED_PARSE_RULES: Readonly<Record<string, string>> = {
  'duplicate-id': 'step-id-unique',
  'invalid-attribute': 'step-attributes',
  'kubectl-shell-syntax': 'kubectl-unsupported-shell',
  'unknown-attribute': 'step-attributes',
};

/**
 * Parser diagnostics that belong to a lint rule of the same id: found while parsing (the front matter is read
 * once), reported with that rule's configured severity, and not at all when it is off.
 */
export const ADOPTED_PARSE_RULES: ReadonlySet<string> = new Set(['frontmatter-schema']);

/** Options of lintSource. */
export interface LintSourceOptions {
  path?: string;
}

/** Lints `source` with the enabled rules of `settings`; the returned file's messages are the diagnostics. */
export function lintSource(source: string, settings: RuleSettings, options: LintSourceOptions = {}): VFile {
  const { runbook, file, ...rest } = parseRunbook(source, options.path === undefined ? {} : { path: options.path });
  // Keep the parser's messages except the ones a lint rule owns.
  const parsed = file.messages.splice(0);
  for (const message of parsed) {
    const ruleId = message.ruleId ?? '';
    if (Object.hasOwn(SUPERSEDED_PARSE_RULES, ruleId)) continue;
    if (ADOPTED_PARSE_RULES.has(ruleId)) {
      const setting = settings[ruleId];
      if (!setting) continue;
      message.fatal = setting.severity === 'error';
    }
    file.messages.push(message);
  }

  const lines = new LineIndex(source);
  // The parser may hand over its tree; otherwise it is parsed here, only if a rule reads it.
  let tree = (rest as { tree?: Root }).tree;
  for (const [id, setting] of Object.entries(settings)) {
    const rule = RULES[id] as Rule | undefined;
    if (!rule) continue;
    const report = (what: Report): void => {
      const start = what.start ?? what.position?.start.offset ?? 0;
      const end = what.end ?? what.position?.end.offset ?? start;
      const template = rule.meta.messages[what.messageId];
      const reason = template === undefined ? what.messageId : formatMessage(template, what.data);
      const message = file.message(reason, { place: lines.position(start, end), ruleId: id, source: 'runbook-lint' });
      message.fatal = setting.severity === 'error';
      (message as unknown as LintMessageData).messageId = what.messageId;
    };
    const context: RuleContext = {
      runbook,
      source,
      get tree() {
        tree ??= processor.parse(source) as Root;
        return tree;
      },
      lines,
      options: setting.options,
      report,
    };
    try {
      rule.check(context);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      const at: Position = lines.position(0, lines.lineContentEnd(1));
      const message = file.message(`Rule \`${id}\` crashed on this file: ${detail}`, { place: at, ruleId: id, source: 'runbook-lint' });
      message.fatal = true;
      (message as unknown as LintMessageData).crashed = true;
    }
  }
  return file;
}
