/**
 * The `logs` step's planning and runner. `source=kubectl`: the body is one `kubectl logs` command (never
 * `-f`); with an evaluation time it gets `--timestamps` and `--since-time=<at − window>` and lines after `at`
 * are dropped. `source=loki`: the body is LogQL sent to `GET /loki/api/v1/query_range` with
 * `direction=forward` (and the answer is sorted by time here anyway). Lines are summarised by
 * src/logs (bounded memory), captures read the summary.
 */
import type { Attributes, LogCapture, PlannedLogs, PlannedProcess } from '../../model/index.js';
import { parseDuration } from '../../steps/duration.js';
import { kubectlVerb } from '../../steps/kubectl-verbs.js';
import type { RecordedQueryResult, Targets } from '../../timeline/events.js';
import { LogAggregator } from '../../logs/index.js';
import type { LogSummary } from '../../logs/index.js';
import { safeText } from '../../format/safe-text.js';
import type { ProcessResult, SpawnFn } from '../process.js';

/** A logs step, resolved, and its captures (the types live with the plan in src/model/). */
export type { LogCapture, PlannedLogs };

/** Defaults of the logs step. */
export const LOGS_DEFAULTS = { windowMs: 30 * 60_000, limit: 5000, timeoutMs: 60_000 } as const;

/**
 * Plans a logs step. `kubectl` plans the body as a kubectl step would (templating, target flags, refusals).
 * Throws Error with the fix named.
 */
export function planLogs(body: string, attributes: Attributes, targets: Targets, at: Date | null, kubectl: (body: string) => PlannedProcess): PlannedLogs {
  const source = attributes.source === 'loki' ? 'loki' : 'kubectl';
  const ms = (key: string): number | undefined => (attributes[key] === undefined ? undefined : parseDuration(attributes[key]!));
  const windowMs = ms('window') ?? LOGS_DEFAULTS.windowMs;
  let match: RegExp | undefined;
  if (attributes.match !== undefined) {
    try {
      match = new RegExp(attributes.match);
    } catch (error) {
      throw new Error(`attribute \`match\`: invalid regular expression: ${(error as Error).message}`);
    }
  }
  const extract = (attributes.extract ?? '').split(';').map((f) => f.trim()).filter(Boolean);
  const captures: LogCapture[] = [];
  for (const part of (attributes.capture ?? '').split(';')) {
    if (part.trim() === '') continue;
    const m = /^\s*([A-Za-z_][\w-]*)\s*=\s*([^\s:]+)(?::(latest|top|earliest))?\s*$/.exec(part);
    if (!m) throw new Error(`capture \`${part.trim()}\`: expected \`name=<field>\`, \`name=<field>:latest\`, \`name=<field>:top\` or \`name=count\``);
    if (m[2] === 'count') captures.push({ name: m[1]!, field: 'count', how: 'count' });
    else {
      captures.push({ name: m[1]!, field: m[2]!, how: (m[3] as 'latest' | 'top' | undefined) ?? 'earliest' });
      if (!extract.includes(m[2]!)) extract.push(m[2]!);
    }
  }
  const limit = attributes.limit !== undefined ? Number(attributes.limit) : LOGS_DEFAULTS.limit;
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`attribute \`limit\`: expected a whole number ≥ 1, found \`${attributes.limit}\``);
  const common = { windowMs, at, ...(match ? { match } : {}), limit, extract, captures, timeoutMs: ms('timeout') ?? LOGS_DEFAULTS.timeoutMs };
  if (source === 'loki') {
    const loki = targets.loki;
    if (loki === undefined) throw new Error('`source=loki` but no Loki URL: pass `--loki <url>` or set `loki:` in the front matter');
    const query = body.trim();
    if (query === '') throw new Error('the body is empty; expected a LogQL query such as `{app="checkout"} |= "error"`');
    return { source, loki: loki.replace(/\/+$/, ''), query, ...common };
  }
  const process = kubectl(body);
  const words = process.argv.slice(1);
  const { verb } = kubectlVerb(words);
  if (verb !== 'logs') throw new Error(`a \`logs\` step runs \`kubectl logs\`, found \`kubectl ${verb ?? ''}\`; use a \`kubectl\` step for other commands`);
  if (words.some((w) => w === '-f' || w === '--follow' || /^--follow=(?!false)/.test(w))) throw new Error('`kubectl logs -f` never ends; drop `-f` (the step reads the window and stops)');
  const argv = [...process.argv];
  if (at !== null) {
    if (!argv.some((w) => w === '--timestamps' || w.startsWith('--timestamps='))) argv.push('--timestamps');
    if (!argv.some((w) => w.startsWith('--since'))) argv.push(`--since-time=${new Date(at.getTime() - windowMs).toISOString()}`);
  }
  return { source, process: { ...process, argv, readOnly: true }, ...common };
}

