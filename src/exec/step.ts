/**
 * One step of a run: plan it with the captures it may see, pass its gate, run it with its runner (polling a
 * check's `within=` and a mitigation's verification with the one `poll()`), and record `step.finished`.
 */
import type { Step } from '../model/index.js';
import type { CheckRole, EventBase, NewEvent, RecordedOutput, RecordedQueryResult, StepFinishedEvent, StepStatus } from '../timeline/events.js';
import { assertCommand, assertQuery, type AssertionOutcome } from './assert.js';
import { evaluateCaptures } from './capture.js';
import type { RunContext } from './context.js';
import type { StepOutcome } from './executor.js';
import type { GateVerdict } from './gate.js';
import { commandsOf, planStep, PlanError, stepCommand, type PlannedCheck, type PlannedCommand, type PlannedProcess, type PlannedStep } from './plan.js';
import { poll } from './poll.js';
import { summarizeResult } from './prometheus.js';
import type { ProcessResult, SpawnFn } from './process.js';
import { runLogs } from './runners/logs.js';
import { notStarted, runProcess, spawnPlanned } from './runners/process.js';
import { runPromql } from './runners/prometheus.js';
import { runTrace } from './runners/trace.js';
import type { CommandRun, RunnerIO } from './runners/types.js';

/** Most series recorded per result in the timeline (`seriesTotal` keeps the real count). */
const MAX_RECORDED_SERIES = 100;

/** What a step ended with; `stop` when a failed `on-fail=stop` check ends the run. */
export interface StepRun {
  outcome: StepOutcome;
  planned?: PlannedStep;
  stop?: boolean;
}

type Finish = (fields: Omit<StepFinishedEvent, 'type' | 'step' | 'durationMs' | keyof EventBase>) => Promise<void>;

type CheckRun =
  | { kind: 'done'; outcome: AssertionOutcome; query?: RecordedQueryResult; process?: ProcessResult }
  | { kind: 'error'; error: string; aborted: boolean; process?: ProcessResult };

/** Stands in for a capture in a dry run, where earlier steps have not run. */
export function captureMarker(step: string, name: string): string {
  return `<steps.${step}.${name}>`;
}

/** Runs the step at runbook position `index`. Never throws for a failing step; rejects only when the timeline cannot be written. */
export async function runStep(ctx: RunContext, step: Step, index: number): Promise<StepRun> {
  const { deps, options } = ctx;
  const started = deps.monotonic();
  const finish: Finish = async (fields) => {
    await ctx.emit({ type: 'step.finished', step: step.id, durationMs: Math.round(deps.monotonic() - started), ...fields });
  };

  let planned: PlannedStep;
  try {
    planned = planStep(step, {
      params: options.params,
      targets: options.targets,
      at: options.at,
      capture: options.mode === 'dry-run' ? captureMarker : (id, name) => ctx.outcomeFor(index, id)?.captures?.[name],
    });
  } catch (error) {
    // Refused before anything of the step ran (a missing capture, a value that would start a flag).
    const message = error instanceof PlanError ? error.message : String(error);
    await ctx.emit({ type: 'step.started', step: step.id, kind: step.kind, ...titleOf(step), gated: false, position: step.position });
    await finish({ status: 'error', summary: 'not run: refused before start', error: message });
    return { outcome: { status: 'error' } };
  }
  if (deps.forceKubectlRead && step.kind === 'kubectl' && planned.gated) planned = { ...planned, gated: false };

  const now = deps.clock();
  const commands = commandsOf(planned).map((c) => stepCommand(c, now));

  if (options.mode === 'dry-run') {
    if (planned.gated) await ctx.decideGate(planned, 'step', { decision: 'declined', how: 'dry-run' });
    else await ctx.emit(startedEvent(step, planned, commands, ctx.roles.get(step.id)));
    await finish({ status: 'skipped', summary: 'dry run: not executed' });
    return { outcome: { status: 'skipped' }, planned };
  }

  let passedGate = false;
  if (planned.gated) {
    const verdict = await ctx.decideGate(planned, 'step');
    if (verdict.decision !== 'approved') {
      const status: StepStatus = verdict.decision === 'aborted' ? 'aborted' : verdict.decision;
      await finish({ status, summary: gateSummary(verdict) });
      return { outcome: { status }, planned };
    }
    passedGate = true;
  }
  // Per step, not per run: with reads in flight beside it, one step's approval never opens another's path.
  const io = ctx.stepIO(passedGate);
  await ctx.emit(startedEvent(step, planned, commands, ctx.roles.get(step.id)));

  if (planned.mitigation) return { outcome: await runMitigation(ctx, io, planned, index, finish), planned };

  // logs and trace steps: their runners summarise and capture by field.
  const logsProcess = planned.logs?.process;
  const spawnLogs: SpawnFn = async (request) => {
    const routed = logsProcess ? await io.processEnv!(logsProcess, request.env) : { kind: 'ok' as const, env: request.env };
    return routed.kind === 'ok' ? deps.spawn({ ...request, env: routed.env }) : notStarted(routed.error);
  };
  const read = planned.logs
    ? await runLogs(planned.logs, { fetch: deps.fetch, spawn: spawnLogs, env: deps.env, ...(deps.cwd !== undefined ? { cwd: deps.cwd } : {}), clock: deps.clock, signal: ctx.signal })
    : planned.trace
      ? await runTrace(planned.trace, { fetch: deps.fetch, clock: deps.clock, signal: ctx.signal })
      : undefined;
  if (read) {
    if (read.kind === 'error') {
      await finish({ status: read.aborted ? 'aborted' : 'error', error: read.error });
      return { outcome: { status: read.aborted ? 'aborted' : 'error' }, planned };
    }
    await finish({
      status: 'ok',
      summary: read.summary,
      result: read.result,
      ...(Object.keys(read.captures).length ? { captures: read.captures } : {}),
      output: { excerpt: read.text, truncated: false, bytes: Buffer.byteLength(read.text) },
    });
    return { outcome: { status: 'ok', captures: read.captures, query: read.result }, planned };
  }

  if (planned.check) return runCheckStep(ctx, io, planned, index, finish);

  const ran = await runCommand(io, planned.command!);
  if (ran.kind === 'error') {
    const stepStatus: StepStatus = ran.aborted ? 'aborted' : 'error';
    await finish({ status: stepStatus, error: ran.error, ...outputFields(ctx, ran.process) });
    return { outcome: { status: stepStatus, ...(ran.process ? { process: ran.process } : {}) }, planned };
  }
  const { values: captures, missing } = evaluateCaptures(planned.captures, ran.query ? { query: ran.query } : { text: ran.process?.stdout ?? '' });
  const summary = (ran.query ? summarizeResult(ran.query) : processSummary(ran.process!)) + (missing.length ? `; nothing captured for ${missing.join(', ')}` : '');
  await finish({
    status: 'ok',
    summary,
    ...(ran.query ? { result: capResult(ran.query) } : {}),
    ...(Object.keys(captures).length ? { captures } : {}),
    ...outputFields(ctx, ran.process),
  });
  return {
    outcome: { status: 'ok', captures, ...(ran.query ? { query: ran.query } : {}), ...(ran.process ? { process: ran.process } : {}) },
    planned,
  };
}

