/**
 * `runbook exec <timeline> <kind> [--title t] [--approve] -- <body…>`: runs one ad-hoc step in a run's
 * timeline, from a second terminal or a script, while the run goes on or after it finished. The targets,
 * params, `--at` and mode are the run's (its `run.started`); the gate is the executor's, non-interactive:
 * a read runs, anything else is declined unless `--approve`. Events are appended (the store's lock keeps
 * `seq` in order beside a running run; earlier lines never change). `--new <title>` starts a timeline of
 * ad-hoc steps for an incident without a runbook.
 *
 * Exit codes as `runbook run`: 0 ok (a declined gate alone is not a failure), 1 failed or errored,
 * 2 usage (no such timeline, a body that cannot be planned), 130 interrupted.
 */
import { createHash } from 'node:crypto';
import { access, readFile, stat } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config/index.js';
import { EXIT, UsageError } from '../../errors.js';
import { approvalGate, createPrometheusDriver, exitCodeForRun, parseAt, PreflightError, type ExecDeps } from '../../exec/index.js';
import { withBasicAuth } from '../../exec/prometheus-auth.js';
import { AdhocStepError, adhocId, adhocPlace, adhocRunbook, defaultTitle, isStepKind, preflightAdhoc, runAdhocStep, type AdhocSpec, type StepKind } from '../../learn/adhoc.js';
import { parseRunbook } from '../../parse/index.js';
import type { Runbook } from '../../model/index.js';
import { definitionOf, stepKinds } from '../../steps/index.js';
import { createEventRedactor } from '../../secrets/events.js';
import type { BasicAuth } from '../../secrets/url.js';
import type { NewEvent, RunStartedEvent, Targets, TimelineEvent } from '../../timeline/events.js';
import { readTimeline } from '../../timeline/reader.js';
import { newRunId, openTimeline } from '../../timeline/store.js';
import { VERSION } from '../../version.js';
import type { CliIO } from '../io.js';
import { displayWord, formatEvent } from '../render/plain.js';
import { prometheusTarget, resumePrometheusAuth } from '../secrets.js';
import { configuredRedactor } from '../shared.js';
import { interruptOnSigint } from '../interrupt.js';

/** Options of `runbook exec` (names are a contract: see main.ts). */
export interface ExecCliOptions {
  title?: string;
  id?: string;
  approve?: boolean;
  /** Start a new timeline of ad-hoc steps with this title. */
  new?: string;
  prometheus?: string;
  context?: string;
  namespace?: string;
  kubeconfig?: string;
  at?: string;
  json?: boolean;
}

/** What tests may inject besides the CLI IO. */
export interface ExecCommandDeps {
  exec?: Partial<ExecDeps>;
  signal?: AbortSignal;
}

/** The sha256 recorded for a run that has no runbook file (`--new`): that of no bytes. */
const NO_RUNBOOK_SHA = createHash('sha256').update('').digest('hex');

