/**
 * `runbook new --from <timeline>`: a runbook from an incident that had none — a run of ad-hoc steps only
 * (`runbook exec --new`, then `runbook exec`). The steps that ran are placed in the usual sections: the first
 * check before any change under Detection, other checks before it under Diagnosis, reads under
 * Investigation, steps that passed a gate under Mitigation (a kubectl command as a short `mitigate`),
 * checks after the first change under Resolution. What did not run is listed, not written as a step.
 */
import type { RunStartedEvent, StepAddedEvent, StepFinishedEvent, TimelineEvent } from '../timeline/events.js';
import { stepRole } from '../steps/index.js';
import { stepMarkdown } from './adhoc.js';
import { code, oneLine } from './text.js';

/** The sections of a new runbook, in order. */
export const NEW_RUNBOOK_SECTIONS = ['Symptoms', 'Detection', 'Investigation', 'Diagnosis', 'Mitigation', 'Resolution', 'Prevention'] as const;

type SectionName = (typeof NEW_RUNBOOK_SECTIONS)[number];

/** What `runbookFromTimeline` makes. */
export interface NewRunbook {
  text: string;
  /** Step ids by section. */
  placed: Record<SectionName, string[]>;
  /** Ad-hoc steps that did not run (declined, errored…), as listed in the runbook. */
  notRun: string[];
}

/** Prose of the sections nothing was recorded for: what a person should write there. */
const PROMPTS: Record<SectionName, string> = {
  Symptoms: 'What was seen: the alert, what users reported, the first signs. Write it here.',
  Detection: 'No check confirmed the symptom during the incident; add one that does.',
  Investigation: 'Nothing was looked at beyond the steps below.',
  Diagnosis: 'No check narrowed the cause down during the incident.',
  Mitigation: 'Nothing was changed during the incident.',
  Resolution: 'No check showed the recovery during the incident; add one that does.',
  Prevention: 'What would stop this from happening again. Write it here.',
};

/** Builds the runbook text from a timeline's events. Pure: no I/O. */
export function runbookFromTimeline(events: readonly TimelineEvent[]): NewRunbook {
  const started = events.find((e): e is RunStartedEvent => e.type === 'run.started');
  const title = started?.runbook.title || 'Untitled incident';
  const date = (started?.time ?? events[0]?.time ?? new Date().toISOString()).slice(0, 10);
  const runId = started?.run ?? events[0]?.run ?? 'unknown';
  const placed = Object.fromEntries(NEW_RUNBOOK_SECTIONS.map((s) => [s, [] as string[]])) as Record<SectionName, string[]>;
  const blocks = Object.fromEntries(NEW_RUNBOOK_SECTIONS.map((s) => [s, [] as string[]])) as Record<SectionName, string[]>;
  const notRun: string[] = [];
  let changed = false;
  let detected = false;

  for (const added of events.filter((e): e is StepAddedEvent => e.type === 'step.added')) {
    const finished = events.find((e): e is StepFinishedEvent => e.type === 'step.finished' && e.step === added.step && e.seq > added.seq);
    const gate = events.find((e) => e.type === 'gate.decided' && e.step === added.step && e.seq > added.seq && (e.gate ?? 'step') === 'step');
    if (!finished || !['ok', 'passed', 'failed'].includes(finished.status)) {
      const why = !finished ? 'did not finish' : finished.status === 'error' ? `errored${finished.error ? `: ${code(oneLine(finished.error))}` : ''}` : `was ${finished.status}${gate && gate.type === 'gate.decided' ? ` at its gate (${gate.how})` : ''}`;
      notRun.push(`${code(added.step)} (${added.kind} ${code(oneLine(added.body))}) ${why}.`);
      continue;
    }
    let kind = added.kind;
    let body = added.body;
    let section: SectionName;
    if (gate) {
      section = 'Mitigation';
      changed = true;
      if (kind === 'kubectl') {
        // Behind a mitigation's gate, as lint wants a command that changes a cluster.
        kind = 'mitigate';
        if (!/^\s*kubectl\s/.test(body)) body = `kubectl ${body.trimStart()}`;
      }
    } else if (stepRole(kind) === 'check') {
      section = changed ? 'Resolution' : detected ? 'Diagnosis' : 'Detection';
      detected = true;
    } else {
      section = 'Investigation';
    }
    placed[section].push(added.step);
    blocks[section].push(stepMarkdown({ id: added.step, kind, body, ...(added.title !== undefined ? { title: added.title } : {}) }));
  }

  const front = ['---', `title: ${JSON.stringify(title)}`];
  if (started?.targets.namespace) front.push(`namespace: ${JSON.stringify(started.targets.namespace)}`);
  front.push('---');
  const out = [...front, '', `# ${title.replace(/\n/g, ' ')}`, '', `Written from the incident of ${date} (run \`${runId}\`): the steps the responder ran, in the order they ran.`];
  for (const section of NEW_RUNBOOK_SECTIONS) {
    out.push('', `## ${section}`, '', blocks[section].length === 0 ? PROMPTS[section] : blocks[section].join('\n').replace(/\n$/, ''));
  }
  if (notRun.length > 0) {
    out.push('', `## Learned on ${date}`, '', 'Ad-hoc steps of the incident that did not run, so they are not steps here:', '', ...notRun.map((n) => `- ${n}`));
  }
  return { text: `${out.join('\n')}\n`, placed, notRun };
}

