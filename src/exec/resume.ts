/**
 * Resuming a run from its timeline: the same run id, new events appended, starting at the first step that
 * has no `step.finished`. What the run was (params, `--at`, targets, mode) comes from its first
 * `run.started`, never from the new command line, so a resumed run cannot quietly point somewhere else.
 *
 * A gated step (a mitigation, a mutating kubectl, an `sh` step) that has `step.started` but never finished
 * may already have changed a system. It is never re-run silently: its gate is asked again with "this may
 * already have run at HH:MM:SS", and without a person it is declined (`how: 'resume'`) unless `--approve`
 * names that step again (`--approve all` is not enough for it).
 */
import type { Runbook, Step } from '../model/index.js';
import type { GateVerdict } from './gate.js';
import type {
  NewEvent,
  RunFinishedEvent,
  RunStartedEvent,
  StepFinishedEvent,
  StepCommand,
  StepStartedEvent,
  Targets,
  TimelineEvent,
} from '../timeline/events.js';
import { REDACTED } from '../secrets/redact.js';
import { runRunbook, type RunOptions, type RunResult, type StepOutcome, type TimelineSink } from './executor.js';
import { approvalGate, type Gate, type GateRequest } from './gate.js';
import { checkRoles } from './outcome.js';

/** A timeline that cannot be resumed (no run in it, a dry run, redacted parameters…). */
export class ResumeError extends Error {
  override name = 'ResumeError';
}

/** A gated step that started and never finished: it may already have acted. */
export interface InterruptedStep {
  step: string;
  kind: StepStartedEvent['kind'];
  /** ISO time of its `step.started`. */
  startedAt: string;
  /** `action.finished` events recorded for it (a mitigation's actions that completed before the crash). */
  actionsFinished: number;
  /**
   * What it was approved to run (its last approved `gate.decided`: commands and targets), so a renamed or
   * moved step with the same content is recognised too. Undefined for a timeline without one.
   */
  content?: string;
}

/**
 * The identity of what a gated step runs: its commands (argv, or query text) and targets, without the
 * evaluation times (which differ on every attempt).
 */
export function contentKey(commands: readonly StepCommand[] | undefined, targets: Targets | undefined): string {
  const what = (commands ?? []).map((c) => (c.argv ? { argv: c.argv } : { query: c.query ?? '' }));
  const where = targets ? { context: targets.context ?? null, namespace: targets.namespace ?? null } : {};
  return JSON.stringify({ what, where });
}

/** What a timeline says about its run, as far as resuming needs it. */
export interface ResumeState {
  run: string;
  /** The run's first `run.started`: params, `--at`, targets and mode come from here. */
  started: RunStartedEvent;
  /** Every step that finished (last record wins), except those recorded `aborted`, which run again. */
  finished: Map<string, StepFinishedEvent>;
  /** Gated steps that started and never finished (or finished `aborted` after starting). */
  interrupted: Map<string, InterruptedStep>;
  /** The last `run.finished`, if the last session ended cleanly. */
  lastFinish?: RunFinishedEvent;
  /** How many sessions (`run.started` events) the timeline already holds. */
  sessions: number;
}

/**
 * Reads the state of the run in `events` (complete events in file order). Throws ResumeError when there is
 * no run, more than one run id, or the run was a dry run.
 */
