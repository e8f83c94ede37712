/**
 * RunContext: what every step of one run shares (options, injected I/O, the abort signal, outcomes so far,
 * check roles, the event emitter) and the gate policy. One per `runRunbook` call.
 */
import type { Step } from '../model/index.js';
import type { CheckRole, EventBase, GateDecidedEvent, NewEvent, TimelineEvent } from '../timeline/events.js';
import type { ExecDeps, RunOptions, StepOutcome } from './executor.js';
import { isPreApproved, toVerdict, type GateVerdict } from './gate.js';
import { commandsOf, stepCommand, type PlannedCommand, type PlannedProcess, type PlannedStep } from './plan.js';
import { connectionOverride, createKubectlProxyPool, type KubectlProxyPool } from './runners/kubectl-proxy.js';
import type { ProcessEnv, RunnerIO } from './runners/types.js';
import { isAccessReview } from '../steps/kubectl-verbs.js';

/** The shared state of one run. */
export class RunContext {
  readonly signal: AbortSignal;
  readonly io: RunnerIO;
  /** Outcomes by step id: this session's and, from `options.prior`, earlier sessions'. */
  readonly outcomes: Map<string, StepOutcome>;
  /** Every event of the run so far (earlier sessions' first), for the outcome assessment. */
  readonly recorded: TimelineEvent[];
  readonly roles: ReadonlyMap<string, CheckRole>;
  /** Read-only kubectl proxies of ungated kubectl commands (src/exec/runners/kubectl-proxy.ts); stop() them when the run ends. */
  readonly proxies: KubectlProxyPool = createKubectlProxyPool();
  private readonly order = new Map<string, number>();
  private readonly prior: ReadonlyMap<string, StepOutcome>;

  constructor(
    readonly options: RunOptions,
    readonly deps: ExecDeps,
    steps: readonly Step[],
    roles: ReadonlyMap<string, CheckRole>,
  ) {
    this.signal = options.signal ?? new AbortController().signal;
    this.prior = options.prior ?? new Map();
    this.outcomes = new Map(this.prior);
    this.recorded = [...(options.priorEvents ?? [])];
    this.roles = roles;
    steps.forEach((step, index) => this.order.set(step.id, index));
    this.io = {
      spawn: deps.spawn,
      prometheus: deps.prometheus,
      clock: deps.clock,
      env: deps.env,
      ...(deps.cwd !== undefined ? { cwd: deps.cwd } : {}),
      maxOutputBytes: deps.maxOutputBytes,
      ...(deps.maxResponseBytes !== undefined ? { maxResponseBytes: deps.maxResponseBytes } : {}),
      fetch: deps.fetch,
      signal: this.signal,
    };
  }

  /** What the runners of one step may touch: ungated kubectl (the step passed no gate) goes through the read-only proxy. */
  stepIO(passedGate: boolean): RunnerIO {
    return { ...this.io, processEnv: (command, env) => this.kubectlEnv(command, env, passedGate) };
  }

  /**
   * The environment of a process: a kubectl command of a step that did not pass a gate talks to the cluster only
   * through the read-only proxy (access reviews aside: they POST a review that changes nothing).
   */
  private async kubectlEnv(command: PlannedProcess, env: Readonly<Record<string, string | undefined>>, passedGate: boolean): Promise<ProcessEnv> {
    if (!this.deps.readOnlyProxy || command.runner !== 'kubectl' || passedGate || isAccessReview(command.argv.slice(1))) return { kind: 'ok', env };
    const override = connectionOverride(command.argv);
    if (override !== undefined) return { kind: 'error', error: `refused: \`${override}\` would point an ungated kubectl command past the read-only proxy` };
    return this.proxies.route(command.argv[0] ?? 'kubectl', command.target?.context, env);
  }

  /** Appends an event to the timeline, then tells the listener. */
  async emit(event: NewEvent): Promise<TimelineEvent> {
    const stamped = await this.options.sink.append(event);
    this.recorded.push(stamped);
    this.options.onEvent?.(stamped);
    return stamped;
  }

  /**
   * The outcome of step `id` as the step at runbook position `from` may see it: only steps before it (or of an
   * earlier session), so that a read that ran ahead never changes what a step sees, whatever the concurrency.
   */
  outcomeFor(from: number, id: string): StepOutcome | undefined {
    const index = this.order.get(id);
    if (index !== undefined && index >= from) return this.prior.get(id);
    return this.outcomes.get(id);
  }

  /** Decides a step's (or a rollback's) gate and records `gate.decided` before anything acts on it. */
  async decideGate(planned: PlannedStep, gate: 'step' | 'rollback', fixed?: GateVerdict): Promise<GateVerdict> {
    const { options, signal } = this;
    const commandsPlanned: PlannedCommand[] = gate === 'rollback' ? planned.mitigation!.rollback : commandsOf(planned);
    const now = this.deps.clock();
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
      by: verdict.by ?? this.deps.user,
      how: verdict.how,
      gate,
      command: commands,
      targets: options.targets,
    };
    await this.emit(event);
    return verdict;
  }
}