function runCommand(io: RunnerIO, command: PlannedCommand): Promise<CommandRun> {
  return command.runner === 'promql' ? runPromql(command, io) : runProcess(command, io);
}

async function runCheckStep(ctx: RunContext, io: RunnerIO, planned: PlannedStep, index: number, finish: Finish): Promise<StepRun> {
  const check = planned.check!;
  let checked: CheckRun;
  let polls = 1;
  // `within=` makes a check wait for a condition (e.g. a rollout finishing) instead of judging at once.
  // A recovery check waits for a recovery some mitigation started: with none applied in this run (read-only,
  // declined), waiting could only delay the picture, so it is judged once.
  const pollSpec =
    planned.poll && (ctx.roles.get(planned.id) !== 'recovery' || ctx.recorded.some((e) => e.type === 'action.finished' && e.role === 'action')) ? planned.poll : undefined;
  if (pollSpec) {
    // Ctrl-C while waiting judges the last answer (the run ends interrupted anyway).
    const polled = await poll(pollSpec, () => runCheck(ctx, io, check, index), (c) => c.kind === 'done' && !c.outcome.passed, ctx.deps, ctx.signal);
    checked = polled.last;
    polls = polled.attempts;
  } else {
    checked = await runCheck(ctx, io, check, index);
  }
  if (checked.kind === 'error') {
    await finish({ status: checked.aborted ? 'aborted' : 'error', error: checked.error, ...outputFields(ctx, checked.process) });
    return { outcome: { status: checked.aborted ? 'aborted' : 'error' }, planned };
  }
  const checkStatus: StepStatus = checked.outcome.passed ? 'passed' : 'failed';
  const pollNote = pollSpec ? ` (${polls} poll${polls === 1 ? '' : 's'} within ${pollSpec.withinMs / 1000}s)` : '';
  await finish({
    status: checkStatus,
    summary: checked.outcome.summary + pollNote,
    ...(checked.query ? { result: capResult(checked.query) } : {}),
    ...(checked.outcome.violations.length ? { violations: checked.outcome.violations.slice(0, MAX_RECORDED_SERIES) } : {}),
    ...outputFields(ctx, checked.process),
  });
  return {
    outcome: { status: checkStatus, ...(checked.query ? { query: checked.query } : {}), ...(checked.process ? { process: checked.process } : {}) },
    planned,
    stop: checkStatus === 'failed' && planned.onFail === 'stop',
  };
}

