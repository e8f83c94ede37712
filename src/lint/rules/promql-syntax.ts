import { defineRule } from '../rule.js';
import { promqlSyntaxErrors } from '../promql.js';
import { promqlSites } from '../sites.js';

const ROLE_NAMES = { step: '`promql` step', check: 'PromQL `check`', 'mitigate-check': 'verifying check of a `mitigate`' } as const;

/** A query that does not parse fails at run time, in the middle of an incident; lint finds it first. */
export default defineRule({
  meta: {
    id: 'promql-syntax',
    description: 'PromQL that does not parse (template placeholders such as `{{namespace}}` are allowed).',
    severity: 'error',
    messages: {
      unexpected: 'PromQL syntax error in the {what}: unexpected `{found}`',
      incomplete: 'PromQL syntax error in the {what}: the query ends too early (unclosed bracket or missing operand?)',
    },
  },
  check(context) {
    for (const site of promqlSites(context.runbook)) {
      if (site.body.trim() === '') continue;
      // One error per query: after the first, the parser's recovery mostly produces noise.
      const error = promqlSyntaxErrors(site.body)[0];
      if (!error) continue;
      const what = ROLE_NAMES[site.role];
      if (error.found !== undefined) {
        context.report({ messageId: 'unexpected', data: { what, found: error.found.replaceAll('`', "'") }, start: site.bodyStart + error.start, end: site.bodyStart + error.end });
      } else {
        const end = site.bodyStart + site.body.trimEnd().length;
        context.report({ messageId: 'incomplete', data: { what }, start: Math.max(site.bodyStart, end - 1), end });
      }
    }
  },
});
