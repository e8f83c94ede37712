/**
 * ESLint-RuleTester-style tables: each valid case gives no message of the rule; each invalid case gives
 * exactly the listed messages (message id and line:column, optionally end) in order.
 */
import { describe, expect, it } from 'vitest';
import { lintSource } from '../../src/lint/linter.js';
import { toLintResult } from '../../src/lint/result.js';
import type { Rule } from '../../src/lint/rule.js';

/** An expected message. */
export interface Expected {
  messageId: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
}

/** A case: Markdown, and options for the rule. */
export interface Case {
  name?: string;
  code: string;
  options?: Record<string, unknown>;
}

/** Runs a rule's tables as vitest cases. */
export function ruleTester(rule: Rule<never>, tables: { valid: (string | Case)[]; invalid: (Case & { errors: Expected[] })[] }): void {
  const id = rule.meta.id;
  const run = (item: Case) => {
    const options = { ...rule.meta.defaultOptions, ...item.options };
    const file = lintSource(item.code, { [id]: { severity: 'error', options } });
    return toLintResult('test.md', file).messages.filter((message) => message.ruleId === id);
  };
  describe(id, () => {
    tables.valid.forEach((raw, i) => {
      const item = typeof raw === 'string' ? { code: raw } : raw;
      it(`valid #${i + 1}${item.name ? `: ${item.name}` : ''}`, () => {
        expect(run(item).map((m) => `${m.line}:${m.column} ${m.message}`)).toEqual([]);
      });
    });
    tables.invalid.forEach((item, i) => {
      it(`invalid #${i + 1}${item.name ? `: ${item.name}` : ''}`, () => {
        const actual = run(item).map((m, j) => {
          const wanted = item.errors[j];
          return {
            messageId: m.messageId,
            line: m.line,
            column: m.column,
            ...(wanted?.endLine !== undefined ? { endLine: m.endLine } : {}),
            ...(wanted?.endColumn !== undefined ? { endColumn: m.endColumn } : {}),
          };
        });
        expect(actual).toEqual(item.errors);
      });
    });
  });
}

/** Joins lines, so fixtures read top to bottom with their line numbers countable. */
export const md = (...lines: string[]): string => `${lines.join('\n')}\n`;
