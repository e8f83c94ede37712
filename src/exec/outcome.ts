/**
 * What a run did to the incident, in the responder's words. During an incident a failing detection check
 * is good news for the diagnosis (the symptom is confirmed), not a failure of the run, so the outcome reads
 * checks by their role: a *symptom* check confirms (fails) or does not see (passes) a symptom; a *recovery*
 * check (a mitigation's verification, checks after a mitigation) says whether the system came back.
 *
 * Computed from timeline events only, so the executor (`run.finished.outcome`), the plain summary, the TUI
 * and the postmortem all say the same thing, also for a timeline read back from disk.
 */
import type { Runbook, Step } from '../model/index.js';
import { stepRole } from '../steps/index.js';
import type { CheckRole, RunOutcome, RunStatus, StepStatus, TimelineEvent } from '../timeline/events.js';

export type { CheckRole, RunOutcome } from '../timeline/events.js';

/** Section titles whose checks confirm symptoms (matched at the start of a heading, case-insensitive). */
const SYMPTOM_SECTIONS = /^(symptoms?|detection|detect|investigation|investigate|diagnosis|diagnose|troubleshooting|triage|meaning|impact)\b/i;
/** Section titles whose checks verify a recovery. */
const RECOVERY_SECTIONS = /^(resolution|verification|verify|recovery|validation|post[- ]?checks?|aftermath)\b/i;

/**
 * The role of a check step: its `role=` attribute; else its innermost section that names a role (Symptoms,
 * Diagnosis… → symptom; Resolution, Verification… → recovery); else its place: after the first mitigation
 * in the runbook it is a recovery check, before it a symptom check.
 */
export function checkRoles(runbook: Pick<Runbook, 'steps'>): Map<string, CheckRole> {
  const roles = new Map<string, CheckRole>();
  let afterMitigation = false;
  for (const step of runbook.steps) {
    const role = stepRole(step.kind);
    if (role === 'mitigation') afterMitigation = true;
    if (role === 'check') roles.set(step.id, roleOf(step, afterMitigation));
  }
  return roles;
}

function roleOf(step: Step, afterMitigation: boolean): CheckRole {
  const written = step.attributes.role;
  if (written === 'symptom' || written === 'recovery') return written;
  for (const title of [...step.section].reverse()) {
    if (RECOVERY_SECTIONS.test(title.trim())) return 'recovery';
    if (SYMPTOM_SECTIONS.test(title.trim())) return 'symptom';
  }
  return afterMitigation ? 'recovery' : 'symptom';
}

/** A step named in the outcome. */
export interface OutcomeStep {
  step: string;
  title?: string;
  status: StepStatus;
  summary?: string;
}

/** A mitigation that ran (its gate was approved). */
export interface AppliedMitigation extends OutcomeStep {
  /** `verified`: its check passed; `unverified`: it has no check; `failed`: its check never passed; `error`/`aborted`: an action did not complete. */
  result: 'verified' | 'unverified' | 'failed' | 'error' | 'aborted';
  /** From the gate's approval to the passing poll. */
  verifiedAfterMs?: number;
}

/** The outcome and the facts behind it. */
export interface OutcomeReport {
  outcome: RunOutcome;
  /** One sentence: "Mitigated by `restart-gateway`, verified 35 s after approval". */
  headline: string;
  /** Failing symptom checks. */
  confirmed: OutcomeStep[];
  /** Passing symptom checks. */
  notSeen: OutcomeStep[];
  mitigations: AppliedMitigation[];
  /** Failing recovery checks and failed verifications. */
  stillFailing: OutcomeStep[];
  /** Steps that errored. */
  errors: OutcomeStep[];
  /** Mitigations whose gate was skipped, declined or aborted. */
  notApplied: OutcomeStep[];
}

/**
 * Reads the outcome from a run's events (a resumed run: all of its sessions). `status` is the run's status
 * when the caller knows it before `run.finished` is written (the executor); otherwise the last
 * `run.finished` gives it, and without one the run counts as interrupted.
 */
