/** `--format stylish`: `file:line:col  severity  message  rule-id`, grouped by file, then a summary line. */
import type { LintResult } from '../result.js';
import { maxOf } from '../../format/extent.js';

/** Options of the stylish formatter. */
export interface StylishOptions {
  color: boolean;
}

const paint = (color: boolean, code: number, text: string): string => (color ? `\u001b[${code}m${text}\u001b[39m` : text);
const dim = (color: boolean, text: string): string => (color ? `\u001b[2m${text}\u001b[22m` : text);
const bold = (color: boolean, text: string): string => (color ? `\u001b[1m${text}\u001b[22m` : text);

/** Formats results for a terminal. */
export function formatStylish(results: readonly LintResult[], options: StylishOptions): string {
  const { color } = options;
  let out = '';
  let errors = 0;
  let warnings = 0;
  for (const result of results) {
    errors += result.errorCount;
    warnings += result.warningCount;
    if (result.messages.length === 0) continue;
    const rows = result.messages.map((message) => ({
      where: `${result.filePath}:${message.line}:${message.column}`,
      severity: message.severity === 2 ? 'error' : 'warning',
      message: message.message,
      ruleId: message.ruleId,
    }));
    const whereWidth = maxOf(rows.map((row) => row.where.length)) ?? -Infinity;
    out += `${bold(color, result.filePath)}\n`;
    for (const row of rows) {
      const severity = paint(color, row.severity === 'error' ? 31 : 33, row.severity.padEnd(7));
      out += `  ${row.where.padEnd(whereWidth)}  ${severity}  ${row.message}  ${dim(color, row.ruleId)}\n`;
    }
    out += '\n';
  }
  const problems = errors + warnings;
  const files = `${results.length} ${results.length === 1 ? 'file' : 'files'}`;
  if (problems === 0) return `${out}${paint(color, 32, '✔')} ${files} checked, no problems\n`;
  const summary = `✖ ${problems} ${problems === 1 ? 'problem' : 'problems'} (${errors} ${errors === 1 ? 'error' : 'errors'}, ${warnings} ${warnings === 1 ? 'warning' : 'warnings'}) in ${files}`;
  return `${out}${bold(color, paint(color, errors > 0 ? 31 : 33, summary))}\n`;
}
