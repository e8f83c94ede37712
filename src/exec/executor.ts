/**
 * The executor: walks a runbook's steps in order, asks the gate before anything that may change a system,
 * runs each step with its runner, and appends every event to the timeline before the next action starts.
 * It never prints and never exits: it emits events to the sink and to listeners, and returns the outcome.
 */
import type { Position, Runbook, Step } from '../model/index.js';
import { UsageError } from '../errors.js';
import type {
  CheckRole,
  EventBase,
  GateDecidedEvent,
  NewEvent,
  RecordedOutput,
  RecordedQueryResult,
  RunMode,
  RunStatus,
  StepFinishedEvent,
  StepStatus,
  Targets,
  TimelineEvent,
} from '../timeline/events.js';
import { STEP_STATUSES } from '../timeline/events.js';
import { VERSION } from '../version.js';
import { assertCommand, assertQuery, type AssertionOutcome } from './assert.js';
import { evaluateCaptures } from './capture.js';
import { isPreApproved, toVerdict, type Gate, type GateVerdict } from './gate.js';
import { assessRun, checkRoles, type OutcomeReport } from './outcome.js';
import { commandsOf, planStep, PlanError, stepCommand, type PlanContext, type PlannedCheck, type PlannedCommand, type PlannedProcess, type PlannedQuery, type PlannedStep } from './plan.js';
import { createPrometheusDriver, PrometheusQueryError, runQuery, summarizeResult, type PrometheusClientFactory } from './prometheus.js';
import { spawnProcess, type ProcessResult, type SpawnFn } from './process.js';
import { runTrace } from './runners/trace.js';
import { runLogs } from './runners/logs.js';
import { connectionOverride, createKubectlProxyPool } from './runners/kubectl-proxy.js';
import { isAccessReview } from '../steps/kubectl-verbs.js';

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
  /** Matches are replaced by `***` in recorded output. */
  redact: RegExp[];
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

/** Stands in for a capture in a dry run, where earlier steps have not run. */
export function captureMarker(step: string, name: string): string {
  return `<steps.${step}.${name}>`;
}

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
    redact: [],
    fetch: globalThis.fetch,
    forceKubectlRead: process.env.RUNBOOK_TEST_FORCE_KUBECTL_READ === '1',
    readOnlyProxy: partial?.spawn === undefined,
    ...partial,
  };
}

/** Most series recorded per result in the timeline (`seriesTotal` keeps the real count). */
const MAX_RECORDED_SERIES = 100;