export function readResumeState(events: readonly TimelineEvent[]): ResumeState {
  const first = events.find((e): e is RunStartedEvent => e.type === 'run.started' && !e.resumed)
    ?? events.find((e): e is RunStartedEvent => e.type === 'run.started');
  if (!first) throw new ResumeError('The timeline has no `run.started` event: there is no run to resume');
  if (first.mode === 'dry-run') throw new ResumeError('The timeline is of a dry run, which ran nothing; start a new run instead');
  const runs = new Set(events.filter((e) => e.type === 'run.started').map((e) => e.run));
  if (runs.size > 1) throw new ResumeError(`The timeline holds ${runs.size} different runs (${[...runs].join(', ')}); resume needs one`);

  const finished = new Map<string, StepFinishedEvent>();
  const started = new Map<string, StepStartedEvent>();
  const actions = new Map<string, number>();
  const approved = new Map<string, string>();
  let lastFinish: RunFinishedEvent | undefined;
  let sessions = 0;
  for (const event of events) {
    switch (event.type) {
      case 'run.started':
        sessions++;
        lastFinish = undefined;
        break;
      case 'run.finished':
        lastFinish = event;
        break;
      case 'step.started':
        started.set(event.step, event);
        finished.delete(event.step);
        actions.set(event.step, 0);
        break;
      case 'gate.decided':
        if (event.gate === 'step' && event.decision === 'approved') approved.set(event.step, contentKey(event.command, event.targets));
        break;
      case 'action.finished':
        if (event.role === 'action') actions.set(event.step, (actions.get(event.step) ?? 0) + 1);
        break;
      case 'step.finished':
        if (event.status === 'aborted') finished.delete(event.step);
        else {
          finished.set(event.step, event);
          started.delete(event.step);
        }
        break;
      default:
        break;
    }
  }
  const interrupted = new Map<string, InterruptedStep>();
  for (const [id, event] of started) {
    if (!event.gated) continue;
    const content = approved.get(id);
    interrupted.set(id, { step: id, kind: event.kind, startedAt: event.time, actionsFinished: actions.get(id) ?? 0, ...(content !== undefined ? { content } : {}) });
  }
  return { run: first.run, started: first, finished, interrupted, ...(lastFinish ? { lastFinish } : {}), sessions };
}

/** The steps still to run: from the first step without a `step.finished`, in document order. */
export function remainingSteps(runbook: Runbook, state: ResumeState): Step[] {
  const index = runbook.steps.findIndex((step) => !state.finished.has(step.id));
  return index === -1 ? [] : runbook.steps.slice(index);
}

/**
 * Outcomes of finished steps rebuilt from the timeline, so captures (`{{steps.id.name}}`) and `of=` checks
 * of later steps still work. Lossy by design: a process's output is its recorded (capped, redacted) excerpt.
 */
export function priorOutcomes(state: ResumeState): Map<string, StepOutcome> {
  const outcomes = new Map<string, StepOutcome>();
  for (const [id, event] of state.finished) {
    const outcome: StepOutcome = { status: event.status };
    // A capture the redactor masked has no value any more: never replay `[REDACTED]` into a later step.
    if (event.captures) outcome.captures = Object.fromEntries(Object.entries(event.captures).filter(([, value]) => !value.includes(REDACTED)));
    if (event.result) outcome.query = event.result;
    if (event.output) {
      outcome.process = {
        ...(event.output.exitCode !== undefined ? { exitCode: event.output.exitCode } : {}),
        stdout: event.output.excerpt,
        stderr: '',
        bytes: event.output.bytes,
        truncated: event.output.truncated,
        timedOut: false,
        aborted: false,
      };
    }
    outcomes.set(id, outcome);
  }
  return outcomes;
}

/** `10:14:03` (UTC) of an ISO time: how the terminal log shows times. */
export function clockTime(iso: string): string {
  return iso.slice(11, 19);
}

