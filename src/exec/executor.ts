/**
 * The executor: walks a runbook's steps in order, asks the gate before anything that may change a system,
 * runs each step with its runner, and appends every event to the timeline before the next action starts.
 * It never prints and never exits: it emits events to the sink and to listeners, and returns the outcome.
 */
import type { Position, Runbook } from '../model/index.js';
import { UsageError } from '../errors.js';
import type { CheckRole, NewEvent, RecordedQueryResult, RunMode, RunStatus, StepStatus, Targets, TimelineEvent } from '../timeline/events.js';
import { VERSION } from '../version.js';
import { RunContext } from './context.js';
import type { Gate } from './gate.js';
import { assessRun, checkRoles, type OutcomeReport } from './outcome.js';
import { planStep, PlanError, type PlanContext, type PlannedStep } from './plan.js';
import { createPrometheusDriver, type PrometheusClientFactory } from './prometheus.js';
import { spawnProcess, type ProcessResult, type SpawnFn } from './process.js';
import { runSteps } from './schedule.js';
import { captureMarker } from './step.js';

/** Where events go: the timeline store (or anything with its `append`). */
export interface TimelineSink {
  append(event: NewEvent): Promise<TimelineEvent>;
}

/** Everything the executor touches outside itself, injectable. */
export interface ExecDeps {
  spawn: SpawnFn;
  prometheus: PrometheusClientFactory;
  /** Wall clock. */
  clock: () => Date;
  /** Monotonic milliseconds, for durations and polling deadlines. */
  monotonic: () => number;
  /** Waits `ms`, resolving early when `signal` aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  user: string;
  host: string;
  /** Base environment of child processes (PATH, HOME, …). */
  env: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  /** Bytes of each output stream kept in memory (default 1 MiB). */
  maxOutputBytes: number;
  /** Bytes of output written to the timeline per step (default 8 KiB). */
  excerptBytes: number;
  /** Largest Prometheus response body accepted (default 64 MiB); a bigger one is a step error. */
  maxResponseBytes?: number;
  /** HTTP client of `trace` steps (Tempo / Jaeger query APIs). */
  fetch: typeof fetch;
  /**
   * TEST ONLY: treat every kubectl step as read-only (no gate), to prove the read-only proxy alone stops a
   * write. Defaults to `RUNBOOK_TEST_FORCE_KUBECTL_READ=1` in the environment; never set it in real use.
   */
  forceKubectlRead?: boolean;
  /**
   * Ungated kubectl commands go through a read-only `kubectl proxy` (src/exec/runners/kubectl-proxy.ts).
   * On by default with the real spawn; off by default when `spawn` is injected (a fake spawn reaches no cluster).
   */
  readOnlyProxy: boolean;
}

/** How to run. */
export interface RunOptions {
  /** Outcomes of steps that finished in an earlier session of this run (`runbook resume`), for captures and `of=`. */
  prior?: ReadonlyMap<string, StepOutcome>;
  /** Events of earlier sessions of this run (`runbook resume`), so the outcome covers the whole run. */
  priorEvents?: readonly TimelineEvent[];
  /** Check roles by step id, when `runbook` is not the whole runbook (resume runs only the remaining steps). */
  roles?: ReadonlyMap<string, CheckRole>;
  /** Path of the runbook as recorded; `sha256` of its bytes. */
  runbookPath: string;
  sha256: string;
  /** Parameter values, already checked with resolveParams. */
  params: Record<string, string>;
  mode: RunMode;
  /** `--at`, or null for now. */
  at: Date | null;
  targets: Targets;
  /** `--approve` values, recorded in `run.started` (the gate does the approving). */
  approve?: readonly string[];
  /** Events recorded right after `run.started`, before any step (the `alert.received` of a run from an alert). */
  afterStart?: readonly NewEvent[];
  /** Consulted for every gated step in `live` mode; without one every gate is declined (`non-interactive`). */
  gate?: Gate;
  sink: TimelineSink;
  /** Abort = Ctrl-C: the running step is stopped and recorded `aborted`; the run ends `interrupted`. */
  signal?: AbortSignal;
  /** Called with every event after it is on the timeline. */
  onEvent?: (event: TimelineEvent) => void;
  deps?: Partial<ExecDeps>;
  /**
   * Most reads (steps that only read) in flight at once (default 8). Reads start as soon as the steps whose
   * captures they use have finished; a gated step waits for everything before it, and everything after it waits
   * for it. 1 runs every step in runbook order, one at a time.
   */
  concurrency?: number;
}

/** The outcome of a run. */
export interface RunResult {
  status: RunStatus;
  counts: Record<StepStatus, number>;
  /** The planned steps (in a dry run: every step; otherwise the steps that were planned). */
  plan: PlannedStep[];
  /** Step outcomes by id. */
  steps: Map<string, StepOutcome>;
  /** What happened to the incident (src/exec/outcome.ts); `outcome.outcome` is recorded in `run.finished`. */
  outcome: OutcomeReport;
}

