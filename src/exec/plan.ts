/**
 * Planning: a Step plus the run's values becomes exactly what will run (queries, argv, env, targets) and
 * whether it needs a gate. The executor plans each step just before running it (earlier captures are
 * known then); a dry run plans every step up front with captures shown as `<steps.id.name>`.
 */
import type { Attributes, Position, Step, StepKind } from '../parse/model.js';
import { parseDuration } from '../steps/duration.js';
import { isExpectError, parseExpect, type Expectation } from '../steps/expect.js';
import { splitCommandLine } from '../steps/command-line.js';
import { interactiveKubectl, isReadOnlyKubectl, kubectlVerb } from '../steps/kubectl-verbs.js';
import type { StepCommand, Targets } from '../timeline/events.js';
import { parseCaptures, type CaptureSpec } from './capture.js';
import { planTrace, type PlannedTrace } from './runners/trace.js';
import { planLogs, type PlannedLogs } from './runners/logs.js';
import { renderKubectlArgv, renderShellScript, renderText, withKubeTarget, type ValueResolver } from './render.js';

/** Default timeouts (the `timeout` attribute overrides them). */
export const DEFAULT_TIMEOUT_MS = { promql: 30_000, process: 60_000 } as const;
/** Default verification window and poll interval of a mitigation. */
export const DEFAULT_VERIFY = { withinMs: 5 * 60_000, everyMs: 15_000 } as const;

/** What a plan is made from. */
export interface PlanContext {
  params: Readonly<Record<string, string>>;
  /** A capture of an earlier step; undefined when it has none. */
  capture: (step: string, name: string) => string | undefined;
  /** Run-level targets (CLI, else front matter, else env/config), before step attributes. */
  targets: Targets;
  /** `--at`, or null for "now at the moment the query runs". */
  at: Date | null;
}

/** A PromQL query to send. */
export interface PlannedQuery {
  runner: 'promql';
  query: string;
  prometheus?: string;
  /** Fixed evaluation instant, or null for the moment it runs. */
  at: Date | null;
  /** Range query: window and resolution. */
  range?: { ms: number; stepSeconds: number };
  timeoutMs: number;
}

/** A process to start. */
export interface PlannedProcess {
  runner: 'kubectl' | 'sh';
  argv: string[];
  /** Variables added to the child's environment (template values of `sh`; `KUBECONFIG`). */
  env: Record<string, string>;
  timeoutMs: number;
  readOnly: boolean;
  /** Context and namespace the kubectl command ends up with (body flags included), for display. */
  target?: { context?: string; namespace?: string; kubeconfig?: string };
}

/** A query or a process. */
export type PlannedCommand = PlannedQuery | PlannedProcess;

/** An assertion: on its own command, or on an earlier step's result (`of=`). */
export interface PlannedCheck {
  command?: PlannedCommand;
  of?: string;
  expectation?: Expectation;
  expectExit: number;
  match?: RegExp;
}

/** A step, resolved. */
export interface PlannedStep {
  id: string;
  kind: StepKind;
  title?: string;
  position?: Position;
  gated: boolean;
  /** Why the step is gated, in words. */
  reason?: string;
  /** promql, kubectl and sh steps. */
  command?: PlannedCommand;
  /** check steps. */
  check?: PlannedCheck;
  /** trace steps (they capture by field, not with `captures`). */
  trace?: PlannedTrace;
  /** logs steps (they capture by field, not with `captures`). */
  logs?: PlannedLogs;
  /** A check with `within=`: re-run every `everyMs` until it passes or `withinMs` runs out. */
  poll?: { withinMs: number; everyMs: number };
  onFail: 'continue' | 'stop';
  mitigation?: {
    actions: PlannedProcess[];
    verify?: PlannedCheck;
    rollback: PlannedProcess[];
    withinMs: number;
    everyMs: number;
  };
  captures: CaptureSpec[];
}

