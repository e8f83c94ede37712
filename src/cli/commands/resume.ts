/**
 * `runbook resume <timeline>`: continues an interrupted run in the same timeline file (same run id, new
 * events appended), from the first step without a `step.finished`. The runbook, params, `--at`, targets
 * and mode are the run's own (from its `run.started`); only approvals are new. A runbook file that changed
 * since the run started (sha256) is refused unless `--allow-changed`.
 *
 * Exit codes as `runbook run`: 0 ok, 1 failed, 2 usage (nothing to resume, changed runbook…), 130 interrupted.
 */
import { createHash } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config/index.js';
import { EXIT, UsageError } from '../../errors.js';
import { exitCodeForRun, preflight, validateApprovals, type ExecDeps, type Gate } from '../../exec/index.js';
import { readResumeState, remainingSteps, ResumeError, resumeRunbook } from '../../exec/resume.js';
import { createEventRedactor } from '../../secrets/events.js';
import { createPrometheusDriver } from '../../exec/prometheus.js';
import { withBasicAuth } from '../../exec/prometheus-auth.js';
import type { NewEvent, TimelineEvent } from '../../timeline/events.js';
import { readTimeline } from '../../timeline/reader.js';
import { openTimeline } from '../../timeline/store.js';
import type { CliIO } from '../io.js';
import { formatEvent, renderOutcome } from '../render/plain.js';
import { redactingGate, resumePrometheusAuth } from '../secrets.js';
import { configuredRedactor, parseRunnable, readRunbookFile } from '../shared.js';
import { interruptOnSigint } from '../interrupt.js';

/** Options of `runbook resume` (names are a contract: see main.ts). */
export interface ResumeCliOptions {
  approve?: string[];
  allowChanged?: boolean;
  /** The run's Prometheus again, with credentials (`http://user:pw@host`); the run recorded it without them. */
  prometheus?: string;
  json?: boolean;
  color?: boolean;
}

/** What tests (and the TUI) may inject besides the CLI IO. */
export interface ResumeCommandDeps {
  exec?: Partial<ExecDeps>;
  signal?: AbortSignal;
  interactiveGate?: Gate;
  onEvent?: (event: TimelineEvent) => void;
}

/** The marker the redactor leaves; a redacted parameter cannot be replayed. */
const REDACTED_MARK = '[REDACTED]';

