/**
 * Planning: a Step plus the run's values becomes exactly what will run (queries, argv, env, targets) and
 * whether it needs a gate. The executor plans each step just before running it (earlier captures are
 * known then); a dry run plans every step up front with captures shown as `<steps.id.name>`.
 */
import type {
  Attributes,
  PlanContext,
  PlannedCheck,
  PlannedCommand,
  PlannedProcess,
  PlannedQuery,
  PlannedStep,
  Position,
  Step,
} from '../model/index.js';
import type { PlanTools } from '../steps/definition.js';
import { parseDuration } from '../steps/duration.js';
import { isExpectError, parseExpect, type Expectation } from '../steps/expect.js';
import { splitCommandLine } from '../steps/command-line.js';
import { definitionOf } from '../steps/index.js';
import { interactiveKubectl, isReadOnlyKubectl, kubectlVerb } from '../steps/kubectl-verbs.js';
import { KUBECTL_FAMILY } from '../steps/oc-verbs.js';
import type { StepCommand } from '../timeline/events.js';
import { parseCaptures } from './capture.js';
import { planLogs } from './runners/logs.js';
import { planTrace } from './runners/trace.js';
import { connectionOverride } from './runners/kubectl-proxy.js';
import { renderKubectlArgv, renderShellScript, renderText, withKubeTarget, type ValueResolver } from './render.js';

export type {
  PlanContext,
  PlannedCheck,
  PlannedCommand,
  PlannedLogs,
  PlannedMitigation,
  PlannedProcess,
  PlannedQuery,
  PlannedStep,
  PlannedTrace,
} from '../model/index.js';

/** Default timeouts (the `timeout` attribute overrides them). */
export const DEFAULT_TIMEOUT_MS = { promql: 30_000, process: 60_000 } as const;
/** Default verification window and poll interval of a mitigation. */
export const DEFAULT_VERIFY = { withinMs: 5 * 60_000, everyMs: 15_000 } as const;

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
  const definition = definitionOf(step.kind);
  const resolve: ValueResolver = (ref) => (ref.type === 'param' ? context.params[ref.name] : context.capture(ref.step, ref.name));
  const base = {
    id: step.id,
    kind: step.kind,
    ...(step.title !== undefined ? { title: step.title } : {}),
    position: step.position,
    onFail: step.attributes['on-fail'] === 'stop' ? ('stop' as const) : ('continue' as const),
    captures: step.attributes.capture !== undefined && definition.captures !== 'own' ? parseCaptures(step.attributes.capture) : [],
  };
  return { ...base, ...definition.plan(step, planTools(step, context, resolve)) };
}

/** What a kind's `plan` may use: the planners of queries, commands, checks and traces, and the gate policy. */
function planTools(step: Step, context: PlanContext, resolve: ValueResolver): PlanTools {
  return {
    context,
    text: (body) => renderText(body, resolve),
    query: (body, attributes) => planQuery(body, attributes, context, resolve),
    kubectl: (body, attributes, defaultTimeoutMs, bodyPosition) => planKubectl(body, attributes, context, resolve, defaultTimeoutMs, bodyPosition),
    shell: (body, attributes, defaultTimeoutMs) => planShell(body, attributes, resolve, defaultTimeoutMs),
    check: (body, attributes, bodyPosition) => planCheck(body, attributes, context, resolve, bodyPosition),
    trace: (body, attributes) => planTrace(renderText(body, resolve), attributes, context.targets, context.at),
    logs: (body, attributes, bodyPosition) =>
      planLogs(
        attributes.source === 'loki' ? renderText(body, resolve) : body,
        attributes,
        context.targets,
        context.at,
        (kubectlBody) => planKubectl(kubectlBody, attributes, context, resolve, DEFAULT_TIMEOUT_MS.process, bodyPosition),
      ),
    gate: gateFor,
    duration: durationAttr,
    fail: (message) => {
      throw new PlanError(step.id, message);
    },
    defaults: { processTimeoutMs: DEFAULT_TIMEOUT_MS.process, verify: DEFAULT_VERIFY },
  };
}

function gateFor(command: PlannedProcess): { gated: boolean; reason?: string } {
  if (command.runner === 'sh') return { gated: true, reason: 'an `sh` command always asks first' };
  // Such a command would bypass the read-only proxy that ungated kubectl goes through: fail closed.
  const override = connectionOverride(command.argv);
  if (override !== undefined) return { gated: true, reason: `\`${override}\` points kubectl past the read-only proxy, so it asks first` };
  if (command.readOnly) return { gated: false };
  const { verb, subcommand } = kubectlVerb(command.argv);
  const what = [verb, subcommand].filter(Boolean).join(' ');
  return { gated: true, reason: `\`${command.argv[0]} ${what}\` is not a read-only command` };
}

/**
 * The program of a kubectl command: `kubectl`, or the step's `bin`, which must be a CLI that takes kubectl's verbs
 * and flags (`oc`), since the one verb table decides what runs ungated.
 */
function kubectlBin(attributes: Attributes): string {
  const bin = attributes.bin ?? 'kubectl';
  if (!KUBECTL_FAMILY.has(bin)) {
    throw new Error(`attribute \`bin\`: \`${bin}\` is not a kubectl-compatible CLI; expected one of ${[...KUBECTL_FAMILY].map((b) => `\`${b}\``).join(', ')}`);
  }
  return bin;
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
  const bin = kubectlBin(attributes);
  const words = renderKubectlArgv(body, resolve, bin);
  if (KUBECTL_FAMILY.has(words[0] ?? '')) {
    // `oc get pods` without `{bin=oc}` would run `kubectl oc get pods`, a plugin nobody meant.
    throw new RefusedCommandError(`the command starts with \`${words[0]}\` but the step runs \`${bin}\`; add \`{bin=${words[0]}}\` to the fence or drop the word`, undefined);
  }
  // Classified with the program in front: `oc` has commands of its own (oc-verbs.ts).
  const full = [bin, ...words];
  // Checked on the rendered words (a param may be the verb): no terminal and no input is attached to a
  // step, so these would only hang until the timeout.
  const interactive = interactiveKubectl(full);
  if (interactive) {
    throw new RefusedCommandError(`${interactive.reason}; ${interactive.fix}`, wordPosition(body, bodyPosition, words.length, interactive.index - 1, bin));
  }
  const contextName = attributes.context !== undefined ? renderText(attributes.context, resolve) : context.targets.context;
  const namespace = attributes.namespace !== undefined ? renderText(attributes.namespace, resolve) : context.targets.namespace;
  const argv = withKubeTarget(
    words,
    {
      ...(contextName !== undefined ? { context: contextName } : {}),
      ...(namespace !== undefined ? { namespace } : {}),
    },
    bin,
  );
  const env: Record<string, string> = {};
  const kubeconfig = context.targets.kubeconfig;
  // Through the environment, so the argv stays what the author wrote plus the target flags.
  if (kubeconfig !== undefined) env.KUBECONFIG = kubeconfig;
  return {
    runner: 'kubectl',
    argv,
    env,
    timeoutMs: durationAttr(attributes, 'timeout') ?? defaultTimeout,
    // A command with a server or credentials of its own would bypass the read-only proxy: not read-only.
    readOnly: isReadOnlyKubectl(full) && connectionOverride(argv) === undefined,
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
function wordPosition(body: string, bodyPosition: Position | undefined, renderedCount: number, index: number, bin = 'kubectl'): Position | undefined {
  if (!bodyPosition) return undefined;
  const raw = splitCommandLine(body).words;
  const offset = raw[0]?.value === 'kubectl' || raw[0]?.value === bin ? 1 : 0;
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
