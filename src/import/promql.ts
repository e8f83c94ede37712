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
