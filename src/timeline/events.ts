/**
 * Timeline event types: the append-only JSON Lines record of a run. This file is the single definition;
 * `schemas/timeline-event.schema.json` is generated from `timelineEventSchema` (src/timeline/schema.ts)
 * and documented in docs/timeline.md. Adding optional fields is compatible; renaming or removing is not.
 */
import type { Position, Targets } from '../model/index.js';

/** Version of the event format (`v` on every event). */
export const TIMELINE_VERSION = 1 as const;

/** How a run treats gates. */
export type RunMode = 'live' | 'dry-run' | 'read-only';

/** Outcome of one step. */
export type StepStatus = 'ok' | 'passed' | 'failed' | 'error' | 'skipped' | 'declined' | 'aborted';

/** Every step status, in display order. */
export const STEP_STATUSES: readonly StepStatus[] = ['ok', 'passed', 'failed', 'error', 'skipped', 'declined', 'aborted'];

/** Outcome of a whole run. */
export type RunStatus = 'ok' | 'failed' | 'aborted' | 'interrupted' | 'error';

/**
 * What happened to the incident, in the responder's words (recorded in `run.finished`, computed by
 * src/exec/outcome.ts): `no-symptoms` every symptom check passed; `symptoms-confirmed` a symptom was
 * confirmed and nothing was applied; `mitigated` a mitigation was applied and verified, no recovery check
 * fails; `not-recovered` a mitigation was applied but its verification or a later recovery check fails;
 * `aborted`, `interrupted`; `error` a step errored, so the picture is incomplete.
 */
export type RunOutcome = 'no-symptoms' | 'symptoms-confirmed' | 'mitigated' | 'not-recovered' | 'aborted' | 'interrupted' | 'error';

/** Every run outcome. */
export const RUN_OUTCOMES: readonly RunOutcome[] = ['no-symptoms', 'symptoms-confirmed', 'mitigated', 'not-recovered', 'aborted', 'interrupted', 'error'];

/** What a check tells: a symptom (failing = confirmed) or a recovery (failing = still broken). */
export type CheckRole = 'symptom' | 'recovery';

/** Fields every event has. */
export interface EventBase {
  /** Schema version. */
  v: typeof TIMELINE_VERSION;
  /** 1, 2, 3 … within the file; strictly increasing, also across `runbook resume` and `runbook note`. */
  seq: number;
  /** UTC, millisecond precision: `2025-10-26T10:20:00.123Z`. */
  time: string;
  /** Run id (stays the same when a run is resumed). */
  run: string;
}

/** Where a run points (defined with the plan in src/model/). */
export type { Targets };

/** First event of a run (and of every resumption, with `resumed: true`). */
export interface RunStartedEvent extends EventBase {
  type: 'run.started';
  runbook: { path: string; sha256: string; title: string };
  params: Record<string, string>;
  /** Evaluation instant for PromQL (`--at`), or null for "now". */
  at: string | null;
  mode: RunMode;
  user: string;
  host: string;
  tool: { name: 'runbook'; version: string };
  targets: Targets;
  /** Pre-approved gates (`--approve`). */
  approve?: string[];
  resumed?: boolean;
}

/** What a step will run, fully resolved. */
export interface StepCommand {
  /** PromQL query. */
  query?: string;
  /** Range of a range query. */
  range?: { start: string; end: string; step: string };
  /** Evaluation instant of an instant query. */
  time?: string;
  /** argv of a kubectl or sh process (sh: `['sh', '-c', script, …]`). */
  argv?: string[];
}

/** One series of a PromQL result, as recorded (values are strings, as Prometheus sends them). */
export interface RecordedSeries {
  labels: Record<string, string>;
  /** Instant result: [unix seconds, value]. */
  value?: [number, string];
  /** Range result: [unix seconds, value] pairs. */
  values?: Array<[number, string]>;
}

/** A PromQL result as recorded (capped: `seriesTotal` tells how many there were). */
export interface RecordedQueryResult {
  resultType: 'vector' | 'matrix' | 'scalar' | 'string';
  series: RecordedSeries[];
  seriesTotal: number;
}

/** Output of a process, capped. */
export interface RecordedOutput {
  exitCode?: number;
  /** First bytes of stdout (then stderr), redacted. */
  excerpt: string;
  truncated: boolean;
  bytes: number;
}

/** A step begins (for a gated step, after its gate was approved). */
export interface StepStartedEvent extends EventBase {
  type: 'step.started';
  step: string;
  /** The step's registered kind (src/steps/index.ts). */
  kind: string;
  title?: string;
  gated: boolean;
  command?: StepCommand;
  /** Where the step is in the runbook. */
  position?: Position;
  /** For checks: a symptom or a recovery check (by place in the runbook, or `role=`). */
  role?: CheckRole;
}

