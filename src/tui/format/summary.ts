/**
 * The end of a run in a few lines: counts, the checks that failed, the mitigations applied, and the exact
 * commands to export the postmortem and to resume. Computed from timeline events only, so the plain log,
 * the TUI and `runbook export` can all say the same thing.
 */
import { assessRun } from '../../exec/outcome.js';
import { stepRole } from '../../steps/index.js';
import type { RunOutcome, RunStatus, StepStatus, TimelineEvent } from '../../timeline/events.js';
import { STEP_STATUSES } from '../../timeline/events.js';
import { quoteArg } from './command.js';
import type { Line } from './lines.js';
import { formatDuration } from './time.js';
import { truncate } from './text.js';

/** One step named in the summary. */
export interface SummaryStep {
  step: string;
  title?: string;
  status: StepStatus;
  summary?: string;
}

/** What a run came to. */
export interface RunSummary {
  /** Undefined while no `run.finished` was seen. */
  status?: RunStatus;
  counts: Record<StepStatus, number>;
  durationMs?: number;
  /** Checks (and mitigation verifications) that failed or errored. */
  failedChecks: SummaryStep[];
  /** Steps that errored (other than checks). */
  errors: SummaryStep[];
  /** Mitigations that ran (their gate was approved), with how they ended. */
  mitigationsApplied: SummaryStep[];
  /** Gated steps that did not run: skipped, declined or aborted at the gate. */
  notRun: SummaryStep[];
  notes: number;
  /** What the run did to the incident (src/exec/outcome.ts), once `run.finished` was seen. */
  outcome?: { outcome: RunOutcome; headline: string };
}

/** Folds timeline events into a summary. `titles` fills in titles the events lack. */
export function summarizeRun(events: readonly TimelineEvent[], titles: Readonly<Record<string, string>> = {}): RunSummary {
  const counts = Object.fromEntries(STEP_STATUSES.map((s) => [s, 0])) as Record<StepStatus, number>;
  const summary: RunSummary = { counts, failedChecks: [], errors: [], mitigationsApplied: [], notRun: [], notes: 0 };
  const kinds = new Map<string, string>();
  const stepTitles = new Map<string, string>(Object.entries(titles));
  let counted = false;
  for (const event of events) {
    switch (event.type) {
      case 'step.started':
        kinds.set(event.step, event.kind);
        if (event.title) stepTitles.set(event.step, event.title);
        break;
      case 'step.finished': {
        const item: SummaryStep = { step: event.step, status: event.status, ...(event.summary ? { summary: event.summary } : {}) };
        const title = stepTitles.get(event.step);
        if (title) item.title = title;
        const role = stepRole(kinds.get(event.step));
        if (!counted) counts[event.status]++;
        if (role === 'check' && (event.status === 'failed' || event.status === 'error')) summary.failedChecks.push(item);
        else if (event.status === 'error') summary.errors.push(item);
        if (role === 'mitigation' && event.status !== 'skipped' && event.status !== 'declined') {
          summary.mitigationsApplied.push(item);
          if (event.status === 'failed') summary.failedChecks.push(item);
        }
        if ((event.status === 'skipped' || event.status === 'declined') && !summary.notRun.some((s) => s.step === event.step)) {
          summary.notRun.push(item);
        }
        break;
      }
      case 'gate.decided':
        if (event.decision !== 'approved' && event.gate !== 'rollback' && !summary.notRun.some((s) => s.step === event.step)) {
          const title = stepTitles.get(event.step);
          summary.notRun.push({ step: event.step, status: event.decision === 'skipped' ? 'skipped' : event.decision, ...(title ? { title } : {}) });
        }
        break;
      case 'note':
        summary.notes++;
        break;
      case 'run.finished':
        summary.status = event.status;
        summary.durationMs = event.durationMs;
        // The executor's own counts are authoritative (they include steps a resumed run did earlier).
        Object.assign(counts, event.counts);
        counted = true;
        break;
      default:
        break;
    }
  }
  if (summary.status !== undefined) {
    const report = assessRun(events);
    summary.outcome = { outcome: report.outcome, headline: report.headline };
  }
  return summary;
}

