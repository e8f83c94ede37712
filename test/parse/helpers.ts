/** Test helpers for the parser: diagnostics as plain `line:column ruleId` data. */
import { parseRunbook } from '../../src/parse/index.js';

/** One diagnostic, flattened for assertions. */
export interface Flat {
  ruleId: string;
  at: string;
  end: string;
  fatal: boolean;
  message: string;
}

/** Parses `source` and flattens its messages. */
export function diagnose(source: string): Flat[] {
  const { file } = parseRunbook(source, { path: 'test.md' });
  return file.messages.map((m) => {
    const place = m.place as { start: { line: number; column: number }; end: { line: number; column: number } };
    return {
      ruleId: m.ruleId ?? '',
      at: `${place.start.line}:${place.start.column}`,
      end: `${place.end.line}:${place.end.column}`,
      fatal: m.fatal === true,
      message: m.reason,
    };
  });
}

/** Joins lines with `\n` (keeps test sources readable and their line numbers obvious). */
export const md = (...lines: string[]): string => `${lines.join('\n')}\n`;
