/**
 * `runbook run <file>`: checks the options and parameters, plans every step (refusing unsafe values before
 * anything runs), opens the timeline and hands the runbook to the executor, rendering its events as JSON
 * lines (`--json`) or a plain one-line-per-event log. On a terminal (stdin and stdout TTYs, no `--json`, not a
 * dry run) the interactive UI in src/tui draws the run instead and a person answers the gates; it is imported
 * only then, because ink + React cost ~0.5 s to load.
 *
 * Exit codes: 0 every step ok and every check passed (a declined or skipped gate alone is not a failure);
 * 1 a check failed, a step errored, a mitigation did not verify, or an operator aborted the run at a gate;
 * 2 usage error or invalid runbook; 130 interrupted (Ctrl-C).
 */
import { createHash } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import path from 'node:path';
import { EXIT, UsageError } from '../../errors.js';
import {
  approvalGate,
  createPrometheusDriver,
  exitCodeForRun,
  OUTCOME_EXIT_CODES,
  parseAt,
  parseParamArguments,
  preflight,
  PreflightError,
  resolveParams,
  runRunbook,
  validateApprovals,
  type ExecDeps,
  type Gate,
  type TimelineSink,
} from '../../exec/index.js';
import { loadConfig } from '../../config/index.js';
import { createEventRedactor } from '../../secrets/events.js';
import { withBasicAuth } from '../../exec/prometheus-auth.js';
import type { BasicAuth } from '../../secrets/url.js';
import type { Runbook } from '../../model/index.js';
import type { RunMode, Targets, TimelineEvent } from '../../timeline/events.js';
import { newRunId, openTimeline } from '../../timeline/store.js';
import type { InteractiveRun } from '../../tui/index.js';
import type { CliIO } from '../io.js';
import { formatEvent, renderOutcome, renderPlan } from '../render/plain.js';
import { declareSecretParams, prometheusTarget, redactingGate } from '../secrets.js';
import { concurrencyFlag, maxResponseBytes } from '../limits.js';
import { inRunbookOrder } from '../render/in-order.js';
import { configuredRedactor, parseRunnable, readRunbookFile } from '../shared.js';
import { alertForRun, alertReceivedEvent, alertStart, wantsAlert, type AlertForRun } from '../alert-run.js';
import { paramsFromAlert, type Alert } from '../../alerts/source.js';
import { createUiAdhoc, type UiAdhoc } from '../adhoc-ui.js';
import { interruptOnSigint } from '../interrupt.js';

function atAlert(alert: Alert | undefined): Date {
  if (!alert) throw new UsageError('`--at alert` needs an alert (`--alert` or `--alert-file`)');
  return alertStart(alert);
}

/** Options of `runbook run`, as commander hands them over (names are a contract: see main.ts). */
export interface RunCliOptions {
  param?: string[];
  prometheus?: string;
  tempo?: string;
  jaeger?: string;
  loki?: string;
  context?: string;
  namespace?: string;
  kubeconfig?: string;
  at?: string;
  dryRun?: boolean;
  readOnly?: boolean;
  approve?: string[];
  yes?: boolean;
  timeline?: string;
  /** `--max-response-bytes`. */
  maxResponseBytes?: string;
  concurrency?: string;
  json?: boolean;
  /** Exit by the run's outcome (OUTCOME_EXIT_CODES) instead of its status. */
  exitOnOutcome?: boolean;
  color?: boolean;
  /** `--alert`, `--alert-file`, `--alertmanager`, `--runbooks`: a run started from an alert (src/cli/alert-run.ts). */
  alert?: string;
  alertFile?: string;
  alertmanager?: string;
  runbooks?: string;
}

/** What tests (and the TUI) may inject besides the CLI IO. */
export interface RunCommandDeps {
  /** Executor I/O (spawn, prometheus, clock, user, host…); defaults are the real ones. */
  exec?: Partial<ExecDeps>;
  /** Interrupt signal; without it, the first SIGINT of this process aborts the run. */
  signal?: AbortSignal;
  /** A gate for a person (the TUI); consulted for gates `--approve` does not cover. */
  interactiveGate?: Gate;
  /** Also called with every event (the TUI listens here). */
  onEvent?: (event: TimelineEvent) => void;
  /** The alert the run starts from, already picked (`runbook serve`); else the alert options decide. */
  alert?: AlertForRun;
  /** Wall clock for the default timeline name and `--at -2h` (defaults to exec.clock or now). */
  now?: () => Date;
}

