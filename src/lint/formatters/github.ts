/**
 * `--format github`: one GitHub Actions workflow command per message, which the runner turns into an
 * annotation on the file and line. Escaping follows the workflow-command spec (actions/toolkit `command.ts`).
 */
import type { LintResult } from '../result.js';

/** Escapes a command's message (data). */
export function escapeData(text: string): string {
  return text.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/** Escapes a command property value (also `:` and `,`, which separate properties). */
export function escapeProperty(text: string): string {
  return escapeData(text).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

/** Formats results as workflow commands. */
export function formatGithub(results: readonly LintResult[]): string {
  let out = '';
  for (const result of results) {
    for (const message of result.messages) {
      const properties = [
        `file=${escapeProperty(result.filePath)}`,
        `line=${message.line}`,
        `col=${message.column}`,
        `endLine=${message.endLine}`,
        `endColumn=${message.endColumn}`,
        `title=${escapeProperty(message.ruleId)}`,
      ].join(',');
      out += `::${message.severity === 2 ? 'error' : 'warning'} ${properties}::${escapeData(message.message)}\n`;
    }
  }
  return out;
}
