/** `--format json`: the results as a JSON array (ESLint's shape: filePath, messages, errorCount, warningCount). */
import type { LintResult } from '../result.js';

/** Formats results as JSON. */
export function formatJson(results: readonly LintResult[]): string {
  return `${JSON.stringify(results)}\n`;
}