/** Runs `runbook run`; returns the exit code. Throws UsageError/InvalidInputError for main.ts to report. */
export async function runCommand(givenFile: string | undefined, rawOptions: Record<string, unknown> | RunCliOptions, io: CliIO, deps: RunCommandDeps = {}): Promise<number> {
  const options = rawOptions as RunCliOptions;
  const now = deps.now ?? deps.exec?.clock ?? (() => new Date());
  const { config } = await loadConfig(io.cwd);
  const fromAlert = deps.alert ?? (wantsAlert(options) ? await alertForRun(givenFile, options, io, config.alertmanager, deps.exec?.fetch) : undefined);
  if (givenFile === undefined && !fromAlert) throw new UsageError('`runbook run` needs a runbook file, or an alert (`--alert`, `--alert-file`) to find it by');
  const file = givenFile ?? fromAlert!.file;
  const absolute = path.resolve(io.cwd, file);
  const source = await readRunbookFile(absolute, file);
  const runbook = parseRunnable(source.toString('utf8'), file, io);
  if (!runbook) return EXIT.usage;

  // Labels of the alert fill params; an explicit --param wins.
  const fromLabels = fromAlert ? paramsFromAlert(runbook.meta.params, fromAlert.alert) : {};
  const params = resolveParams(runbook.meta.params, { ...fromLabels, ...parseParamArguments(options.param ?? []) });
  // Before anything can be recorded, shown or thrown: from here on every redactor masks these values.
  declareSecretParams(runbook.meta.params, params);
  const at = options.at === 'alert' ? atAlert(fromAlert?.alert) : options.at !== undefined ? parseAt(options.at, now()) : null;
  const mode: RunMode = options.dryRun ? 'dry-run' : options.readOnly ? 'read-only' : 'live';
  const approve = options.approve ?? [];
  const redactor = configuredRedactor(config);
  const { targets, prometheusAuth } = resolveTargets(runbook, options, io, config.prometheus);

  let plan: ReturnType<typeof preflight>;
  try {
    plan = preflight(runbook, { params, targets, at });
  } catch (error) {
    // Point at the step (or the word) in the file, the way parse errors are reported.
    if (error instanceof PreflightError && error.position) {
      const { line, column } = error.position.start;
      throw new PreflightError(error.step, `${file}:${line}:${column}: ${error.message}`, error.position);
    }
    throw error;
  }
  validateApprovals(plan, approve);
  const responseCap = maxResponseBytes(options.maxResponseBytes, io.env);
  const concurrency = concurrencyFlag(options.concurrency);

  const timelinePath = path.resolve(io.cwd, options.timeline ?? defaultTimelinePath(file, now()));
  const store = await openTimeline(timelinePath, { run: newRunId(), protect: [path.resolve(io.cwd, file)], ...(deps.exec?.clock ? { clock: deps.exec.clock } : {}) });
  // Every event is redacted before it is written; the plain log, --json and the UI all render the event the
  // store returns, so one call here covers the timeline and the terminal alike.
  const redactEvent = createEventRedactor(redactor);
  const sink: TimelineSink = { append: (event) => store.append(redactEvent(event)) };

  const write = (text: string): void => {
    io.stdout.write(text);
  };
  const ascii = !/UTF-?8/i.test(`${io.env.LC_ALL ?? ''}${io.env.LC_CTYPE ?? ''}${io.env.LANG ?? ''}`) && io.env.RUNBOOK_UNICODE !== '1';

  // Ctrl-C: SIGINT for the plain log; in the interactive UI (raw mode) it arrives as a key, and both abort
  // one controller, so either way the running step is stopped and the run ends `interrupted`.
  const interrupt = interruptOnSigint(deps.signal);
  const signal = interrupt.signal;

  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep "unknown".
  }

  const execDeps: Partial<ExecDeps> = {
    user,
    host: hostname(),
    env: io.env,
    cwd: io.cwd,
    ...(responseCap !== undefined ? { maxResponseBytes: responseCap } : {}),
    ...deps.exec,
    prometheus: withBasicAuth(deps.exec?.prometheus ?? createPrometheusDriver, prometheusAuth),
  };

  let ui: InteractiveRun | undefined;
  let adhoc: UiAdhoc | undefined;
  if (wantsInteractiveUi(options, mode, io) && !deps.interactiveGate) {
    try {
      // Steps typed with `:` (src/cli/adhoc-ui.ts): the same planning and gates, the person as the gate.
      adhoc = createUiAdhoc({
        runbook, sink, user, signal, deps: execDeps,
        gate: () => (ui ? redactingGate(ui.gate, redactor) : undefined),
        onEvent: (event) => onEvent(event),
        notice: (text) => ui?.notice(text),
      });
      const { startInteractiveRun, colorDisabled } = await import('../../tui/index.js');
      ui = await startInteractiveRun({
        runbook,
        mode,
        targets,
        at,
        timelinePath,
        stdin: io.stdin as NodeJS.ReadStream,
        stdout: io.stdout as NodeJS.WriteStream,
        stderr: io.stderr as NodeJS.WriteStream,
        noColor: colorDisabled(options.color === false, io.env),
        // Through the run's own store, so the note gets the next seq between the executor's events.
        onNote: (text) => {
          sink.append({ type: 'note', text, by: user }).catch((error: unknown) => {
            io.stderr.write(`runbook: the note was not saved: ${(error as Error).message}\n`);
          });
        },
        onAdhoc: (text, section) => adhoc?.add(text, section),
        onInterrupt: interrupt.abort,
      });
    } catch (error) {
      interrupt.release();
      await store.close();
      throw error;
    }
  }

  // Reads run in parallel: the plain log prints each step's lines in runbook order.
  const plain = inRunbookOrder(
    runbook.steps.map((s) => s.id),
    (event) => write(`${formatEvent(event, { ascii })}\n`),
  );
  const onEvent = (event: TimelineEvent): void => {
    if (options.json) write(`${JSON.stringify(event)}\n`);
    else if (ui) ui.onEvent(event);
    // A dry run prints its plan instead of a log.
    else if (mode !== 'dry-run') plain(event);
    adhoc?.observe(event);
    deps.onEvent?.(event);
  };

  const interactive = ui?.gate ?? deps.interactiveGate;
  const gate = approvalGate({ approve, ...(interactive ? { interactive: redactingGate(interactive, redactor) } : {}) });
  try {
    const result = await runRunbook(runbook, {
      runbookPath: file,
      sha256: createHash('sha256').update(source).digest('hex'),
      params,
      mode,
      at,
      targets,
      approve,
      ...(fromAlert ? { afterStart: [alertReceivedEvent(fromAlert)] } : {}),
      gate,
      sink,
      signal,
      onEvent,
      concurrency,
      deps: execDeps,
    });
    if (mode === 'dry-run' && !options.json) {
      // The plan shows argv with param values, which can be secrets.
      write(redactor(renderPlan(result.plan, { title: runbook.meta.title, path: file, at, targets, params, timeline: timelinePath, redact: redactor })));
    } else if (!options.json && !ui) {
      write(renderOutcome(result.outcome, { ascii }));
      // The interactive UI's summary already shows the timeline and the commands to export or resume it.
      io.stderr.write(`timeline: ${timelinePath}\n`);
    }
    // A dry run ran nothing, so it has no outcome to exit by.
    return options.exitOnOutcome && mode !== 'dry-run' ? OUTCOME_EXIT_CODES[result.outcome.outcome] : exitCodeForRun(result.status);
  } catch (error) {
    // The executor threw before `run.finished`: take the UI down (an open gate is answered abort).
    ui?.close();
    throw error;
  } finally {
    interrupt.release();
    await ui?.waitUntilExit();
    // An ad-hoc step typed just before the end still gets its events on the timeline.
    await adhoc?.settled();
    await store.close();
  }
}

