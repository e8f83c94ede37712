/**
 * PromQL recognition for the importer: does a fence's text parse as a query with a metric selector, and
 * which `$NAMESPACE`-style placeholders sit inside its label-matcher strings.
 */
import { parser } from '@prometheus-io/lezer-promql';
import type { PlaceholderHit } from './placeholders.js';
import { paramNameFor, PLACEHOLDER_IN_TEXT } from './placeholders.js';

/** What lezer-promql says about a text. */
export interface PromqlShape {
  /** No error nodes anywhere in the tree. */
  parses: boolean;
  /** Names of the metrics in selectors (`job:rate5m` included), in order. */
  metrics: string[];
  /** True when the tree has at least one VectorSelector node. */
  hasSelector: boolean;
}

/** Parses `text` with lezer-promql (which never throws) and summarises the tree. */
export function promqlShape(text: string): PromqlShape {
  const tree = parser.parse(text);
  let parses = true;
  let hasSelector = false;
  const metrics: string[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) parses = false;
      if (node.name === 'VectorSelector') {
        hasSelector = true;
        const identifier = node.node.getChild('Identifier');
        if (identifier) metrics.push(text.slice(identifier.from, identifier.to));
      }
    },
  });
  return { parses, metrics, hasSelector };
}

/**
 * True when an untyped fence (`text`, `console`, no language) should become a PromQL step: it parses, it
 * selects a metric, and it is not a lone word. A lone identifier (`true`, `NAME`) is valid PromQL but far more
 * often command output, so it needs a `_` or `:` (metric-name shape) or some query syntax around it.
 */
export function looksLikePromql(text: string): boolean {
  const trimmed = text.trim();
  if (trimmed === '') return false;
  const shape = promqlShape(trimmed);
  if (!shape.parses || !shape.hasSelector) return false;
  return /[{}()[\]]/.test(trimmed) || shape.metrics.some((m) => /[_:]/.test(m));
}

/**
 * Placeholders inside label-matcher strings (`namespace="$NAMESPACE"`, `instance="<value of instance label>"`),
 * with offsets into `text`. Placeholders elsewhere in a query are not guessed at.
 */
export function promqlPlaceholders(text: string): PlaceholderHit[] {
  const hits: PlaceholderHit[] = [];
  parser.parse(text).iterate({
    enter(node) {
      if (node.name !== 'StringLiteral') return;
      const matcher = node.node.parent;
      if (!matcher || !/LabelMatcher$/.test(matcher.name)) return;
      const labelNode = matcher.getChild('LabelName') ?? matcher.getChild('QuotedLabelName');
      const label = labelNode ? text.slice(labelNode.from, labelNode.to).replace(/^"|"$/g, '') : undefined;
      // Inside the quotes only.
      const from = node.from + 1;
      const inner = text.slice(from, node.to - 1);
      for (const match of inner.matchAll(PLACEHOLDER_IN_TEXT)) {
        const raw = match[0];
        const name = paramNameFor(raw, label);
        if (!name) continue;
        hits.push({
          raw,
          name,
          start: from + match.index,
          end: from + match.index + raw.length,
          description: label ? describeFromRaw(raw) ?? `Value of the \`${label}\` label` : undefined,
          priority: describeFromRaw(raw) ? 3 : 2,
        });
      }
    },
  });
  return hits;
}

/** `<value of instance label from alert>` describes itself; `$NAMESPACE` does not. */
function describeFromRaw(raw: string): string | undefined {
  const inner = /^<(.+)>$/.exec(raw)?.[1];
  if (!inner || !/\s/.test(inner)) return undefined;
  return inner.charAt(0).toUpperCase() + inner.slice(1);
}

/** Grafana's built-in dashboard variables, with the value a query run outside Grafana stands in for. */
const GRAFANA_VARIABLES: Readonly<Record<string, { name: string; default: string; description: string }>> = {
  $__rate_interval: { name: 'rate_interval', default: '5m', description: "Range of `rate()` windows (Grafana's `$__rate_interval`)" },
  $__interval: { name: 'interval', default: '1m', description: "Range of windows (Grafana's `$__interval`)" },
  $__range: { name: 'range', default: '1h', description: "Range of the query (Grafana's `$__range`)" },
};

// Outside strings and comments: Grafana variables, `<target>`, `$VAR`/`${VAR}` (a dashboard or shell variable).
const TEMPLATE_OUTSIDE_STRINGS = /\$__(?:rate_interval|interval|range)\b|<([A-Za-z][\w.-]*)>|\$\{([A-Za-z][A-Za-z0-9_]*)\}|\$([A-Za-z][A-Za-z0-9_]*)\b/g;

/** `"…"`, `'…'`, `` `…` `` and `# …` ranges of a PromQL text, where a placeholder is not a number or a range. */
function stringsAndComments(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '#') {
      const end = text.indexOf('\n', i);
      ranges.push([i, end === -1 ? text.length : end]);
      i = end === -1 ? text.length : end;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' && c !== '`' ? 2 : 1;
      ranges.push([i, j + 1]);
      i = j;
    }
  }
  return ranges;
}

/** A placeholder in a query outside label strings, with the default it has (Grafana variables). */
export interface TemplateHit extends PlaceholderHit {
  default?: string;
}

/**
 * Placeholders in a query outside strings and comments: `[$__rate_interval]`, `(<target> * 0.9)`, `[$WINDOW]`.
 * A query with them does not parse as written; with each replaced by a stand-in it may.
 */
export function promqlTemplateHits(text: string): TemplateHit[] {
  const skip = stringsAndComments(text);
  const hits: TemplateHit[] = [];
  for (const match of text.matchAll(TEMPLATE_OUTSIDE_STRINGS)) {
    const start = match.index;
    if (skip.some(([s, e]) => start >= s && start < e)) continue;
    const raw = match[0];
    const grafana = GRAFANA_VARIABLES[raw];
    const variable = match[2] ?? match[3];
    const name = grafana?.name ?? (variable ? snake(variable) : match[1] ? paramNameFor(raw) : undefined);
    if (!name) continue;
    hits.push({
      raw,
      name,
      start,
      end: start + raw.length,
      description: grafana?.description ?? `Value of \`${raw}\` in the original runbook`,
      priority: grafana ? 3 : 1,
      ...(grafana ? { default: grafana.default } : {}),
    });
  }
  return hits;
}

/** `GrafanaPodName` → `grafana_pod_name`, `NAMESPACE` → `namespace`. */
export function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** The text with every hit replaced by a stand-in that parses where it stands: a duration inside `[…]`, else `1`. */
export function withStandIns(text: string, hits: readonly TemplateHit[]): string {
  let out = text;
  for (const hit of [...hits].sort((a, b) => b.start - a.start)) {
    const inRange = /\[[^\]]*$/.test(text.slice(0, hit.start)) && /^[^[]*\]/.test(text.slice(hit.end));
    out = out.slice(0, hit.start) + (inRange ? '5m' : '1') + out.slice(hit.end);
  }
  return out;
}