/** The exact commands to export the postmortem and to resume the run. */
export function nextCommands(timelinePath: string): { exportCommand: string; resumeCommand: string } {
  const path = quoteArg(timelinePath);
  return {
    exportCommand: `runbook export ${path} --format postmortem --out postmortem.md`,
    resumeCommand: `runbook resume ${path}`,
  };
}

const STATUS_TONE: Record<RunStatus, Line['tone']> = { ok: 'ok', failed: 'fail', aborted: 'fail', interrupted: 'warn', error: 'fail' };
const OUTCOME_TONE: Record<RunOutcome, Line['tone']> = {
  'no-symptoms': 'ok',
  mitigated: 'ok',
  'symptoms-confirmed': 'warn',
  'not-recovered': 'fail',
  error: 'fail',
  aborted: 'fail',
  interrupted: 'warn',
};

function stepLine(mark: string, item: SummaryStep, width: number): string {
  const text = `  ${mark} ${item.step}${item.title ? `  ${item.title}` : ''}${item.summary ? ` — ${item.summary}` : ''}`;
  return truncate(text, width);
}

/**
 * The exact commands to export the postmortem and to resume, as lines to copy:
 * print them whole (never cut or hard-wrapped), so a terminal copy gives a command that runs.
 */
export function formatNextSteps(timelinePath: string): Line[] {
  const { exportCommand, resumeCommand } = nextCommands(timelinePath);
  return [
    { text: 'Write the postmortem:', tone: 'strong' },
    { text: `  ${exportCommand}`, tone: 'accent', copy: true },
    { text: 'Resume this run:', tone: 'strong' },
    { text: `  ${resumeCommand}`, tone: 'accent', copy: true },
  ];
}

/**
 * The summary as display lines: the outcome first (`Outcome: mitigated — Mitigated by …`, the same sentence as
 * the plain log), then `Run finished: <status>`, counts, failed checks, mitigations. The outcome is the whole
 * line, never cut: it is what the responder reads first.
 */
export function formatSummary(summary: RunSummary, options: { width: number; timelinePath?: string }): Line[] {
  const { width } = options;
  const status = summary.status ?? 'interrupted';
  const lines: Line[] = [];
  if (summary.outcome) lines.push({ text: `Outcome: ${summary.outcome.outcome} — ${summary.outcome.headline}`, tone: OUTCOME_TONE[summary.outcome.outcome], copy: true });
  lines.push({
    text: `Run finished: ${status}${summary.durationMs !== undefined ? ` in ${formatDuration(summary.durationMs)}` : ''}`,
    tone: STATUS_TONE[status],
  });
  const c = summary.counts;
  const always: StepStatus[] = ['passed', 'failed', 'skipped', 'declined'];
  const shown = STEP_STATUSES.filter((s) => always.includes(s) || c[s] > 0);
  lines.push({ text: `  ${shown.map((s) => `${c[s]} ${s}`).join(' · ')}${summary.notes ? ` · ${summary.notes} note${summary.notes === 1 ? '' : 's'}` : ''}` });
  if (summary.failedChecks.length > 0) {
    lines.push({ text: 'Failed checks:', tone: 'strong' });
    for (const item of summary.failedChecks) lines.push({ text: stepLine('✗', item, width), tone: 'fail' });
  }
  if (summary.errors.length > 0) {
    lines.push({ text: 'Errors:', tone: 'strong' });
    for (const item of summary.errors) lines.push({ text: stepLine('✗', item, width), tone: 'fail' });
  }
  lines.push({ text: 'Mitigations applied:', tone: 'strong' });
  if (summary.mitigationsApplied.length === 0) lines.push({ text: '  none', tone: 'dim' });
  for (const item of summary.mitigationsApplied) {
    lines.push({ text: stepLine(item.status === 'ok' || item.status === 'passed' ? '✓' : '✗', { ...item, summary: item.status }, width) });
  }
  if (summary.notRun.length > 0) {
    lines.push({ text: 'Not run (gate):', tone: 'strong' });
    for (const item of summary.notRun) lines.push({ text: stepLine('-', { ...item, summary: item.status }, width), tone: 'warn' });
  }
  if (options.timelinePath !== undefined) lines.push({ text: `Timeline: ${options.timelinePath}`, copy: true });
  return lines;
}