async function runCheck(ctx: RunContext, io: RunnerIO, check: PlannedCheck, index: number): Promise<CheckRun> {
  if (check.of !== undefined) {
    const earlier = ctx.outcomeFor(index, check.of);
    if (earlier?.query) return { kind: 'done', outcome: assertQuery(earlier.query, check.expectation), query: earlier.query };
    if (earlier?.process) {
      return { kind: 'done', outcome: assertCommand(earlier.process.exitCode, earlier.process.stdout, check.expectExit, check.match) };
    }
    return {
      kind: 'error',
      aborted: false,
      error: earlier ? `\`of=${check.of}\`: step \`${check.of}\` has no result (it ended \`${earlier.status}\`)` : `\`of=${check.of}\`: no earlier step \`${check.of}\` has run`,
    };
  }
  const command = check.command!;
  if (command.runner === 'promql') {
    const ran = await runPromql(command, io);
    if (ran.kind === 'error') return ran;
    return { kind: 'done', outcome: assertQuery(ran.query!, check.expectation), query: ran.query! };
  }
  const spawned = await spawnPlanned(command, io);
  if (spawned.kind === 'error') return spawned;
  const { process } = spawned;
  return { kind: 'done', outcome: assertCommand(process.exitCode, process.stdout, check.expectExit, check.match), process };
}

async function runMitigation(ctx: RunContext, io: RunnerIO, planned: PlannedStep, index: number, finish: Finish): Promise<StepOutcome> {
  const m = planned.mitigation!;
  const actionsOk = await runActions(ctx, io, planned, m.actions, 'action');
  if (actionsOk !== 'ok') {
    await finish({ status: actionsOk, summary: actionsOk === 'aborted' ? 'interrupted during an action' : 'an action failed' });
    return { status: actionsOk };
  }
  if (!m.verify) {
    await finish({ status: 'ok', summary: `${m.actions.length} action(s) ran; no verification` });
    return { status: 'ok' };
  }
  const verify = m.verify;
  const attemptOnce = async (attempt: number): Promise<CheckRun> => {
    const result = await runCheck(ctx, io, verify, index);
    if (result.kind === 'error' && result.aborted) return result;
    await ctx.emit({
      type: 'verify.polled',
      step: planned.id,
      attempt,
      passed: result.kind === 'done' && result.outcome.passed,
      summary: result.kind === 'done' ? result.outcome.summary : `error: ${result.error}`,
      ...(result.kind === 'done' && result.query ? { result: capResult(result.query) } : {}),
      ...(result.kind === 'done' && result.outcome.violations.length ? { violations: result.outcome.violations.slice(0, MAX_RECORDED_SERIES) } : {}),
    });
    return result;
  };
  const stillFailing = (c: CheckRun): boolean => !(c.kind === 'error' && c.aborted) && !(c.kind === 'done' && c.outcome.passed);
  const { last, attempts: attempt, interrupted } = await poll(m, attemptOnce, stillFailing, ctx.deps, ctx.signal);
  if (interrupted || (last.kind === 'error' && last.aborted)) {
    await finish({ status: 'aborted', summary: `interrupted during verification (attempt ${attempt})` });
    return { status: 'aborted' };
  }
  if (last.kind === 'done' && last.outcome.passed) {
    await finish({ status: 'ok', summary: `verified after ${attempt} poll(s): ${last.outcome.summary}` });
    return { status: 'ok' };
  }
  const lastSummary = last.kind === 'done' ? last.outcome.summary : `error: ${last.error}`;
  let rollbackNote = '';
  if (m.rollback.length > 0) {
    const verdict = await ctx.decideGate(planned, 'rollback');
    if (verdict.decision === 'approved') {
      const rolled = await runActions(ctx, io, planned, m.rollback, 'rollback');
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

async function runActions(ctx: RunContext, io: RunnerIO, planned: PlannedStep, actions: readonly PlannedProcess[], role: 'action' | 'rollback'): Promise<'ok' | 'error' | 'aborted'> {
  for (const [index, action] of actions.entries()) {
    const started = ctx.deps.monotonic();
    const ran = await runProcess(action, io);
    const status = ran.kind === 'ok' ? 'ok' : ran.aborted ? 'aborted' : 'error';
    await ctx.emit({
      type: 'action.finished',
      step: planned.id,
      role,
      index,
      command: stepCommand(action, ctx.deps.clock()),
      status,
      durationMs: Math.round(ctx.deps.monotonic() - started),
      ...(ran.process ? { output: recordOutput(ctx, ran.process) } : {}),
      ...(ran.kind === 'error' ? { error: ran.error } : {}),
    });
    if (status !== 'ok') return status;
  }
  return 'ok';
}

function outputFields(ctx: RunContext, process: ProcessResult | undefined): { output?: RecordedOutput } {
  return process ? { output: recordOutput(ctx, process) } : {};
}

function recordOutput(ctx: RunContext, process: ProcessResult): RecordedOutput {
  const all = process.stdout + (process.stderr ? (process.stdout && !process.stdout.endsWith('\n') ? '\n' : '') + process.stderr : '');
  const bytes = Buffer.from(all, 'utf8');
  const limit = ctx.deps.excerptBytes;
  const cut = bytes.length > limit;
  const excerpt = cut ? bytes.subarray(0, limit).toString('utf8').replace(/\uFFFD$/, '') : all;
  return {
    ...(process.exitCode !== undefined ? { exitCode: process.exitCode } : {}),
    excerpt,
    truncated: cut || process.truncated,
    bytes: process.bytes,
  };
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
