/** The `expect` grammar of checks: a comparison with a number, `empty` or `not-empty`. */

import type { Expectation } from '../model/index.js';

/** A parsed expectation (the type lives with the plan in src/model/). */
export type { Expectation };

/** Why an expectation did not parse. */
export interface ExpectError {
  message: string;
}

const COMPARISON = /^\s*(<=|>=|==|!=|<|>)\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)\s*$/;

/** Parses an `expect` value; never throws. */
export function parseExpect(source: string): Expectation | ExpectError {
  const trimmed = source.trim();
  if (trimmed === 'empty' || trimmed === 'not-empty') return { op: trimmed, source };
  const match = COMPARISON.exec(source);
  if (!match) {
    return {
      message: `Cannot read expectation \`${source}\`; expected a comparison such as \`< 0.05\`, \`== 0\`, \`>= 3\`, or \`empty\` / \`not-empty\``,
    };
  }
  const raw = match[2]!;
  const value = /Inf$/.test(raw) ? (raw.startsWith('-') ? -Infinity : Infinity) : Number(raw);
  return { op: match[1] as '<', value, source };
}

/** True when `parsed` is an error. */
export function isExpectError(parsed: Expectation | ExpectError): parsed is ExpectError {
  return 'message' in parsed;
}

/** Whether one sample value satisfies a comparison (empty/not-empty are about the series count, not values). */
export function compare(expectation: Expectation, value: number): boolean {
  switch (expectation.op) {
    case '<': return value < expectation.value;
    case '<=': return value <= expectation.value;
    case '==': return value === expectation.value;
    case '!=': return value !== expectation.value;
    case '>=': return value >= expectation.value;
    case '>': return value > expectation.value;
    case 'empty':
    case 'not-empty':
      return true;
  }
}
