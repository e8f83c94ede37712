/**
 * Lint results as plain data: what formatters print, workers send back and the cache stores. Built from the
 * VFileMessages the parser and the rules produce.
 */
import type { VFile } from 'vfile';

/** ESLint's numbers: 1 warning, 2 error. */
export type SeverityLevel = 1 | 2;

/** One diagnostic. Lines and columns are 1-based; `endColumn` is exclusive, as in unist. */
export interface LintMessage {
  ruleId: string;
  messageId?: string;
  severity: SeverityLevel;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Set when the message comes from a rule that crashed or a parser failure. */
  fatal?: true;
}

/** The diagnostics of one file. */
export interface LintResult {
  /** As given on the command line / found by the glob, relative to the working directory, `/`-separated. */
  filePath: string;
  messages: LintMessage[];
  errorCount: number;
  warningCount: number;
  /**
   * Set by the engine for a file whose front matter says `type: postmortem`: it is not linted as a runbook
   * (no messages here); `runbook lint` lints it with the postmortem rules instead.
   */
  postmortem?: true;
}

/** Extra fields the linter sets on VFileMessages. */
export interface LintMessageData {
  messageId?: string;
  crashed?: boolean;
}

/** The messages of a linted file, sorted by position. */
export function toLintResult(filePath: string, file: VFile): LintResult {
  const messages: LintMessage[] = file.messages.map((message) => {
    const place = message.place;
    const start = place && 'start' in place ? place.start : place;
    const end = place && 'end' in place ? place.end : start;
    const extra = message as unknown as LintMessageData;
    return {
      ruleId: message.ruleId ?? 'unknown',
      ...(extra.messageId !== undefined ? { messageId: extra.messageId } : {}),
      severity: message.fatal === true ? 2 : 1,
      message: message.reason,
      line: start?.line ?? 1,
      column: start?.column ?? 1,
      endLine: end?.line ?? start?.line ?? 1,
      endColumn: end?.column ?? start?.column ?? 1,
      ...(extra.crashed ? { fatal: true as const } : {}),
    };
  });
  return resultOf(filePath, messages);
}

/** A result with its counts, messages sorted by line, column, rule. */
export function resultOf(filePath: string, messages: LintMessage[]): LintResult {
  messages.sort((a, b) => a.line - b.line || a.column - b.column || a.ruleId.localeCompare(b.ruleId));
  return {
    filePath,
    messages,
    errorCount: messages.filter((message) => message.severity === 2).length,
    warningCount: messages.filter((message) => message.severity === 1).length,
  };
}
