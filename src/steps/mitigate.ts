import { bin, every, run, timeout, title, within } from './common.js';
import type { MitigateAction, PlannedProcess } from '../model/index.js';
import { defineStepKind, type AttributeSpec, type CommandSiteShape, type PlanTools } from './definition.js';
import { IMPORT_SHELL_LANGS } from './sh.js';
import { checkCommandSite, checkPromqlSite } from './sites.js';

/** `mitigate`: one gated change — actions, an optional verifying check, optional rollback. */
export const mitigate = defineStepKind({
  kind: 'mitigate',
  summary: 'One gated mitigation: its action commands run only after approval, then its check verifies it.',
  readOnly: false,
  role: 'mitigation',
  attributes: { title, timeout, within, every, run },
  body: { expects: 'one command, or `kubectl`/`sh` action fences, a `check` and `{rollback}` fences', holds: 'mitigation' },
  plan: (s, t) => {
    const m = s.mitigation;
    if (!m || m.actions.length === 0) return t.fail(`Step \`${s.id}\`: the mitigation has no action`);
    const defaultTimeout = t.duration(s.attributes, 'timeout') ?? t.defaults.processTimeoutMs;
    const action = (a: MitigateAction): PlannedProcess => planAction(a, defaultTimeout, t);
    const verify = m.check ? t.check(m.check.body, m.check.attributes, m.check.bodyPosition) : undefined;
    return {
      gated: true,
      reason: 'a mitigation changes a system',
      mitigation: {
        actions: m.actions.map(action),
        ...(verify ? { verify } : {}),
        rollback: m.rollback.map(action),
        withinMs: t.duration(m.check?.attributes ?? {}, 'within') ?? t.duration(s.attributes, 'within') ?? t.defaults.verify.withinMs,
        everyMs: t.duration(m.check?.attributes ?? {}, 'every') ?? t.duration(s.attributes, 'every') ?? t.defaults.verify.everyMs,
      },
    };
  },
  lint: {
    commands: (s) => {
      if (!s.mitigation) return [];
      const { actions, rollback, check } = s.mitigation;
      const sites: CommandSiteShape[] = [];
      for (const [role, list] of [['action', actions], ['rollback', rollback]] as const) {
        for (const a of list) {
          sites.push({ runner: a.kind, role, body: a.body, bodyStart: a.bodyPosition.start.offset, attributes: a.attributes, position: a.position, gated: true });
        }
      }
      const checkSite = check && checkCommandSite(check);
      if (checkSite) sites.push(checkSite);
      return sites;
    },
    promql: (s) => {
      const site = s.mitigation?.check && checkPromqlSite(s.mitigation.check, 'mitigate-check');
      return site ? [site] : [];
    },
  },
  importFrom: IMPORT_SHELL_LANGS,
});

/** An action or rollback command: planned as the kind it is written as (`kubectl` argv, or `sh -c`). */
function planAction(a: MitigateAction, defaultTimeout: number, t: PlanTools): PlannedProcess {
  return a.kind === 'kubectl' ? t.kubectl(a.body, a.attributes, defaultTimeout, a.bodyPosition) : t.shell(a.body, a.attributes, defaultTimeout);
}

/** Attributes of an action fence (`kubectl`/`sh`) inside a `mitigate` container. */
export const actionAttributes: Readonly<Record<string, AttributeSpec>> = {
  title,
  timeout,
  bin,
  rollback: { type: 'flag', description: 'This command undoes the mitigation; offered behind its own gate when verification fails.' },
};
