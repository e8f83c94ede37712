import { interactiveKubectl } from '../../steps/kubectl-verbs.js';
import { defineRule } from '../rule.js';
import { commandLine, commandSites } from '../sites.js';

/**
 * A step has no terminal and no input, so `kubectl edit`, `exec -it`, `logs -f`, `get -w`, `port-forward`… would
 * hang until the step's timeout; the executor refuses them before a run starts, and this reports the same
 * thing (from the same table) where the command is written.
 */
export default defineRule({
  meta: {
    id: 'kubectl-interactive',
    description: 'A kubectl command that needs a terminal or an editor, or runs until it is stopped (`edit`, `exec -it`, `logs -f`, `get -w`, `port-forward`, …).',
    severity: 'error',
    messages: { interactive: '{reason}; {fix}' },
  },
  check(context) {
    for (const site of commandSites(context.runbook)) {
      if (site.runner !== 'kubectl') continue;
      const { words } = commandLine(site.body);
      const found = interactiveKubectl(words.map((word) => word.value));
      if (!found) continue;
      const word = words[found.index]!;
      context.report({ messageId: 'interactive', data: { reason: found.reason, fix: found.fix }, start: site.bodyStart + word.start, end: site.bodyStart + word.end });
    }
  },
});