/**
 * A step that cannot be planned: a missing value, a refused value, a malformed attribute, a command that
 * needs a terminal or never ends. `position` is where in the runbook file (the offending word when known,
 * else the step).
 */
export class PlanError extends Error {
  override name = 'PlanError';
  constructor(
    readonly step: string,
    message: string,
    readonly position?: Position,
  ) {
    super(message);
  }
}

/** A command refused while planning, with the place in the file of the word at fault. */
class RefusedCommandError extends Error {
  constructor(
    message: string,
    readonly position: Position | undefined,
  ) {
    super(message);
  }
}

/** Plans one step. Throws PlanError. */
export function planStep(step: Step, context: PlanContext): PlannedStep {
  try {
    return planStepUnchecked(step, context);
  } catch (error) {
    if (error instanceof PlanError) throw error;
    const position = (error instanceof RefusedCommandError ? error.position : undefined) ?? step.position;
    throw new PlanError(step.id, `Step \`${step.id}\`: ${(error as Error).message}`, position);
  }
}

function planStepUnchecked(step: Step, context: PlanContext): PlannedStep {
  const resolve: ValueResolver = (ref) => (ref.type === 'param' ? context.params[ref.name] : context.capture(ref.step, ref.name));
  const base = {
    id: step.id,
    kind: step.kind,
    ...(step.title !== undefined ? { title: step.title } : {}),
    position: step.position,
    onFail: step.attributes['on-fail'] === 'stop' ? ('stop' as const) : ('continue' as const),
    captures: step.attributes.capture !== undefined && step.kind !== 'trace' && step.kind !== 'logs' ? parseCaptures(step.attributes.capture) : [],
  };
  switch (step.kind) {
    case 'promql':
      return { ...base, gated: false, command: planQuery(step.body, step.attributes, context, resolve) };
    case 'trace':
      return { ...base, gated: false, trace: planTrace(renderText(step.body, resolve), step.attributes, context.targets, context.at) };
    case 'logs': {
      const kubectl = (body: string): PlannedProcess => planKubectl(body, step.attributes, context, resolve, DEFAULT_TIMEOUT_MS.process, step.bodyPosition);
      const logs = planLogs(step.attributes.source === 'loki' ? renderText(step.body, resolve) : step.body, step.attributes, context.targets, context.at, kubectl);
      return { ...base, gated: false, logs };
    }
    case 'kubectl': {
      const command = planKubectl(step.body, step.attributes, context, resolve, DEFAULT_TIMEOUT_MS.process, step.bodyPosition);
      return { ...base, ...gateFor(command), command };
    }
    case 'sh': {
      const command = planShell(step.body, step.attributes, resolve, DEFAULT_TIMEOUT_MS.process);
      return { ...base, gated: true, reason: 'an `sh` step always asks first', command };
    }
    case 'check': {
      const check = planCheck(step.body, step.attributes, context, resolve, step.bodyPosition);
      const gate = check.command && check.command.runner !== 'promql' ? gateFor(check.command) : { gated: false };
      const withinMs = durationAttr(step.attributes, 'within');
      const poll = withinMs !== undefined ? { withinMs, everyMs: durationAttr(step.attributes, 'every') ?? DEFAULT_VERIFY.everyMs } : undefined;
      return { ...base, ...gate, check, ...(poll ? { poll } : {}) };
    }
    case 'mitigate': {
      const m = step.mitigation;
      if (!m || m.actions.length === 0) throw new PlanError(step.id, `Step \`${step.id}\`: the mitigation has no action`);
      const defaultTimeout = durationAttr(step.attributes, 'timeout') ?? DEFAULT_TIMEOUT_MS.process;
      const action = (a: { kind: 'kubectl' | 'sh'; attributes: Attributes; body: string; bodyPosition: Position }): PlannedProcess =>
        a.kind === 'kubectl'
          ? planKubectl(a.body, a.attributes, context, resolve, defaultTimeout, a.bodyPosition)
          : planShell(a.body, a.attributes, resolve, defaultTimeout);
      const verify = m.check ? planCheck(m.check.body, m.check.attributes, context, resolve, m.check.bodyPosition) : undefined;
      return {
        ...base,
        gated: true,
        reason: 'a mitigation changes a system',
        mitigation: {
          actions: m.actions.map(action),
          ...(verify ? { verify } : {}),
          rollback: m.rollback.map(action),
          withinMs: durationAttr(m.check?.attributes ?? {}, 'within') ?? durationAttr(step.attributes, 'within') ?? DEFAULT_VERIFY.withinMs,
          everyMs: durationAttr(m.check?.attributes ?? {}, 'every') ?? durationAttr(step.attributes, 'every') ?? DEFAULT_VERIFY.everyMs,
        },
      };
    }
  }
}