/** One step's outcome, kept for `of=` checks and captures. */
export interface StepOutcome {
  status: StepStatus;
  query?: RecordedQueryResult;
  process?: ProcessResult;
  captures?: Record<string, string>;
}

/** The exit code of a run's status: 0 ok, 1 failed/aborted/error, 130 interrupted. */
export function exitCodeForRun(status: RunStatus): number {
  switch (status) {
    case 'ok':
      return 0;
    case 'interrupted':
      return 130;
    default:
      return 1;
  }
}

export { captureMarker };

/** A step that cannot run, found before anything ran: a UsageError that knows the step and where it is. */
export class PreflightError extends UsageError {
  override name = 'PreflightError';
  constructor(
    readonly step: string,
    message: string,
    readonly position?: Position,
  ) {
    super(message);
  }
}

/**
 * Plans every step with captures shown as markers. Throws PreflightError (a UsageError) when a step cannot be
 * planned from the parameters alone (a missing value, a value that would start a flag, a bad attribute, a
 * kubectl command that needs a terminal or never ends), so nothing runs.
 */
export function preflight(runbook: Runbook, context: Omit<PlanContext, 'capture'>): PlannedStep[] {
  const plan: PlannedStep[] = [];
  for (const step of runbook.steps) {
    try {
      plan.push(planStep(step, { ...context, capture: captureMarker }));
    } catch (error) {
      const position = error instanceof PlanError ? (error.position ?? step.position) : step.position;
      throw new PreflightError(step.id, (error as Error).message, position);
    }
  }
  return plan;
}

/**
 * Checks `--approve` values: each must be `all`, a gated step's id, or `<id>:rollback` of a mitigation
 * with rollback commands. Throws UsageError.
 */
export function validateApprovals(plan: readonly PlannedStep[], approve: readonly string[]): void {
  const gated = plan.filter((p) => p.gated).map((p) => p.id);
  const rollbacks = plan.filter((p) => (p.mitigation?.rollback.length ?? 0) > 0).map((p) => `${p.id}:rollback`);
  for (const value of approve) {
    if (value === 'all' || gated.includes(value) || rollbacks.includes(value)) continue;
    const known = plan.some((p) => p.id === value);
    throw new UsageError(
      known
        ? `\`--approve ${value}\`: step \`${value}\` has no gate (it only reads); gated steps: ${list(gated)}`
        : `\`--approve ${value}\`: no gated step has this id; gated steps: ${list(gated)}`,
    );
  }
}

function list(ids: readonly string[]): string {
  return ids.length ? ids.map((id) => `\`${id}\``).join(', ') : 'none';
}

const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

function defaults(partial: Partial<ExecDeps> | undefined): ExecDeps {
  return {
    spawn: spawnProcess,
    prometheus: createPrometheusDriver,
    clock: () => new Date(),
    monotonic: () => performance.now(),
    sleep: defaultSleep,
    user: 'unknown',
    host: 'unknown',
    env: {},
    maxOutputBytes: 1024 * 1024,
    excerptBytes: 8 * 1024,
    fetch: globalThis.fetch,
    forceKubectlRead: process.env.RUNBOOK_TEST_FORCE_KUBECTL_READ === '1',
    readOnlyProxy: partial?.spawn === undefined,
    ...partial,
  };
}

/** Runs a runbook. Resolves with the outcome; rejects only when the timeline cannot be written. */
export async function runRunbook(runbook: Runbook, options: RunOptions): Promise<RunResult> {
  const deps = defaults(options.deps);
  const ctx = new RunContext(options, deps, runbook.steps, options.roles ?? checkRoles(runbook));
  const runStart = deps.monotonic();

  await ctx.emit({
    type: 'run.started',
    runbook: { path: options.runbookPath, sha256: options.sha256, title: runbook.meta.title },
    params: options.params,
    at: options.at ? options.at.toISOString() : null,
    mode: options.mode,
    user: deps.user,
    host: deps.host,
    tool: { name: 'runbook', version: VERSION },
    targets: options.targets,
    ...(options.approve && options.approve.length ? { approve: [...options.approve] } : {}),
  });
  for (const event of options.afterStart ?? []) await ctx.emit(event);

  let steps: Awaited<ReturnType<typeof runSteps>>;
  try {
    steps = await runSteps(ctx, runbook.steps);
  } finally {
    // Ungated kubectl went through read-only proxies: none outlives the run.
    await ctx.proxies.stop();
  }
  const { status, counts, plan } = steps;
  const outcome = assessRun(ctx.recorded, status);
  await ctx.emit({ type: 'run.finished', status, counts, durationMs: Math.round(deps.monotonic() - runStart), outcome: outcome.outcome });
  return { status, counts, plan, steps: ctx.outcomes, outcome };
}