/** A step ends. */
export interface StepFinishedEvent extends EventBase {
  type: 'step.finished';
  step: string;
  status: StepStatus;
  durationMs: number;
  /** One line for people: "3 series, max 0.41", "FAIL: 2 of 3 series violate < 0.01", "exit 0". */
  summary?: string;
  result?: RecordedQueryResult;
  /** For checks: the series (or outputs) that violated the expectation. */
  violations?: RecordedSeries[];
  captures?: Record<string, string>;
  output?: RecordedOutput;
  /** For an error: the cause in plain words (e.g. Prometheus's own message). */
  error?: string;
}

/** Who decided a gate and how. */
export type GateHow = 'interactive' | 'approve-flag' | 'read-only' | 'non-interactive' | 'dry-run' | 'resume';

/** The decision at a confirmation gate; written before anything behind the gate runs. */
export interface GateDecidedEvent extends EventBase {
  type: 'gate.decided';
  step: string;
  /** `approved`, `skipped` (operator chose to skip), `declined` (no approval available), `aborted` (operator ended the run). */
  decision: 'approved' | 'skipped' | 'declined' | 'aborted';
  by: string;
  how: GateHow;
  /** What the gate guarded: the step itself, or a mitigation's rollback. */
  gate?: 'step' | 'rollback';
  /** What would run, as shown at the gate. */
  command?: StepCommand[];
  targets?: Targets;
}

/** One command inside a mitigation (action, or rollback) finished. */
export interface ActionFinishedEvent extends EventBase {
  type: 'action.finished';
  step: string;
  role: 'action' | 'rollback';
  index: number;
  command: StepCommand;
  status: 'ok' | 'error' | 'aborted';
  durationMs: number;
  output?: RecordedOutput;
  error?: string;
}

/** One poll of a mitigation's verifying check. */
export interface VerifyPolledEvent extends EventBase {
  type: 'verify.polled';
  step: string;
  attempt: number;
  passed: boolean;
  summary?: string;
  result?: RecordedQueryResult;
  violations?: RecordedSeries[];
}

/**
 * The alert a run was started from (`runbook run --alert` / `--alert-file`, `runbook serve`): right after
 * `run.started`. Redacted like every event.
 */
export interface AlertReceivedEvent extends EventBase {
  type: 'alert.received';
  /** The `alertname` label. */
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** When the alert started firing (Alertmanager's `startsAt`). */
  startsAt: string;
  endsAt?: string;
  fingerprint?: string;
  generatorURL?: string;
  /** Where the alert came from: an Alertmanager base URL, a file path, `-` (stdin) or `webhook`. */
  source: string;
}

/** The alert a run was started from resolved (`runbook serve`, after the run): appended to that run's timeline. */
export interface AlertResolvedEvent extends EventBase {
  type: 'alert.resolved';
  name: string;
  fingerprint?: string;
  /** When it stopped firing (Alertmanager's `endsAt`). */
  endsAt: string;
  source: string;
}

/** A note from the operator (UI `n`, or `runbook note` from another terminal). */
export interface NoteEvent extends EventBase {
  type: 'note';
  text: string;
  by: string;
}

/**
 * An ad-hoc step: one the runbook did not have, added by the responder during the incident (UI `:` or
 * `runbook exec`). Written before the step's own `gate.decided` / `step.started` / `step.finished`, which
 * carry the same `step` id. `runbook learn` turns these into steps of the runbook's next version.
 */
export interface StepAddedEvent extends EventBase {
  type: 'step.added';
  /** Id of the new step (unique in the run and in the runbook). */
  step: string;
  /** The step's registered kind (src/steps/index.ts). */
  kind: string;
  title?: string;
  /** The step's body as the responder gave it (templates such as `{{namespace}}` unrendered), redacted. */
  body: string;
  /** The runbook step that had finished last when it was added; absent when none had. */
  after?: string;
  /** Titles of the headings the responder was in, outermost first. */
  section?: string[];
  by: string;
  /** Where it was added: the run UI (`:`) or `runbook exec`. */
  via: 'ui' | 'exec';
}

/** Last event of a run. */
export interface RunFinishedEvent extends EventBase {
  type: 'run.finished';
  status: RunStatus;
  counts: Record<StepStatus, number>;
  durationMs: number;
  /** What happened to the incident (absent in timelines written before it was recorded). */
  outcome?: RunOutcome;
}

/** Any timeline event. */
export type TimelineEvent =
  | RunStartedEvent
  | StepStartedEvent
  | StepFinishedEvent
  | GateDecidedEvent
  | ActionFinishedEvent
  | VerifyPolledEvent
  | NoteEvent
  | AlertReceivedEvent
  | AlertResolvedEvent
  | StepAddedEvent
  | RunFinishedEvent;

/** An event before the store stamps `v`, `seq`, `time` and `run` on it. */
export type NewEvent = TimelineEvent extends infer E ? (E extends TimelineEvent ? Omit<E, keyof EventBase> : never) : never;
