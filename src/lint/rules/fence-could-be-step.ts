import type { Code, Nodes } from 'mdast';
import { parsePromql, promqlSyntaxErrors } from '../promql.js';
import { defineRule } from '../rule.js';

const SHELL_LANGS = new Set(['bash', 'console', 'shell', 'sh', 'zsh', 'shell-session']);
/** Nodes that make a PromQL text more than a bare word (a bare word parses as a metric name too). */
const QUERY_NODES = new Set(['LabelMatchers', 'FunctionCall', 'AggregateExpr', 'BinaryExpr', 'MatrixSelector', 'SubqueryExpr']);

/** True when an unlabelled fence holds one PromQL expression with a metric selector. */
function looksLikePromql(text: string): boolean {
  const query = text.trim();
  if (query === '' || query.length > 4000 || promqlSyntaxErrors(query).length > 0) return false;
  let selector = false;
  let shaped = false;
  parsePromql(query).iterate({
    enter(node) {
      if (node.name === 'VectorSelector') selector = true;
      if (QUERY_NODES.has(node.name)) shaped = true;
    },
  });
  return selector && shaped;
}

/** The code nodes under `node`, in document order (code sits in blocks only, never inline). */
function collectCode(node: Nodes, into: Code[]): void {
  if (node.type === 'code') into.push(node);
  else if ('children' in node) for (const child of node.children as Nodes[]) collectCode(child, into);
}

/** True when a shell fence runs kubectl (a `$ ` prompt is allowed, as in `console` fences). */
function runsKubectl(text: string): boolean {
  return text.split('\n').some((line) => /^\s*(?:\$\s+)?kubectl\s/.test(line));
}

/** A plain fence is only text to the executor; as a typed step it runs, is checked by lint and lands in the timeline. */
export default defineRule({
  meta: {
    id: 'fence-could-be-step',
    description: 'A shell fence holding kubectl commands, or an unlabelled fence holding a PromQL query, that could be a typed step.',
    severity: 'warn',
    messages: {
      kubectl: 'This `{lang}` fence runs kubectl; make it a step so it can be run and checked: ```` ```kubectl {#id} ````',
      promql: 'This fence holds a PromQL query; make it a step so it can be run and checked: ```` ```promql {#id} ````',
    },
  },
  check(context) {
    // Ranges of steps (and so of their fences), in document order.
    const steps = context.runbook.steps.map((step) => [step.position.start.offset, step.position.end.offset] as const);
    let next = 0;
    const codes: Code[] = [];
    collectCode(context.blocks, codes);
    for (const code of codes) {
      const start = code.position?.start.offset;
      if (start === undefined) continue;
      while (next < steps.length && steps[next]![1] <= start) next++;
      if (next < steps.length && steps[next]![0] <= start) continue;
      const lang = code.lang?.toLowerCase();
      const kind = lang !== undefined && lang !== null && SHELL_LANGS.has(lang) && runsKubectl(code.value) ? 'kubectl'
        : (lang === undefined || lang === null) && looksLikePromql(code.value) ? 'promql'
        : undefined;
      if (!kind) continue;
      const end = context.lines.lineContentEnd(code.position!.start.line);
      context.report({ messageId: kind, data: { lang: code.lang ?? '' }, start, end });
    }
  },
});
