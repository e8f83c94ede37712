/**
 * Captures: `capture="name=<expr>; other=<expr>"` binds values of a step's result for later steps as
 * `{{steps.<id>.<name>}}`.
 */
import { JSONPath } from 'jsonpath-plus';
import type { RecordedQueryResult } from '../timeline/events.js';
import { headlineValue } from './prometheus.js';

import type { CaptureSpec } from '../model/index.js';

/** One parsed capture (the type lives with the plan in src/model/). */
export type { CaptureSpec };

/** A capture attribute that cannot be read. */
export class CaptureError extends Error {
  override name = 'CaptureError';
}

/** Parses a `capture` attribute. `;` separates captures only where a new `name=` follows. */
export function parseCaptures(text: string): CaptureSpec[] {
  const parts = text.split(/;(?=\s*[A-Za-z_][\w-]*\s*=)/);
  return parts
    .filter((part) => part.trim() !== '')
    .map((part) => {
      const match = /^\s*([A-Za-z_][\w-]*)\s*=\s*(.+?)\s*$/s.exec(part);
      if (!match) throw new CaptureError(`Cannot read capture \`${part.trim()}\`; expected \`name=<expr>\``);
      const name = match[1]!;
      const source = match[2]!;
      if (source === 'value') return { name, source, type: 'value' as const };
      if (source.startsWith('label:')) {
        const label = source.slice('label:'.length).trim();
        if (!label) throw new CaptureError(`Capture \`${name}\`: \`label:\` needs a label name`);
        return { name, source, type: 'label' as const, label };
      }
      if (source.startsWith('$')) return { name, source, type: 'jsonpath' as const, path: source };
      const regex = /^\/(.*)\/([a-z]*)$/s.exec(source);
      if (regex) {
        try {
          return { name, source, type: 'regex' as const, regex: new RegExp(regex[1]!, regex[2]!.replace('g', '')) };
        } catch (error) {
          throw new CaptureError(`Capture \`${name}\`: invalid regular expression \`${source}\`: ${(error as Error).message}`);
        }
      }
      throw new CaptureError(
        `Capture \`${name}\`: cannot read \`${source}\`; expected \`label:<name>\`, \`value\`, a JSONPath such as \`$.items[0].metadata.name\`, or \`/regex/\``,
      );
    });
}

/** What a capture reads from: a PromQL result or a command's stdout. */
export interface CaptureSource {
  query?: RecordedQueryResult;
  text?: string;
}

/**
 * Evaluates captures. From a PromQL result: the top series is the one with the highest value (its last
 * sample for a range). From output: a JSONPath reads `-o json` output, a `/regex/` its first group (or the
 * whole match). Returns the values found and the names that found nothing.
 */
export function evaluateCaptures(specs: readonly CaptureSpec[], source: CaptureSource): { values: Record<string, string>; missing: string[] } {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const spec of specs) {
    const value = evaluateOne(spec, source);
    if (value === undefined) missing.push(spec.name);
    else values[spec.name] = value;
  }
  return { values, missing };
}

function evaluateOne(spec: CaptureSpec, source: CaptureSource): string | undefined {
  switch (spec.type) {
    case 'label':
    case 'value': {
      const top = topSeries(source.query);
      if (!top) return undefined;
      if (spec.type === 'label') return top.labels[spec.label];
      const value = top.value?.[1] ?? top.values?.[top.values.length - 1]?.[1];
      return value;
    }
    case 'jsonpath': {
      if (source.text === undefined) return undefined;
      let json: unknown;
      try {
        json = JSON.parse(source.text);
      } catch {
        return undefined;
      }
      const found = JSONPath({ path: spec.path, json: json as object, wrap: true }) as unknown[];
      const first = found[0];
      if (first === undefined || first === null) return undefined;
      return typeof first === 'object' ? JSON.stringify(first) : String(first);
    }
    case 'regex': {
      const text = source.text ?? (source.query ? JSON.stringify(source.query.series) : undefined);
      if (text === undefined) return undefined;
      const match = spec.regex.exec(text);
      if (!match) return undefined;
      return match[1] ?? match[0];
    }
  }
}

function topSeries(result: RecordedQueryResult | undefined) {
  if (!result || result.series.length === 0) return undefined;
  let best = result.series[0]!;
  let bestValue = headlineValue(best) ?? -Infinity;
  for (const series of result.series.slice(1)) {
    const value = headlineValue(series) ?? -Infinity;
    if (value > bestValue || (Number.isNaN(bestValue) && !Number.isNaN(value))) {
      best = series;
      bestValue = value;
    }
  }
  return best;
}
