import { defineRule } from '../rule.js';
import { commandLine, commandSites } from '../sites.js';

/** A kubectl command runs as an argv array without a shell, so shell syntax in it cannot work. */
export default defineRule({
  meta: {
    id: 'kubectl-unsupported-shell',
    description: 'Pipes, redirections, command substitution, `&&` and similar shell syntax in a kubectl command.',
    severity: 'error',
    messages: { shell: '{message}' },
  },
  check(context) {
    for (const site of commandSites(context.runbook)) {
      if (site.runner !== 'kubectl') continue;
      for (const problem of commandLine(site.body).problems) {
        context.report({ messageId: 'shell', data: { message: problem.message }, start: site.bodyStart + problem.start, end: site.bodyStart + problem.end });
      }
    }
  },
});