function gateFor(command: PlannedProcess): { gated: boolean; reason?: string } {
  if (command.runner === 'sh') return { gated: true, reason: 'an `sh` command always asks first' };
  if (command.readOnly) return { gated: false };
  const { verb, subcommand } = kubectlVerb(command.argv.slice(1));
  const what = [verb, subcommand].filter(Boolean).join(' ');
  return { gated: true, reason: `\`kubectl ${what}\` is not a read-only command` };
}

function durationAttr(attributes: Attributes, key: string): number | undefined {
  const text = attributes[key];
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw new Error(`attribute \`${key}\`: expected a duration such as \`30s\`, found \`${text}\``);
  return ms;
}

function planQuery(body: string, attributes: Attributes, context: PlanContext, resolve: ValueResolver): PlannedQuery {
  const query = renderText(body.trim(), resolve);
  const rangeMs = durationAttr(attributes, 'range');
  const stepMs = durationAttr(attributes, 'step');
  return {
    runner: 'promql',
    query,
    ...(context.targets.prometheus !== undefined ? { prometheus: context.targets.prometheus } : {}),
    at: context.at,
    ...(rangeMs !== undefined ? { range: { ms: rangeMs, stepSeconds: Math.max(1, Math.round((stepMs ?? rangeMs / 60) / 1000)) } } : {}),
    timeoutMs: durationAttr(attributes, 'timeout') ?? DEFAULT_TIMEOUT_MS.promql,
  };
}

function planKubectl(
  body: string,
  attributes: Attributes,
  context: PlanContext,
  resolve: ValueResolver,
  defaultTimeout: number,
  bodyPosition?: Position,
): PlannedProcess {
  const words = renderKubectlArgv(body, resolve);
  // Checked on the rendered words (a param may be the verb): no terminal and no input is attached to a
  // step, so these would only hang until the timeout.
  const interactive = interactiveKubectl(words);
  if (interactive) {
    throw new RefusedCommandError(`${interactive.reason}; ${interactive.fix}`, wordPosition(body, bodyPosition, words.length, interactive.index));
  }
  const contextName = attributes.context !== undefined ? renderText(attributes.context, resolve) : context.targets.context;
  const namespace = attributes.namespace !== undefined ? renderText(attributes.namespace, resolve) : context.targets.namespace;
  const argv = withKubeTarget(words, {
    ...(contextName !== undefined ? { context: contextName } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
  });
  const env: Record<string, string> = {};
  const kubeconfig = context.targets.kubeconfig;
  // Through the environment, so the argv stays what the author wrote plus the target flags.
  if (kubeconfig !== undefined) env.KUBECONFIG = kubeconfig;
  return {
    runner: 'kubectl',
    argv,
    env,
    timeoutMs: durationAttr(attributes, 'timeout') ?? defaultTimeout,
    readOnly: isReadOnlyKubectl(words),
    target: {
      context: flagValue(argv, ['--context']) ?? contextName,
      namespace: flagValue(argv, ['--namespace', '-n']) ?? namespace,
      kubeconfig,
    },
  };
}

/**
 * Where word `index` of the rendered argv (leading `kubectl` dropped) is in the file. The rendered words
 * are the body's words one for one, so the body's own split locates it; undefined when they do not line up.
 */
function wordPosition(body: string, bodyPosition: Position | undefined, renderedCount: number, index: number): Position | undefined {
  if (!bodyPosition) return undefined;
  const raw = splitCommandLine(body).words;
  const offset = raw[0]?.value === 'kubectl' ? 1 : 0;
  const word = raw[index + offset];
  if (raw.length - offset !== renderedCount || !word) return undefined;
  const point = (at: number) => {
    const before = body.slice(0, at);
    const lastBreak = before.lastIndexOf('\n');
    const line = bodyPosition.start.line + (before.split('\n').length - 1);
    const column = lastBreak === -1 ? bodyPosition.start.column + at : at - lastBreak;
    return { line, column, offset: bodyPosition.start.offset + at };
  };
  return { start: point(word.start), end: point(word.end) };
}

function flagValue(argv: readonly string[], names: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') break;
    for (const name of names) {
      if (word === name) return argv[i + 1];
      if (word.startsWith(`${name}=`)) return word.slice(name.length + 1);
    }
    if (word === '-A' || word.startsWith('--all-namespaces')) return names.includes('-n') ? '*' : undefined;
  }
  return undefined;
}