/**
 * Whether `runbook run` draws the interactive UI: a person at a terminal (stdin and stdout are TTYs), no
 * `--json` (a machine reads stdout) and not a dry run (its plan is printed plainly, to be read or piped).
 */
export function wantsInteractiveUi(options: Pick<RunCliOptions, 'json' | 'dryRun'>, mode: RunMode, io: Pick<CliIO, 'stdin' | 'stdout' | 'env'>): boolean {
  if (options.json || options.dryRun || mode === 'dry-run') return false;
  if (io.env.TERM === 'dumb') return false;
  // A CI job can have a pseudo-terminal but nobody at it: a gate there would wait for a key forever, and ink
  // draws only its final frame when CI is set, so the gate would not even show. Such runs get the plain log,
  // and only --approve opens a gate.
  if (isSet(io.env.CI) || isSet(io.env.CONTINUOUS_INTEGRATION)) return false;
  return Boolean(io.stdin.isTTY && io.stdout.isTTY);
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

/** `.runbook/runs/20251026T102000Z-payment-gateway-timeout.jsonl` */
export function defaultTimelinePath(file: string, now: Date): string {
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  const name = path.basename(file).replace(/\.(md|markdown)$/i, '');
  return path.join('.runbook', 'runs', `${stamp}-${name}.jsonl`);
}

function resolveTargets(
  runbook: Runbook,
  options: RunCliOptions,
  io: CliIO,
  configPrometheus: string | undefined,
): { targets: Targets; prometheusAuth: BasicAuth | undefined } {
  const given = options.prometheus ?? runbook.meta.prometheus ?? (io.env.RUNBOOK_PROMETHEUS_URL || undefined) ?? configPrometheus;
  // Userinfo is sent as basic auth and dropped from the target, so nothing records it and resume can use it.
  const split = given !== undefined ? prometheusTarget(given) : undefined;
  const prometheus = split?.url;
  const context = options.context ?? runbook.meta.context;
  const namespace = options.namespace ?? runbook.meta.namespace;
  const targets: Targets = {};
  if (prometheus !== undefined) targets.prometheus = prometheus;
  for (const key of ['tempo', 'jaeger', 'loki'] as const) {
    const url = options[key] ?? runbook.meta[key];
    if (url === undefined) continue;
    if (!/^https?:\/\//.test(url)) throw new UsageError(`${key === 'tempo' ? 'Tempo' : key === 'jaeger' ? 'Jaeger' : 'Loki'} URL \`${url}\` must start with \`http://\` or \`https://\``);
    targets[key] = url;
  }
  if (context !== undefined) targets.context = context;
  if (namespace !== undefined) targets.namespace = namespace;
  if (options.kubeconfig !== undefined) targets.kubeconfig = path.resolve(io.cwd, options.kubeconfig);
  return { targets, prometheusAuth: split?.auth };
}
