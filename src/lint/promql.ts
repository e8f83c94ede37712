/**
 * PromQL syntax checking with the Prometheus project's own Lezer grammar. The parser never throws; a syntax
 * error is an error node with offsets into the text.
 */
import { createRequire } from 'node:module';
import type { Tree } from '@lezer/common';
import type { parser as PromqlParser } from '@prometheus-io/lezer-promql';
import { findPlaceholders, maskPlaceholders } from '../steps/template.js';

/** A syntax error at `[start, end)` of the query text. */
export interface PromqlSyntaxError {
  start: number;
  end: number;
  /** What stands at the error: the offending text, or undefined at the end of the query. */
  found?: string;
}

/**
 * Replaces template placeholders by same-length valid stand-ins: `x…x` in general (a valid name, string
 * content or operand), `1…1s` where PromQL wants a duration (`[{{window}}]`, `offset {{ago}}`).
 */
export function maskPromql(query: string): string {
  let masked = maskPlaceholders(query);
  for (const placeholder of findPlaceholders(query)) {
    const before = query.slice(0, placeholder.start).trimEnd();
    const durationContext = /[[:]$/.test(before) || /\boffset$/.test(before);
    if (durationContext) {
      const length = placeholder.end - placeholder.start;
      masked = masked.slice(0, placeholder.start) + '1'.repeat(length - 1) + 's' + masked.slice(placeholder.end);
    }
  }
  return masked;
}

let parser: typeof PromqlParser | undefined;

/** Parses a (masked) query. The grammar is loaded on the first query (a cached lint run never needs it). */
export function parsePromql(query: string): Tree {
  parser ??= (createRequire(import.meta.url)('@prometheus-io/lezer-promql') as { parser: typeof PromqlParser }).parser;
  return parser.parse(query);
}

/** The syntax errors of a query, with template placeholders masked first. */
export function promqlSyntaxErrors(query: string): PromqlSyntaxError[] {
  const masked = maskPromql(query);
  const errors: PromqlSyntaxError[] = [];
  parsePromql(masked).iterate({
    enter(node) {
      if (!node.type.isError) return;
      // A zero-width error node sits before the token the parser could not use.
      let { from, to } = node;
      if (from === to) {
        const rest = /^\s*(\S+)/.exec(masked.slice(from));
        if (rest) {
          from = from + rest[0].length - rest[1]!.length;
          to = from + Math.min(rest[1]!.length, 40);
        }
      }
      errors.push({ start: from, end: to, ...(from < to ? { found: query.slice(from, to) } : {}) });
      return false;
    },
  });
  return errors;
}