/** Runs a runbook. Resolves with the outcome; rejects only when the timeline cannot be written. */
export async function runRunbook(runbook: Runbook, options: RunOptions): Promise<RunResult> {
  const deps = defaults(options.deps);
  const signal = options.signal ?? new AbortController().signal;
  const counts = Object.fromEntries(STEP_STATUSES.map((s) => [s, 0])) as Record<StepStatus, number>;
  const outcomes = new Map<string, StepOutcome>(options.prior ?? []);
  const plan: PlannedStep[] = [];
  const runStart = deps.monotonic();
  const baseContext = { params: options.params, targets: options.targets, at: options.at };

  const roles = options.roles ?? checkRoles(runbook);
  const recorded: TimelineEvent[] = [...(options.priorEvents ?? [])];
  const emit = async (event: NewEvent): Promise<TimelineEvent> => {
    const stamped = await options.sink.append(event);
    recorded.push(stamped);
    options.onEvent?.(stamped);
    return stamped;
  };

  await emit({
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
  for (const event of options.afterStart ?? []) await emit(event);

  let status: RunStatus = 'ok';
  // Ungated kubectl goes through read-only proxies (src/exec/runners/kubectl-proxy.ts), stopped when the run ends.
  const proxies = createKubectlProxyPool();
  let passedGate = false;
  try {
  for (const step of runbook.steps) {
    if (signal.aborted) {
      status = 'interrupted';
      break;
    }
    const { outcome, planned, stop } = await runStep(step);
    if (planned) plan.push(planned);
    counts[outcome.status]++;
    outcomes.set(step.id, outcome);
    if (outcome.status === 'aborted') {
      status = signal.aborted ? 'interrupted' : 'aborted';
      break;
    }
    if (outcome.status === 'failed' || outcome.status === 'error') status = 'failed';
    if (stop) break;
  }
  } finally {
    await proxies.stop();
  }
  if (signal.aborted) status = 'interrupted';

  const outcome = assessRun(recorded, status);
  await emit({ type: 'run.finished', status, counts, durationMs: Math.round(deps.monotonic() - runStart), outcome: outcome.outcome });
  return { status, counts, plan, steps: outcomes, outcome };

  // ---------------------------------------------------------------------------------------------------

  async function runStep(step: Step): Promise<{ outcome: StepOutcome; planned?: PlannedStep; stop?: boolean }> {
    const started = deps.monotonic();
    passedGate = false;
    const elapsed = (): number => Math.round(deps.monotonic() - started);
    const finish = async (fields: Omit<StepFinishedEvent, 'type' | 'step' | 'durationMs' | keyof EventBase>) => {
      await emit({ type: 'step.finished', step: step.id, durationMs: elapsed(), ...fields });
    };

    let planned: PlannedStep;
    try {
      planned = planStep(step, {
        ...baseContext,
        capture: options.mode === 'dry-run' ? captureMarker : (id, name) => outcomes.get(id)?.captures?.[name],
      });
    } catch (error) {
      // Refused before anything of the step ran (a missing capture, a value that would start a flag).
      const message = error instanceof PlanError ? error.message : String(error);
      await emit({ type: 'step.started', step: step.id, kind: step.kind, ...titleOf(step), gated: false, position: step.position });
      await finish({ status: 'error', summary: 'not run: refused before start', error: message });
      return { outcome: { status: 'error' } };
    }
    if (deps.forceKubectlRead && step.kind === 'kubectl' && planned.gated) planned = { ...planned, gated: false };

    const now = deps.clock();
    const commands = commandsOf(planned).map((c) => stepCommand(c, now));

    if (options.mode === 'dry-run') {
      if (planned.gated) await decideGate(planned, 'step', { decision: 'declined', how: 'dry-run' });
      else await emit(startedEvent(step, planned, commands, roles.get(step.id)));
      await finish({ status: 'skipped', summary: 'dry run: not executed' });
      return { outcome: { status: 'skipped' }, planned };
    }

    if (planned.gated) {
      const verdict = await decideGate(planned, 'step');
      if (verdict.decision !== 'approved') {
        const status: StepStatus = verdict.decision === 'aborted' ? 'aborted' : verdict.decision;
        await finish({ status, summary: gateSummary(verdict) });
        return { outcome: { status }, planned };
      }
      passedGate = true;
    }
    await emit(startedEvent(step, planned, commands, roles.get(step.id)));

    if (planned.mitigation) return { outcome: await runMitigation(planned, finish), planned };

    if (planned.logs) {
      const logsProcess = planned.logs.process;
      const spawnLogs: SpawnFn = async (request) => {
        const env = logsProcess ? await kubectlEnv(logsProcess, request.env) : { kind: 'ok' as const, env: request.env };
        return env.kind === 'ok' ? deps.spawn({ ...request, env: env.env }) : notStarted(env.error);
      };
      const read = await runLogs(planned.logs, { fetch: deps.fetch, spawn: spawnLogs, env: deps.env, ...(deps.cwd !== undefined ? { cwd: deps.cwd } : {}), clock: deps.clock, signal });
      if (read.kind === 'error') {
        await finish({ status: read.aborted ? 'aborted' : 'error', error: redact(read.error) });
        return { outcome: { status: read.aborted ? 'aborted' : 'error' }, planned };
      }
      const excerpt = redact(read.text);
      await finish({
        status: 'ok',
        summary: redact(read.summary),
        result: read.result,
        ...(Object.keys(read.captures).length ? { captures: read.captures } : {}),
        output: { excerpt, truncated: false, bytes: Buffer.byteLength(excerpt) },
      });
      return { outcome: { status: 'ok', captures: read.captures, query: read.result }, planned };
    }

    if (planned.trace) {
      const traced = await runTrace(planned.trace, { fetch: deps.fetch, clock: deps.clock, signal });
      if (traced.kind === 'error') {
        await finish({ status: traced.aborted ? 'aborted' : 'error', error: redact(traced.error) });
        return { outcome: { status: traced.aborted ? 'aborted' : 'error' }, planned };
      }
      const excerpt = redact(traced.text);
      await finish({
        status: 'ok',
        summary: redact(traced.summary),
        result: traced.result,
        ...(Object.keys(traced.captures).length ? { captures: traced.captures } : {}),
        output: { excerpt, truncated: false, bytes: Buffer.byteLength(excerpt) },
      });
      return { outcome: { status: 'ok', captures: traced.captures, query: traced.result }, planned };
    }

    if (planned.check) {
      let checked = await runCheck(planned.check);
      let polls = 1;
      // `within=` makes a check wait for a condition (e.g. a rollout finishing) instead of judging at once.
      // A recovery check waits for a recovery some mitigation started: with none applied in this run (read-only,
      // declined), waiting could only delay the picture, so it is judged once.
      const poll = planned.poll && (roles.get(step.id) !== 'recovery' || recorded.some((e) => e.type === 'action.finished' && e.role === 'action')) ? planned.poll : undefined;
      if (poll) {
        const deadline = deps.monotonic() + poll.withinMs;
        while (checked.kind === 'done' && !checked.outcome.passed && !signal.aborted && deps.monotonic() + poll.everyMs <= deadline) {
          await deps.sleep(poll.everyMs, signal);
          if (signal.aborted) break;
          checked = await runCheck(planned.check);
          polls++;
        }
        if (signal.aborted && checked.kind === 'done' && !checked.outcome.passed) checked = { kind: 'error', error: 'interrupted', aborted: true };
      }
      if (checked.kind === 'error') {
        await finish({ status: checked.aborted ? 'aborted' : 'error', error: checked.error, ...outputFields(checked.process) });
        return { outcome: { status: checked.aborted ? 'aborted' : 'error' }, planned };
      }
      const checkStatus: StepStatus = checked.outcome.passed ? 'passed' : 'failed';
      const pollNote = poll ? ` (${polls} poll${polls === 1 ? '' : 's'} within ${poll.withinMs / 1000}s)` : '';
      await finish({
        status: checkStatus,
        summary: checked.outcome.summary + pollNote,
        ...(checked.query ? { result: capResult(checked.query) } : {}),
        ...(checked.outcome.violations.length ? { violations: checked.outcome.violations.slice(0, MAX_RECORDED_SERIES) } : {}),
        ...outputFields(checked.process),
      });
      return {
        outcome: { status: checkStatus, ...(checked.query ? { query: checked.query } : {}), ...(checked.process ? { process: checked.process } : {}) },
        planned,
        stop: checkStatus === 'failed' && planned.onFail === 'stop',
      };
    }

    const command = planned.command!;
    const ran = await runCommand(command);
    if (ran.kind === 'error') {
      const stepStatus: StepStatus = ran.aborted ? 'aborted' : 'error';
      await finish({ status: stepStatus, error: ran.error, ...outputFields(ran.process) });
      return { outcome: { status: stepStatus, ...(ran.process ? { process: ran.process } : {}) }, planned };
    }
    const { values: captures, missing } = evaluateCaptures(planned.captures, ran.query ? { query: ran.query } : { text: ran.process?.stdout ?? '' });
    const summary = (ran.query ? summarizeResult(ran.query) : processSummary(ran.process!)) + (missing.length ? `; nothing captured for ${missing.join(', ')}` : '');
    await finish({
      status: 'ok',
      summary,
      ...(ran.query ? { result: capResult(ran.query) } : {}),
      ...(Object.keys(captures).length ? { captures } : {}),
      ...outputFields(ran.process),
    });
    return {
      outcome: { status: 'ok', captures, ...(ran.query ? { query: ran.query } : {}), ...(ran.process ? { process: ran.process } : {}) },
      planned,
    };
  }

  async function decideGate(planned: PlannedStep, gate: 'step' | 'rollback', fixed?: GateVerdict): Promise<GateVerdict> {
    const commandsPlanned: PlannedCommand[] = gate === 'rollback' ? planned.mitigation!.rollback : commandsOf(planned);
    const now = deps.clock();
    const commands = commandsPlanned.map((c) => stepCommand(c, now));
    let verdict: GateVerdict;
    if (fixed) verdict = fixed;
    else if (options.mode === 'read-only') verdict = { decision: 'declined', how: 'read-only' };
    else if (signal.aborted) verdict = { decision: 'aborted', how: 'interactive' };
    else if (options.gate) {
      verdict = toVerdict(
        await options.gate.decide({
          step: planned.id,
          kind: planned.kind,
          ...(planned.title !== undefined ? { title: planned.title } : {}),
          gate,
          reason: gate === 'rollback' ? 'the verification failed; the rollback changes a system' : (planned.reason ?? 'gated'),
          commands,
          env: commandsPlanned.map((c) => (c.runner === 'promql' ? {} : c.env)),
          targets: options.targets,
          signal,
        }),
      );
      // Interrupted while the gate waited: nothing behind it may run.
      if (signal.aborted && verdict.decision === 'approved') verdict = { decision: 'aborted', how: verdict.how };
    } else {
      verdict = isPreApproved(options.approve ?? [], planned.id, gate)
        ? { decision: 'approved', how: 'approve-flag' }
        : { decision: 'declined', how: 'non-interactive' };
    }
    const event: Omit<GateDecidedEvent, keyof EventBase> = {
      type: 'gate.decided',
      step: planned.id,
      decision: verdict.decision,
      by: verdict.by ?? deps.user,
      how: verdict.how,
      gate,
      command: commands,
      targets: options.targets,
    };
    await emit(event);
    return verdict;
  }

  type CommandRun =
    | { kind: 'ok'; query?: RecordedQueryResult; process?: ProcessResult }
    | { kind: 'error'; error: string; aborted: boolean; process?: ProcessResult };

  async function runCommand(command: PlannedCommand): Promise<CommandRun> {
    if (command.runner === 'promql') return runPromql(command);
    return runProcess(command);
  }

  async function runPromql(command: PlannedQuery): Promise<CommandRun> {
    if (!command.prometheus) {
      return {
        kind: 'error',
        aborted: false,
        error: 'No Prometheus URL: pass `--prometheus`, set `prometheus` in the front matter, RUNBOOK_PROMETHEUS_URL, or `.runbookrc`',
      };
    }
    const end = command.at ?? deps.clock();
    try {
      const query = await runQuery(deps.prometheus, {
        url: command.prometheus,
        query: command.query,
        time: end,
        ...(command.range
          ? { range: { start: new Date(end.getTime() - command.range.ms), end, stepSeconds: command.range.stepSeconds } }
          : {}),
        timeoutMs: command.timeoutMs,
        signal,
        ...(deps.maxResponseBytes !== undefined ? { maxResponseBytes: deps.maxResponseBytes } : {}),
      });
      return { kind: 'ok', query };
    } catch (error) {
      if (error instanceof PrometheusQueryError) return { kind: 'error', error: error.message, aborted: error.kind === 'aborted' };
      return { kind: 'error', error: String(error), aborted: signal.aborted };
    }
  }

  /** Spawns a planned command; one that did not run to its end (interrupted, not found, timed out) is an error. */
  async function spawnPlanned(
    command: PlannedProcess,
  ): Promise<{ kind: 'error'; error: string; aborted: boolean; process: ProcessResult } | { kind: 'exited'; process: ProcessResult }> {
    const env = await kubectlEnv(command, { ...deps.env, ...command.env });
    if (env.kind === 'error') return { kind: 'error', error: env.error, aborted: false, process: notStarted(env.error) };
    const process = await deps.spawn({
      argv: command.argv,
      env: env.env,
      ...(deps.cwd !== undefined ? { cwd: deps.cwd } : {}),
      timeoutMs: command.timeoutMs,
      signal,
      maxBytes: deps.maxOutputBytes,
    });
    if (process.aborted) return { kind: 'error', error: 'interrupted', aborted: true, process };
    if (process.spawnError) return { kind: 'error', error: process.spawnError, aborted: false, process };
    if (process.timedOut) return { kind: 'error', error: `timed out after ${command.timeoutMs / 1000}s; its process group was killed`, aborted: false, process };
    return { kind: 'exited', process };
  }

  async function runProcess(command: PlannedProcess): Promise<CommandRun> {
    const spawned = await spawnPlanned(command);
    if (spawned.kind === 'error') return spawned;
    const { process } = spawned;
    if (process.exitCode !== 0) {
      const firstLine = process.stderr.trim().split('\n')[0] ?? '';
      return {
        kind: 'error',
        error: `exit ${process.exitCode ?? process.signal ?? '?'}${firstLine ? `: ${redact(firstLine)}` : ''}`,
        aborted: false,
        process,
      };
    }
    return { kind: 'ok', process };
  }

  /**
   * The environment of a process: a kubectl command of a step that did not pass a gate talks to the cluster only
   * through the read-only proxy (access reviews aside: they POST a review that changes nothing).
   */
  async function kubectlEnv(
    command: PlannedProcess,
    env: Readonly<Record<string, string | undefined>>,
  ): Promise<{ kind: 'ok'; env: Readonly<Record<string, string | undefined>> } | { kind: 'error'; error: string }> {
    if (!deps.readOnlyProxy || command.runner !== 'kubectl' || passedGate || isAccessReview(command.argv.slice(1))) return { kind: 'ok', env };
    const override = connectionOverride(command.argv);
    if (override !== undefined) return { kind: 'error', error: `refused: \`${override}\` would point an ungated kubectl command past the read-only proxy` };
    return proxies.route(command.argv[0] ?? 'kubectl', command.target?.context, env);
  }

  type CheckRun =
    | { kind: 'done'; outcome: AssertionOutcome; query?: RecordedQueryResult; process?: ProcessResult }
    | { kind: 'error'; error: string; aborted: boolean; process?: ProcessResult };

  async function runCheck(check: PlannedCheck): Promise<CheckRun> {
    if (check.of !== undefined) {
      const earlier = outcomes.get(check.of);
      if (earlier?.query) return { kind: 'done', outcome: assertQuery(earlier.query, check.expectation), query: earlier.query };
      if (earlier?.process) {
        return { kind: 'done', outcome: assertCommand(earlier.process.exitCode, earlier.process.stdout, check.expectExit, check.match) };
      }
      return {
        kind: 'error',
        aborted: false,
        error: earlier
          ? `\`of=${check.of}\`: step \`${check.of}\` has no result (it ended \`${earlier.status}\`)`
          : `\`of=${check.of}\`: no earlier step \`${check.of}\` has run`,
      };
    }
    const command = check.command!;
    if (command.runner === 'promql') {
      const ran = await runPromql(command);
      if (ran.kind === 'error') return ran;
      return { kind: 'done', outcome: assertQuery(ran.query!, check.expectation), query: ran.query! };
    }
    const spawned = await spawnPlanned(command);
    if (spawned.kind === 'error') return spawned;
    const { process } = spawned;
    return { kind: 'done', outcome: assertCommand(process.exitCode, process.stdout, check.expectExit, check.match), process };
  }

  async function runMitigation(
    planned: PlannedStep,
    finish: (fields: Omit<StepFinishedEvent, 'type' | 'step' | 'durationMs' | keyof EventBase>) => Promise<void>,
  ): Promise<StepOutcome> {
    const m = planned.mitigation!;
    const actionsOk = await runActions(planned, m.actions, 'action');
    if (actionsOk !== 'ok') {
      await finish({ status: actionsOk, summary: actionsOk === 'aborted' ? 'interrupted during an action' : 'an action failed' });
      return { status: actionsOk };
    }
    if (!m.verify) {
      await finish({ status: 'ok', summary: `${m.actions.length} action(s) ran; no verification` });
      return { status: 'ok' };
    }
    const deadline = deps.monotonic() + m.withinMs;
    let attempt = 0;
    let last: CheckRun | undefined;
    for (;;) {
      attempt++;
      last = await runCheck(m.verify);
      if (last.kind === 'error' && last.aborted) {
        await finish({ status: 'aborted', summary: `interrupted during verification (attempt ${attempt})` });
        return { status: 'aborted' };
      }
      const passed = last.kind === 'done' && last.outcome.passed;
      await emit({
        type: 'verify.polled',
        step: planned.id,
        attempt,
        passed,
        summary: last.kind === 'done' ? last.outcome.summary : `error: ${last.error}`,
        ...(last.kind === 'done' && last.query ? { result: capResult(last.query) } : {}),
        ...(last.kind === 'done' && last.outcome.violations.length ? { violations: last.outcome.violations.slice(0, MAX_RECORDED_SERIES) } : {}),
      });
      if (passed) {
        await finish({ status: 'ok', summary: `verified after ${attempt} poll(s): ${(last as { outcome: AssertionOutcome }).outcome.summary}` });
        return { status: 'ok' };
      }
      if (deps.monotonic() + m.everyMs > deadline) break;
      await deps.sleep(m.everyMs, signal);
      if (signal.aborted) {
        await finish({ status: 'aborted', summary: `interrupted during verification (attempt ${attempt})` });
        return { status: 'aborted' };
      }
    }
    const lastSummary = last.kind === 'done' ? last.outcome.summary : `error: ${last.error}`;
    let rollbackNote = '';
    if (m.rollback.length > 0) {
      const verdict = await decideGate(planned, 'rollback');
      if (verdict.decision === 'approved') {
        const rolled = await runActions(planned, m.rollback, 'rollback');
        rollbackNote = rolled === 'ok' ? '; rolled back' : rolled === 'aborted' ? '; interrupted during rollback' : '; rollback failed';
        if (rolled === 'aborted') {
          await finish({ status: 'aborted', summary: `verification failed after ${attempt} poll(s)${rollbackNote}` });
          return { status: 'aborted' };
        }
      } else {
        rollbackNote = `; rollback ${verdict.decision}`;
        if (verdict.decision === 'aborted') {
          await finish({ status: 'aborted', summary: `verification failed after ${attempt} poll(s)${rollbackNote}` });
          return { status: 'aborted' };
        }
      }
    }
    await finish({
      status: 'failed',
      summary: `verification failed after ${attempt} poll(s) within ${m.withinMs / 1000}s: ${lastSummary}${rollbackNote}`,
      ...(last.kind === 'done' && last.outcome.violations.length ? { violations: last.outcome.violations.slice(0, MAX_RECORDED_SERIES) } : {}),
    });
    return { status: 'failed' };
  }

  async function runActions(planned: PlannedStep, actions: readonly PlannedProcess[], role: 'action' | 'rollback'): Promise<'ok' | 'error' | 'aborted'> {
    for (const [index, action] of actions.entries()) {
      const started = deps.monotonic();
      const ran = await runProcess(action);
      const status = ran.kind === 'ok' ? 'ok' : ran.aborted ? 'aborted' : 'error';
      await emit({
        type: 'action.finished',
        step: planned.id,
        role,
        index,
        command: stepCommand(action, deps.clock()),
        status,
        durationMs: Math.round(deps.monotonic() - started),
        ...(ran.process ? { output: recordOutput(ran.process) } : {}),
        ...(ran.kind === 'error' ? { error: ran.error } : {}),
      });
      if (status !== 'ok') return status;
    }
    return 'ok';
  }

  function outputFields(process: ProcessResult | undefined): { output?: RecordedOutput } {
    return process ? { output: recordOutput(process) } : {};
  }

  function recordOutput(process: ProcessResult): RecordedOutput {
    const all = process.stdout + (process.stderr ? (process.stdout && !process.stdout.endsWith('\n') ? '\n' : '') + process.stderr : '');
    const bytes = Buffer.from(all, 'utf8');
    const cut = bytes.length > deps.excerptBytes;
    const excerpt = redact(cut ? bytes.subarray(0, deps.excerptBytes).toString('utf8').replace(/\uFFFD$/, '') : all);
    return {
      ...(process.exitCode !== undefined ? { exitCode: process.exitCode } : {}),
      excerpt,
      truncated: cut || process.truncated,
      bytes: process.bytes,
    };
  }

  function redact(text: string): string {
    let out = text;
    for (const pattern of deps.redact) out = out.replace(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`), '***');
    return out;
  }
}

function notStarted(error: string): ProcessResult {
  return { stdout: '', stderr: '', bytes: 0, truncated: false, timedOut: false, aborted: false, spawnError: error };
}

function titleOf(step: Step): { title?: string } {
  return step.title !== undefined ? { title: step.title } : {};
}

function startedEvent(step: Step, planned: PlannedStep, commands: ReturnType<typeof stepCommand>[], role: CheckRole | undefined): NewEvent {
  return {
    type: 'step.started',
    step: step.id,
    kind: step.kind,
    ...titleOf(step),
    gated: planned.gated,
    ...(commands[0] ? { command: commands[0] } : {}),
    position: step.position,
    ...(role ? { role } : {}),
  };
}

function gateSummary(verdict: GateVerdict): string {
  return `gate ${verdict.decision} (${verdict.how})`;
}

function processSummary(process: ProcessResult): string {
  const lines = process.stdout.split('\n').filter((l) => l.trim() !== '').length;
  return `exit ${process.exitCode ?? '?'}, ${lines} line${lines === 1 ? '' : 's'} of output${process.truncated ? ' (truncated)' : ''}`;
}

function capResult(result: RecordedQueryResult): RecordedQueryResult {
  return result.series.length > MAX_RECORDED_SERIES ? { ...result, series: result.series.slice(0, MAX_RECORDED_SERIES) } : result;
}
