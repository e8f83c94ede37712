/**
 * Lints one runbook text: parses it once, hands the same model (and, when asked for, the mdast tree) to every
 * enabled rule, and collects everything as VFileMessages on one file. A rule that throws becomes a positioned
 * fatal message for this file; the other rules still run.
 */
import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { parseRunbook, type ParseResult } from '../parse/index.js';
import { parseMarkdown } from '../parse/markdown.js';
import type { Position } from '../model/index.js';
import { LineIndex } from '../parse/positions.js';
import { resultOf, toLintResult, type LintMessageData, type LintResult } from './result.js';
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
  const parsed = parseRunbook(source, options.path === undefined ? {} : { path: options.path });
  return lintParsed(parsed.source, parsed, settings);
}

/**
 * Lints one file for the engine. A file whose front matter says `type: postmortem` is not a runbook: its result
 * has no messages and `postmortem: true`, and the CLI lints it with the postmortem rules (src/export).
 */
export function lintDocument(path: string, source: string, settings: RuleSettings): LintResult {
  const parsed = parseRunbook(source, { path });
  if (parsed.runbook.meta.extra.type === POSTMORTEM_TYPE) return { ...resultOf(path, []), postmortem: true };
  return toLintResult(path, lintParsed(parsed.source, parsed, settings));
}

/** The front matter `type` that makes a Markdown file a postmortem (the export template writes it). */
export const POSTMORTEM_TYPE = 'postmortem';

/** Lints a parsed runbook (`parsed` is parseRunbook's result for `source`; its file receives the messages). */
export function lintParsed(source: string, parsed: ParseResult, settings: RuleSettings): VFile {
  const { runbook, file, blocks } = parsed;
  // Keep the parser's messages except the ones a lint rule owns.
  for (const message of file.messages.splice(0)) {
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
  // The full mdast (with inline content) is parsed only if a rule reads it; the block tree is free.
  let tree: Root | undefined;
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
        tree ??= parseMarkdown(source);
        return tree;
      },
      blocks,
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