/** What a logs step produced. */
export type LogsRun =
  | { kind: 'ok'; summary: string; captures: Record<string, string>; result: RecordedQueryResult; text: string; logs: LogSummary; limitReached: boolean; process?: ProcessResult }
  | { kind: 'error'; error: string; aborted: boolean; process?: ProcessResult };

/** I/O of the runner. */
export interface LogsRunDeps {
  fetch: typeof fetch;
  spawn: SpawnFn;
  env: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  clock: () => Date;
  signal: AbortSignal;
}

const MAX_READ_BYTES = 256 * 1024 * 1024;
const RFC3339_PREFIX = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;

/** Runs a planned logs step. Never throws for a bad answer. */
export async function runLogs(plan: PlannedLogs, deps: LogsRunDeps): Promise<LogsRun> {
  const agg = new LogAggregator(plan.match, plan.extract);
  const end = plan.at ?? deps.clock();
  const start = new Date(end.getTime() - plan.windowMs);
  let limitReached = false;
  let processResult: ProcessResult | undefined;
  try {
    if (plan.source === 'loki') {
      const q = new URLSearchParams({
        query: plan.query!,
        start: `${BigInt(start.getTime()) * 1_000_000n}`,
        end: `${BigInt(end.getTime()) * 1_000_000n}`,
        direction: 'forward',
        limit: String(plan.limit),
      });
      const url = `${plan.loki}/loki/api/v1/query_range?${q}`;
      const signal = AbortSignal.any([deps.signal, AbortSignal.timeout(plan.timeoutMs)]);
      let response: Response;
      try {
        response = await deps.fetch(url, { signal, headers: { accept: 'application/json' } });
      } catch (error) {
        if (deps.signal.aborted) return { kind: 'error', aborted: true, error: 'interrupted' };
        return { kind: 'error', aborted: false, error: signal.aborted ? `Loki: no answer within ${plan.timeoutMs / 1000}s` : `Loki: cannot reach ${plan.loki}: ${(error as Error).message}` };
      }
      const text = await response.text();
      if (text.length > MAX_READ_BYTES) return { kind: 'error', aborted: false, error: 'Loki: the answer is too large; lower `limit`' };
      if (!response.ok) return { kind: 'error', aborted: false, error: `Loki answered HTTP ${response.status}: ${safeText(text.trim(), 300)}` };
      let answer: unknown;
      try {
        answer = JSON.parse(text);
      } catch {
        return { kind: 'error', aborted: false, error: `Loki answered something that is not JSON (${safeText(text.slice(0, 80), 80)})` };
      }
      const result = (answer as { data?: { result?: unknown } }).data?.result;
      if (!Array.isArray(result)) return { kind: 'error', aborted: false, error: 'Loki: the answer has no `data.result` streams' };
      // Never trust the order of an answer: merge the streams and sort by time.
      const lines: Array<{ t: number; line: string }> = [];
      for (const stream of result as Array<{ values?: unknown }>) {
        for (const v of Array.isArray(stream.values) ? stream.values : []) {
          if (!Array.isArray(v) || typeof v[1] !== 'string') continue;
          const ns = String(v[0]);
          const t = /^\d+$/.test(ns) ? Number(BigInt(ns) / 1_000_000n) : Date.parse(ns);
          lines.push({ t: Number.isFinite(t) ? t : 0, line: v[1] });
        }
      }
      lines.sort((a, b) => a.t - b.t);
      limitReached = lines.length >= plan.limit;
      for (const l of lines.slice(0, plan.limit)) agg.add(l.line, l.t);
    } else {
      const command = plan.process!;
      processResult = await deps.spawn({
        argv: command.argv,
        env: { ...deps.env, ...command.env },
        ...(deps.cwd !== undefined ? { cwd: deps.cwd } : {}),
        timeoutMs: command.timeoutMs,
        signal: deps.signal,
        maxBytes: MAX_READ_BYTES,
      });
      if (processResult.aborted) return { kind: 'error', aborted: true, error: 'interrupted', process: processResult };
      if (processResult.spawnError) return { kind: 'error', aborted: false, error: processResult.spawnError, process: processResult };
      if (processResult.timedOut) return { kind: 'error', aborted: false, error: `timed out after ${command.timeoutMs / 1000}s`, process: processResult };
      if (processResult.exitCode !== 0) {
        return { kind: 'error', aborted: false, error: `exit ${processResult.exitCode ?? '?'}: ${safeText(processResult.stderr.trim().split('\n')[0] ?? '', 300)}`, process: processResult };
      }
      const all: Array<{ t: number | undefined; line: string }> = [];
      for (const raw of processResult.stdout.split('\n')) {
        if (raw === '') continue;
        const m = plan.at !== null ? RFC3339_PREFIX.exec(raw) : null;
        const t = m ? Date.parse(m[1]!) : undefined;
        if (t !== undefined && t > end.getTime()) continue; // after the evaluation time
        all.push({ t, line: m ? raw.slice(m[0].length) : raw });
        if (all.length >= plan.limit) {
          limitReached = true;
          break;
        }
      }
      all.sort((a, b) => (a.t ?? 0) - (b.t ?? 0));
      for (const l of all) agg.add(l.line, l.t);
    }
  } catch (error) {
    if (deps.signal.aborted) return { kind: 'error', aborted: true, error: 'interrupted' };
    return { kind: 'error', aborted: false, error: `logs: ${(error as Error).message}` };
  }
  const s = agg.summary();
  const captures: Record<string, string> = {};
  const missing: string[] = [];
  for (const c of plan.captures) {
    const v = c.how === 'count' ? String(s.matched) : agg.pick(c.field, c.how);
    if (v === undefined) missing.push(c.name);
    else captures[c.name] = safeText(v, 500);
  }
  const levels = Object.entries(s.byLevel).map(([l, n]) => `${l} ${n}`).join(', ');
  const summary =
    `${s.matched} matching line${s.matched === 1 ? '' : 's'} of ${s.read} read${limitReached ? ` (limit ${plan.limit} reached)` : ''}` +
    (levels ? `; ${levels}` : '') +
    (s.patterns[0] ? `; top: ${s.patterns[0].pattern} ×${s.patterns[0].count}` : '') +
    (missing.length ? `; nothing captured for ${missing.join(', ')}` : '');
  const text = [
    ...s.patterns.slice(0, 5).map((p) => `${String(p.count).padStart(6)}  ${p.pattern}`),
    ...Object.entries(s.extracted).flatMap(([f, vals]) => (vals.length ? [`${f}: ${vals.slice(0, 5).map((v) => `${v.value} ×${v.count}`).join(', ')}`] : [])),
    ...s.samples.slice(0, 3).map((l) => `sample: ${l}`),
    ...(s.capped ? ['(some distinct patterns or values were not kept: bounded memory)'] : []),
  ].join('\n');
  return {
    kind: 'ok',
    summary,
    captures,
    result: { resultType: 'vector', series: [{ labels: { __name__: 'log_matching_lines' }, value: [end.getTime() / 1000, String(s.matched)] }], seriesTotal: 1 },
    text,
    logs: s,
    limitReached,
    ...(processResult ? { process: processResult } : {}),
  };
}