/** Runs `runbook resume`; returns the exit code. Throws UsageError for main.ts to report. */
export async function resumeCommand(timeline: string, rawOptions: Record<string, unknown>, io: CliIO, deps: ResumeCommandDeps = {}): Promise<number> {
  const options = rawOptions as ResumeCliOptions;
  const timelinePath = path.resolve(io.cwd, timeline);
  let read;
  try {
    read = await readTimeline(timelinePath);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`Cannot read timeline \`${timeline}\`: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  if (read.torn) {
    io.stderr.write(`runbook: ${timeline}:${read.torn.line}: ignoring a torn last line (the run was killed while writing it): ${preview(read.torn.text)}\n`);
  }
  for (const bad of read.invalid) io.stderr.write(`runbook: ${timeline}:${bad.line}: ignoring an unreadable line: ${bad.message}\n`);

  let state;
  try {
    state = readResumeState(read.events);
  } catch (error) {
    if (error instanceof ResumeError) throw new UsageError(`Cannot resume \`${timeline}\`: ${error.message}`);
    throw error;
  }
  const started = state.started;
  const redacted = Object.entries(started.params).filter(([, value]) => value.includes(REDACTED_MARK)).map(([name]) => name);
  if (redacted.length > 0) {
    throw new UsageError(
      `Cannot resume \`${timeline}\`: parameter${redacted.length === 1 ? '' : 's'} ${redacted.map((n) => `\`${n}\``).join(', ')} ${redacted.length === 1 ? 'was' : 'were'} redacted in the timeline, so the run cannot be replayed with the same values; start a new run`,
    );
  }

  // The recorded path is as the run was given it: relative to where it was started, which is usually here.
  const runbookFile = started.runbook.path;
  const absolute = path.resolve(io.cwd, runbookFile);
  const source = await readRunbookFile(absolute, runbookFile, ` (run ${state.run} recorded this path; resume from the folder the run was started in)`);
  const sha256 = createHash('sha256').update(source).digest('hex');
  if (sha256 !== started.runbook.sha256) {
    if (!options.allowChanged) {
      throw new UsageError(
        `Runbook \`${runbookFile}\` changed since run ${state.run} started (sha256 ${short(started.runbook.sha256)} then, ${short(sha256)} now); nothing was run. Pass \`--allow-changed\` to resume with the file as it is now`,
      );
    }
    io.stderr.write(`runbook: runbook \`${runbookFile}\` changed since the run started; resuming with the file as it is now (--allow-changed)\n`);
  }

  const runbook = parseRunnable(source.toString('utf8'), runbookFile, io);
  if (!runbook) return EXIT.usage;

  const remaining = remainingSteps(runbook, state);
  if (remaining.length === 0) {
    io.stderr.write(`runbook: every step of run ${state.run} has finished${state.lastFinish ? ` (it ended \`${state.lastFinish.status}\`)` : ''}; nothing to resume\n`);
    return EXIT.usage;
  }

  const approve = options.approve ?? [];
  const at = started.at ? new Date(started.at) : null;
  // Refuse before appending anything when a remaining step cannot be planned from the recorded values.
  const plan = preflight({ ...runbook, steps: remaining }, { params: started.params, targets: started.targets, at });
  validateApprovals(plan, approve);

  const write = (text: string): void => {
    io.stdout.write(text);
  };
  const ascii = !/UTF-?8/i.test(`${io.env.LC_ALL ?? ''}${io.env.LC_CTYPE ?? ''}${io.env.LANG ?? ''}`) && io.env.RUNBOOK_UNICODE !== '1';
  const skipped = runbook.steps.length - remaining.length;
  io.stderr.write(`runbook: resuming run ${state.run} at step \`${remaining[0]!.id}\` (${skipped} step${skipped === 1 ? '' : 's'} already finished)\n`);

  const { config } = await loadConfig(io.cwd);
  const redactor = configuredRedactor(config);
  const prometheusAuth = resumePrometheusAuth(started.targets.prometheus, options.prometheus, [io.env.RUNBOOK_PROMETHEUS_URL, config.prometheus]);
  const store = await openTimeline(timelinePath, { run: state.run, ...(deps.exec?.clock ? { clock: deps.exec.clock } : {}) });
  // Every event is redacted before it is written, so the file, --json and the log all see the same text.
  const redactEvent = createEventRedactor(redactor);
  const sink = { append: (event: NewEvent) => store.append(redactEvent(event)) };
  const onEvent = (event: TimelineEvent): void => {
    if (options.json) write(`${JSON.stringify(event)}\n`);
    else write(`${formatEvent(event, { ascii })}\n`);
    deps.onEvent?.(event);
  };

  const interrupt = interruptOnSigint(deps.signal);
  const signal = interrupt.signal;
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): keep "unknown".
  }
  try {
    const result = await resumeRunbook(runbook, {
      state,
      priorEvents: read.events,
      runbookPath: runbookFile,
      sha256,
      approve,
      sink,
      signal,
      onEvent,
      ...(deps.interactiveGate ? { interactive: redactingGate(deps.interactiveGate, redactor) } : {}),
      onWarning: async (message, step) => {
        io.stderr.write(`runbook: ${message}; ${approve.includes(step.step) ? 'approved again by --approve' : `declined unless \`--approve ${step.step}\` names it again`}\n`);
        // On the record too: the postmortem must show the step was offered again knowing it may have run.
        onEvent(await sink.append({ type: 'note', text: `resume: ${message}`, by: user }));
      },
      deps: {
        user,
        host: hostname(),
        env: io.env,
        cwd: io.cwd,
        ...deps.exec,
        prometheus: withBasicAuth(deps.exec?.prometheus ?? createPrometheusDriver, prometheusAuth),
      },
    });
    if (!options.json) {
      write(renderOutcome(result.outcome, { ascii }));
      io.stderr.write(`timeline: ${timelinePath}\n`);
    }
    return exitCodeForRun(result.status);
  } finally {
    interrupt.release();
    await store.close();
  }
}

function short(sha: string): string {
  return sha.slice(0, 12);
}

function preview(text: string): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length > 80 ? `${one.slice(0, 80)}…` : one;
}