/** The warning shown at the gate of a step that may already have run. */
export function mayHaveRunWarning(step: InterruptedStep, asStep?: string): string {
  const actions = step.actionsFinished > 0 ? `; ${step.actionsFinished} of its action(s) finished before the run stopped` : '';
  const renamed = asStep !== undefined && asStep !== step.step ? `step \`${asStep}\` runs what step \`${step.step}\` was approved to run; that ` : 'step ';
  return `${renamed}${renamed === 'step ' ? `\`${step.step}\` ` : ''}started at ${clockTime(step.startedAt)} UTC and never finished: this may already have run at ${clockTime(step.startedAt)}${actions}`;
}

/** The interrupted step a gate request is about: the same id, or (renamed, moved) the same content. */
export function interruptedFor(request: Pick<GateRequest, 'step' | 'gate' | 'commands' | 'targets'>, interrupted: ReadonlyMap<string, InterruptedStep>): InterruptedStep | undefined {
  if (request.gate !== 'step') return undefined;
  const byId = interrupted.get(request.step);
  if (byId) return byId;
  const key = contentKey(request.commands, request.targets);
  for (const step of interrupted.values()) if (step.content === key) return step;
  return undefined;
}

/**
 * The gate of a resumed run. For an interrupted gated step it shows the warning (`onWarning`), then asks the
 * person (with the warning in the reason) or, without one, approves only when `--approve` names the step
 * itself; otherwise declines with `how: 'resume'`. Every other gate behaves as in `runbook run`.
 */
export function resumeGate(options: {
  approve: readonly string[];
  interrupted: ReadonlyMap<string, InterruptedStep>;
  interactive?: Gate;
  onWarning?: (message: string, step: InterruptedStep) => void | Promise<void>;
}): Gate {
  const normal = approvalGate({ approve: options.approve, ...(options.interactive ? { interactive: options.interactive } : {}) });
  return {
    async decide(request: GateRequest) {
      const interrupted = interruptedFor(request, options.interrupted);
      if (!interrupted) return normal.decide(request);
      const warning = mayHaveRunWarning(interrupted, request.step);
      await options.onWarning?.(warning, interrupted);
      if (options.approve.includes(request.step)) return { decision: 'approved', how: 'approve-flag' } satisfies GateVerdict;
      if (options.interactive) return options.interactive.decide({ ...request, reason: `${request.reason}; ${warning}` });
      return { decision: 'declined', how: 'resume' } satisfies GateVerdict;
    },
  };
}

/** How to resume: RunOptions without what comes from the timeline. */
export interface ResumeOptions extends Omit<RunOptions, 'params' | 'mode' | 'at' | 'targets' | 'gate' | 'approve'> {
  state: ResumeState;
  /** `--approve` of this resumption (approvals of earlier sessions are not carried over). */
  approve?: readonly string[];
  /** A person's gate (the TUI), if any. */
  interactive?: Gate;
  /** Called with the "may already have run" warning before an interrupted step's gate is decided. */
  onWarning?: (message: string, step: InterruptedStep) => void | Promise<void>;
}

/**
 * Continues the run: appends a `run.started` with `resumed: true` (same run id: the sink must be opened
 * with `state.run`), then runs the remaining steps. Finished steps' outcomes are handed to the executor as
 * `prior` so captures and `of=` checks resolve (this needs the `prior` hook of reliability request R3; until
 * it lands a later step that uses an earlier capture is refused before it starts, never run with a guess).
 */
export async function resumeRunbook(runbook: Runbook, options: ResumeOptions): Promise<RunResult> {
  const { state } = options;
  const approve = options.approve ?? [];
  const sink: TimelineSink = {
    append(event: NewEvent) {
      return options.sink.append(event.type === 'run.started' ? { ...event, resumed: true } : event);
    },
  };
  const remaining: Runbook = { ...runbook, steps: remainingSteps(runbook, state) };
  const started = state.started;
  const runOptions: RunOptions & { prior?: ReadonlyMap<string, StepOutcome> } = {
    runbookPath: options.runbookPath,
    sha256: options.sha256,
    params: { ...started.params },
    mode: started.mode,
    at: started.at ? new Date(started.at) : null,
    targets: { ...started.targets },
    approve,
    gate: resumeGate({
      approve,
      interrupted: state.interrupted,
      ...(options.interactive ? { interactive: options.interactive } : {}),
      ...(options.onWarning ? { onWarning: options.onWarning } : {}),
    }),
    sink,
    prior: priorOutcomes(state),
    roles: checkRoles(runbook),
    ...(options.priorEvents ? { priorEvents: options.priorEvents } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.deps ? { deps: options.deps } : {}),
  };
  return runRunbook(remaining, runOptions);
}