function planShell(body: string, attributes: Attributes, resolve: ValueResolver, defaultTimeout: number): PlannedProcess {
  const { script, env } = renderShellScript(body, resolve);
  return { runner: 'sh', argv: ['sh', '-c', script], env, timeoutMs: durationAttr(attributes, 'timeout') ?? defaultTimeout, readOnly: false };
}

function planCheck(body: string, attributes: Attributes, context: PlanContext, resolve: ValueResolver, bodyPosition?: Position): PlannedCheck {
  let expectation: Expectation | undefined;
  if (attributes.expect !== undefined) {
    const parsed = parseExpect(attributes.expect);
    if (isExpectError(parsed)) throw new Error(parsed.message);
    expectation = parsed;
  }
  let match: RegExp | undefined;
  if (attributes.match !== undefined) {
    try {
      match = new RegExp(attributes.match, 'm');
    } catch (error) {
      throw new Error(`attribute \`match\`: invalid regular expression: ${(error as Error).message}`);
    }
  }
  const expectExit = attributes['expect-exit'] !== undefined ? Number(attributes['expect-exit']) : 0;
  const common = { ...(expectation ? { expectation } : {}), ...(match ? { match } : {}), expectExit };
  if (attributes.of !== undefined) return { ...common, of: attributes.of };
  const runner = attributes.run;
  if (runner === 'kubectl') return { ...common, command: planKubectl(body, attributes, context, resolve, DEFAULT_TIMEOUT_MS.process, bodyPosition) };
  if (runner === 'sh') return { ...common, command: planShell(body, attributes, resolve, DEFAULT_TIMEOUT_MS.process) };
  return { ...common, command: planQuery(body, attributes, context, resolve) };
}

/** The timeline form of a planned command; `now` stands in for "at the moment it runs". */
export function stepCommand(command: PlannedCommand, now: Date): StepCommand {
  if (command.runner !== 'promql') return { argv: [...command.argv] };
  const end = command.at ?? now;
  if (command.range) {
    return {
      query: command.query,
      range: { start: new Date(end.getTime() - command.range.ms).toISOString(), end: end.toISOString(), step: `${command.range.stepSeconds}s` },
    };
  }
  return { query: command.query, time: end.toISOString() };
}

/** Every command a planned step would run, in order (for gates and the plan). */
export function commandsOf(planned: PlannedStep): PlannedCommand[] {
  if (planned.command) return [planned.command];
  if (planned.logs?.process) return [planned.logs.process];
  if (planned.check?.command) return [planned.check.command];
  if (planned.mitigation) return [...planned.mitigation.actions, ...(planned.mitigation.verify?.command ? [planned.mitigation.verify.command] : [])];
  return [];
}