export function assessRun(events: readonly TimelineEvent[], status?: RunStatus): OutcomeReport {
  const kinds = new Map<string, string>();
  const titles = new Map<string, string>();
  const roles = new Map<string, CheckRole>();
  const approvedAt = new Map<string, number>();
  const verifiedAt = new Map<string, number>();
  const finished = new Map<string, OutcomeStep>();
  const order: string[] = [];
  let seenMitigation = false;
  let runStatus: RunStatus | undefined = status;
  for (const event of events) {
    switch (event.type) {
      case 'step.started':
        kinds.set(event.step, event.kind);
        if (event.title) titles.set(event.step, event.title);
        if (stepRole(event.kind) === 'mitigation') seenMitigation = true;
        // Timelines written before roles were recorded: judge by place.
        if (stepRole(event.kind) === 'check') roles.set(event.step, event.role ?? (seenMitigation ? 'recovery' : 'symptom'));
        break;
      case 'gate.decided':
        if (event.gate === 'rollback') break;
        seenMitigation = true;
        if (event.decision === 'approved') approvedAt.set(event.step, Date.parse(event.time));
        break;
      case 'verify.polled':
        if (event.passed) verifiedAt.set(event.step, Date.parse(event.time));
        break;
      case 'step.finished': {
        const item: OutcomeStep = { step: event.step, status: event.status, ...(event.summary ? { summary: event.summary } : event.error ? { summary: event.error } : {}) };
        const title = titles.get(event.step);
        if (title) item.title = title;
        if (!finished.has(event.step)) order.push(event.step);
        finished.set(event.step, item);
        break;
      }
      case 'run.finished':
        if (status === undefined) runStatus = event.status;
        break;
      default:
        break;
    }
  }

  const report: Omit<OutcomeReport, 'outcome' | 'headline'> = { confirmed: [], notSeen: [], mitigations: [], stillFailing: [], errors: [], notApplied: [] };
  for (const id of order) {
    const item = finished.get(id)!;
    const kindRole = stepRole(kinds.get(id));
    if (kindRole === 'check') {
      const role = roles.get(id) ?? 'symptom';
      if (item.status === 'failed') (role === 'symptom' ? report.confirmed : report.stillFailing).push(item);
      else if (item.status === 'passed' && role === 'symptom') report.notSeen.push(item);
      else if (item.status === 'error') report.errors.push(item);
    } else if (kindRole === 'mitigation') {
      const approved = approvedAt.get(id);
      const verified = verifiedAt.get(id);
      const result: AppliedMitigation['result'] =
        item.status === 'failed' ? 'failed'
        : item.status === 'error' ? 'error'
        : item.status === 'aborted' ? 'aborted'
        : verified !== undefined ? 'verified'
        : 'unverified';
      report.mitigations.push({ ...item, result, ...(result === 'verified' && approved !== undefined ? { verifiedAfterMs: Math.max(0, verified! - approved) } : {}) });
      if (result === 'failed') report.stillFailing.push(item);
      if (result === 'error') report.errors.push(item);
    } else if (item.status === 'skipped' || item.status === 'declined' || (item.status === 'aborted' && !kinds.get(id))) {
      // A gated step that never started: its gate said no.
      report.notApplied.push(item);
    } else if (item.status === 'error') {
      report.errors.push(item);
    }
  }

  const outcome = decide(runStatus ?? 'interrupted', report);
  return { outcome, headline: headline(outcome, report), ...report };
}

function decide(status: RunStatus, r: Omit<OutcomeReport, 'outcome' | 'headline'>): RunOutcome {
  if (status === 'interrupted') return 'interrupted';
  if (status === 'aborted') return 'aborted';
  if (r.mitigations.length > 0) {
    if (r.stillFailing.length > 0) return 'not-recovered';
    if (r.errors.length > 0) return 'error';
    return 'mitigated';
  }
  if (r.errors.length > 0) return 'error';
  // Nothing was applied: a failing check, of either role, says the problem is there.
  if (r.confirmed.length > 0 || r.stillFailing.length > 0) return 'symptoms-confirmed';
  return 'no-symptoms';
}

const code = (id: string) => `\`${id}\``;
const ids = (items: readonly OutcomeStep[]) => items.map((item) => code(item.step)).join(', ');

/** `35 s`, `2 min 5 s`. */
export function secondsText(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min${s % 60 ? ` ${s % 60} s` : ''}`;
}

/** How one applied mitigation ended, in words: "verified 35 s after approval". */
export function mitigationText(m: AppliedMitigation): string {
  switch (m.result) {
    case 'verified':
      return m.verifiedAfterMs !== undefined ? `verified ${secondsText(m.verifiedAfterMs)} after approval` : 'verified';
    case 'unverified':
      return 'applied, no verification of its own';
    case 'failed':
      return 'applied, verification failed';
    case 'error':
      return 'an action failed';
    case 'aborted':
      return 'interrupted';
  }
}

function headline(outcome: RunOutcome, r: Omit<OutcomeReport, 'outcome' | 'headline'>): string {
  switch (outcome) {
    case 'mitigated':
      return `Mitigated by ${r.mitigations.map((m) => `${code(m.step)}, ${mitigationText(m)}`).join('; ')}`;
    case 'not-recovered': {
      const applied = r.mitigations.map((m) => code(m.step)).join(', ');
      return `Not recovered: ${applied} applied, but ${ids(r.stillFailing)} still ${r.stillFailing.length === 1 ? 'fails' : 'fail'}`;
    }
    case 'symptoms-confirmed': {
      const what = r.confirmed.length > 0 ? r.confirmed : r.stillFailing;
      const held = r.notApplied.length > 0 ? ` (${ids(r.notApplied)} not run)` : '';
      return `Symptoms confirmed: ${ids(what)}; nothing was applied${held}`;
    }
    case 'no-symptoms':
      return r.notSeen.length > 0 ? `No symptoms: ${ids(r.notSeen)} not seen` : 'No symptoms: no check failed';
    case 'error':
      return `Incomplete: ${ids(r.errors)} errored, so the picture is incomplete`;
    case 'aborted':
      return 'Aborted by the operator before the end of the runbook';
    case 'interrupted':
      return 'Interrupted before the end of the runbook';
  }
}

/**
 * `--exit-on-outcome`: 0 for `mitigated` and `no-symptoms`, 3 `symptoms-confirmed`, 4 `not-recovered`,
 * 1 `error` and `aborted`, 130 `interrupted` (2 stays usage errors). Without the flag exit codes follow the
 * run status, as documented.
 */
export const OUTCOME_EXIT_CODES: Readonly<Record<RunOutcome, number>> = {
  'no-symptoms': 0,
  mitigated: 0,
  'symptoms-confirmed': 3,
  'not-recovered': 4,
  error: 1,
  aborted: 1,
  interrupted: 130,
};