/** Runs `runbook exec`; returns the exit code. Throws UsageError for main.ts to report. */
export async function execCommand(
  timeline: string,
  kindArg: string,
  bodyArgs: readonly string[],
  rawOptions: Record<string, unknown>,
  io: CliIO,
  deps: ExecCommandDeps = {},
): Promise<number> {
  const options = rawOptions as ExecCliOptions;
  if (!isStepKind(kindArg)) throw new UsageError(`\`runbook exec\`: unknown step kind \`${kindArg}\`; expected one of ${stepKinds().map((k) => `\`${k}\``).join(', ')}`);
  const kind: StepKind = kindArg;
  const body = bodyText(kind, bodyArgs);
  if (body.trim() === '') throw new UsageError(`\`runbook exec\`: the \`${kind}\` step has no body; give it after \`--\`, e.g. \`runbook exec run.jsonl kubectl -- get pods\``);
  if (options.new === undefined && (options.prometheus !== undefined || options.context !== undefined || options.namespace !== undefined || options.kubeconfig !== undefined || options.at !== undefined)) {
    throw new UsageError('`runbook exec`: `--prometheus`, `--context`, `--namespace`, `--kubeconfig` and `--at` only go with `--new`; an existing run keeps its own targets');
  }

  const timelinePath = path.resolve(io.cwd, timeline);
  const { config } = await loadConfig(io.cwd);
  const now = deps.exec?.clock ?? (() => new Date());
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    user = io.env.USER ?? io.env.LOGNAME ?? 'unknown';
  }
  const host = hostname();

  let events: TimelineEvent[] = [];
  let started: RunStartedEvent;
  let prometheusAuth: BasicAuth | undefined;
  let fresh: NewEvent | undefined;
  if (options.new !== undefined) {
    if (options.new.trim() === '') throw new UsageError('`runbook exec --new` needs a title for the incident');
    if (await nonEmpty(timelinePath)) throw new UsageError(`\`runbook exec --new\`: ${timeline} already holds events; give a new file, or leave out \`--new\` to add to that run`);
    const given = options.prometheus ?? (io.env.RUNBOOK_PROMETHEUS_URL || undefined) ?? config.prometheus;
    const split = given !== undefined ? prometheusTarget(given) : undefined;
    prometheusAuth = split?.auth;
    const targets: Targets = {};
    if (split) targets.prometheus = split.url;
    if (options.context !== undefined) targets.context = options.context;
    if (options.namespace !== undefined) targets.namespace = options.namespace;
    if (options.kubeconfig !== undefined) targets.kubeconfig = path.resolve(io.cwd, options.kubeconfig);
    fresh = {
      type: 'run.started',
      runbook: { path: '', sha256: NO_RUNBOOK_SHA, title: options.new.trim() },
      params: {},
      at: options.at !== undefined ? parseAt(options.at, now()).toISOString() : null,
      mode: 'live',
      user,
      host,
      tool: { name: 'runbook', version: VERSION },
      targets,
    };
    started = { v: 1, seq: 0, time: now().toISOString(), run: newRunId(), ...fresh } as RunStartedEvent;
  } else {
    try {
      await access(timelinePath);
    } catch {
      throw new UsageError(`\`runbook exec\`: no timeline at ${timeline}; give the .jsonl file a run wrote, or \`--new <title>\` to start one`);
    }
    events = (await readTimeline(timelinePath)).events;
    const found = events.findLast((e): e is RunStartedEvent => e.type === 'run.started');
    if (!found) throw new UsageError(`\`runbook exec\`: ${timeline} has no run.started event, so it is not a run's timeline`);
    started = found;
    prometheusAuth = resumePrometheusAuth(started.targets.prometheus, undefined, [io.env.RUNBOOK_PROMETHEUS_URL, config.prometheus]);
  }

  const runbook = await runbookOf(started, io);
  const taken = new Set<string>([...(runbook?.steps.map((s) => s.id) ?? []), ...events.flatMap((e) => ('step' in e && typeof e.step === 'string' ? [e.step] : []))]);
  const id = options.id ?? adhocId(kind, body, taken);
  if (options.id !== undefined && taken.has(id)) throw new UsageError(`\`--id ${id}\`: the run or its runbook already has a step \`${id}\`; choose another id`);
  const place = adhocPlace(events, runbook);
  const spec: AdhocSpec = { id, kind, body, title: options.title ?? defaultTitle(kind, body), ...(place.section ? { section: place.section } : {}) };

  let oneStep: Runbook;
  try {
    oneStep = adhocRunbook(spec, started.runbook.title);
    preflightAdhoc(oneStep, started);
  } catch (error) {
    if (error instanceof AdhocStepError) {
      throw new UsageError(`\`runbook exec\`: ${error.line !== undefined ? `body:${error.line}:${error.column ?? 1}: ` : ''}${error.message}; nothing was run or recorded`);
    }
    if (error instanceof PreflightError) throw new UsageError(`\`runbook exec\`: ${error.message}; nothing was run or recorded`);
    throw error;
  }

  const redactEvent = createEventRedactor(configuredRedactor(config));
  const store = await openTimeline(timelinePath, { run: started.run, ...(deps.exec?.clock ? { clock: deps.exec.clock } : {}) });
  const sink = { append: (event: NewEvent) => store.append(redactEvent(event)) };
  const ascii = !/UTF-?8/i.test(`${io.env.LC_ALL ?? ''}${io.env.LC_CTYPE ?? ''}${io.env.LANG ?? ''}`) && io.env.RUNBOOK_UNICODE !== '1';
  const onEvent = (event: TimelineEvent): void => {
    io.stdout.write(options.json ? `${JSON.stringify(event)}\n` : `${formatEvent(event, { ascii })}\n`);
  };

  const interrupt = interruptOnSigint(deps.signal);
  const signal = interrupt.signal;
  try {
    if (fresh) started = (await sink.append(fresh)) as RunStartedEvent;
    const approve = options.approve ? [id] : [];
    const result = await runAdhocStep(oneStep, spec, {
      started,
      sink,
      approve,
      gate: approvalGate({ approve }),
      signal,
      added: { by: user, via: 'exec', ...place },
      onEvent,
      deps: {
        user,
        host,
        env: io.env,
        cwd: io.cwd,
        ...deps.exec,
        prometheus: withBasicAuth(deps.exec?.prometheus ?? createPrometheusDriver, prometheusAuth),
      },
    });
    if (!options.json) io.stderr.write(`timeline: ${timelinePath}\n`);
    return exitCodeForRun(result.status);
  } finally {
    interrupt.release();
    await store.close();
  }
}

/**
 * The body from the words after `--`: one word is the body as written (`-- 'sum(rate(x[5m]))'`); several
 * are joined, a query with spaces, a command with each word quoted so it splits back into the same argv.
 */
export function bodyText(kind: StepKind, words: readonly string[]): string {
  if (words.length === 1) return words[0]!;
  // A query or an assertion is text; a command (or a mitigation's) is argv, each word quoted.
  const role = definitionOf(kind).role;
  if (role === 'query' || role === 'check') return words.join(' ');
  return words.map(displayWord).join(' ');
}

async function nonEmpty(file: string): Promise<boolean> {
  try {
    return (await stat(file)).size > 0;
  } catch {
    return false;
  }
}

/** The run's runbook when it can still be read (for step ids and sections); an incident without one has none. */
async function runbookOf(started: RunStartedEvent, io: CliIO): Promise<Runbook | undefined> {
  if (!started.runbook.path) return undefined;
  try {
    const source = await readFile(path.resolve(io.cwd, started.runbook.path), 'utf8');
    return parseRunbook(source, { path: started.runbook.path }).runbook;
  } catch {
    return undefined;
  }
}
