/**
 * Template placeholders: `{{name}}` (a param) and `{{steps.<id>.<name>}}` (a capture of an earlier step).
 * Only these exact shapes are placeholders, so kubectl go-templates (`{{.metadata.name}}`,
 * `{{range .items}}`) stay literal. `\{{` escapes a placeholder: `\{{name}}` is the literal text `{{name}}`.
 */

/** What a placeholder refers to. */
export type TemplateRef = { type: 'param'; name: string } | { type: 'capture'; step: string; name: string };

/** One placeholder found in a text, with its offsets (end exclusive). */
export interface Placeholder {
  raw: string;
  ref: TemplateRef;
  start: number;
  end: number;
}

const PLACEHOLDER = /(\\?)\{\{\s*([A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*)\s*\}\}/g;

/** Every placeholder in `text`, in order (escaped ones excluded). */
export function findPlaceholders(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match[1]) continue;
    const path = match[2]!.split('.');
    const start = match.index;
    const end = start + match[0].length;
    if (path[0] === 'steps' && path.length === 3) {
      found.push({ raw: match[0], ref: { type: 'capture', step: path[1]!, name: path[2]! }, start, end });
    } else if (path.length === 1) {
      found.push({ raw: match[0], ref: { type: 'param', name: path[0]! }, start, end });
    }
  }
  return found;
}

/** A placeholder that has no value. */
export class UnresolvedPlaceholderError extends Error {
  constructor(readonly placeholder: Placeholder) {
    super(`No value for \`${placeholder.raw}\``);
    this.name = 'UnresolvedPlaceholderError';
  }
}

/**
 * Replaces placeholders with `resolve(ref)` and unescapes `\{{`. `resolve` returns undefined for a
 * missing value, which throws UnresolvedPlaceholderError.
 */
export function renderTemplate(text: string, resolve: (ref: TemplateRef, placeholder: Placeholder) => string | undefined): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const start = match.index;
    out += text.slice(last, start);
    last = start + match[0].length;
    if (match[1]) {
      out += match[0].slice(1);
      continue;
    }
    const placeholder = findPlaceholders(match[0])[0];
    if (!placeholder) {
      out += match[0];
      continue;
    }
    const shifted = { ...placeholder, start, end: last };
    const value = resolve(shifted.ref, shifted);
    if (value === undefined) throw new UnresolvedPlaceholderError(shifted);
    out += value;
  }
  return out + text.slice(last);
}

/**
 * Replaces each placeholder by a same-length stand-in (PromQL syntax checks use this so positions keep
 * lining up and `{{namespace}}` inside a string or label matcher stays valid).
 */
export function maskPlaceholders(text: string, fill = 'x'): string {
  return text.replace(PLACEHOLDER, (whole, escape: string) => (escape ? ' ' + whole.slice(1) : fill.repeat(whole.length)));
}
