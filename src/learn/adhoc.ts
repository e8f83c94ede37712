/**
 * Ad-hoc steps: a step the runbook did not have, typed by the responder during an incident (`kind body`,
 * from the run UI's `:` or `runbook exec`). It is written as the same Markdown a runbook holds, parsed and
 * planned by the same step kinds, and run by the same executor, so the same gates apply: a read runs,
 * anything else (kubectl classified by src/steps/kubectl-verbs.ts, every `sh`, every `mitigate`) stops at a
 * gate. Its events go to the run's own timeline after a `step.added` event that records what was typed.
 */
import { parseRunbook } from '../parse/index.js';
import type { Runbook } from '../model/index.js';
import { isStepKind as isRegisteredKind, stepKinds } from '../steps/index.js';
import { preflight, PreflightError, runRunbook, type RunOptions, type RunResult, type TimelineSink } from '../exec/index.js';
import type { NewEvent, RunStartedEvent, StepAddedEvent, TimelineEvent } from '../timeline/events.js';

/** An ad-hoc step that cannot be used as given (unknown kind, empty or invalid body); `line`/`column` are in the body. */
export class AdhocStepError extends Error {
  override name = 'AdhocStepError';
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/** One ad-hoc step, before it is planned. */
export interface AdhocSpec {
  id: string;
  kind: StepKind;
  /** The body as typed (templates such as `{{namespace}}` unrendered). */
  body: string;
  title?: string;
  /** Headings the responder was in, outermost first (the step is placed under them when planned). */
  section?: string[];
}

/** A step kind's name (a registered kind: src/steps/index.ts). */
export type StepKind = string;

/** True for the kinds a step can be typed as: every registered kind. */
export function isStepKind(kind: string): boolean {
  return isRegisteredKind(kind);
}

/**
 * Splits what the run UI's `:` input holds (`kubectl get pods -n payments`, `promql sum(up)`) into a kind
 * and a body. For kubectl the leading `kubectl` is both the kind and part of the command, so it stays.
 */
export function parseAdhocInput(text: string): { kind: StepKind; body: string } {
  const trimmed = text.trim();
  const match = /^(\S+)\s*([\s\S]*)$/.exec(trimmed);
  if (!match) throw new AdhocStepError('the step is empty; type `<kind> <body>`, e.g. `kubectl get pods -n payments`');
  const [, kind = '', rest = ''] = match;
  if (!isStepKind(kind)) throw new AdhocStepError(`unknown step kind \`${kind}\`; expected one of ${stepKinds().map((k) => `\`${k}\``).join(', ')}`);
  if (rest.trim() === '') throw new AdhocStepError(`the \`${kind}\` step has no body; type it after the kind`);
  return { kind, body: kind === 'kubectl' ? `kubectl ${rest}` : rest };
}

/**
 * Markdown of one step as a fence with its id and title, as a runbook holds it. The fence is longer than any
 * run of backticks in the body, so the body stays byte-exact.
 */
export function stepMarkdown(spec: Pick<AdhocSpec, 'id' | 'kind' | 'body' | 'title'>): string {
  const longest = Math.max(0, ...[...spec.body.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  // A `"` cannot be escaped inside the attribute grammar's quoted value; an apostrophe reads the same.
  const title = spec.title !== undefined ? ` title="${spec.title.replace(/"/g, "'").replace(/\s+/g, ' ').trim()}"` : '';
  return `${fence}${spec.kind} {#${spec.id}${title}}\n${spec.body.replace(/\n+$/, '')}\n${fence}\n`;
}

/** The title an ad-hoc step gets when none was given: its first line, shortened. */
export function defaultTitle(kind: StepKind, body: string): string {
  const first = body.trim().split('\n')[0]!.trim().replace(/\s+\\$/, '');
  const text = first.startsWith(`${kind} `) ? first : `${kind} ${first}`;
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

/**
 * An id for an ad-hoc step from its body (`kubectl get deployments -n payments` → `get-deployments`),
 * unique among `taken` (`-2`, `-3` … appended).
 */
export function adhocId(kind: StepKind, body: string, taken: ReadonlySet<string>): string {
  let base: string;
  if (kind === 'promql' || kind === 'check') {
    // A query is named after its first metric, not after the functions around it.
    const bare = body
      .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
      .replace(/\{[^}]*\}/g, ' ')
      .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ')
      .replace(/\[[^\]]*\]/g, ' ');
    const metric = [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)].find((m) => !m[2] && !PROMQL_WORDS.has(m[1]!.toLowerCase()))?.[1];
    base = `${kind}-${slug(metric ?? '')}`;
  } else {
    const words = body
      .trim()
      .split(/\s+/)
      .filter((w) => !(kind === 'kubectl' && w === 'kubectl'))
      // Flags and their values say little about what the step is for.
      .filter((w, i, all) => !w.startsWith('-') && !(i > 0 && /^-[a-z]$/i.test(all[i - 1] ?? '')))
      .map(slug)
      .filter(Boolean);
    base = words.slice(0, kind === 'kubectl' ? 2 : 3).join('-');
    if (kind !== 'kubectl') base = `${kind}-${base}`;
  }
  base = base.slice(0, 40).replace(/-+$/, '');
  if (!/^[a-z]/.test(base)) base = kind;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

function slug(word: string): string {
  return word.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** PromQL functions, aggregations and keywords: not what a query is about. */
const PROMQL_WORDS = new Set(
  'sum min max avg count stddev stdvar topk bottomk quantile count_values group by without on ignoring group_left group_right bool and or unless offset rate irate increase delta idelta deriv histogram_quantile abs ceil floor round clamp clamp_min clamp_max absent absent_over_time avg_over_time max_over_time min_over_time sum_over_time count_over_time last_over_time quantile_over_time label_replace label_join vector scalar time timestamp sort sort_desc changes resets predict_linear exp ln log2 log10 sqrt'.split(' '),
);

/**
 * A one-step runbook holding the ad-hoc step, under the responder's headings (so a check's role follows
 * its place as in a runbook). Throws AdhocStepError with the line and column in the body.
 */
export function adhocRunbook(spec: AdhocSpec, title = 'Ad-hoc step'): Runbook {
  const headings = (spec.section?.length ? spec.section : ['Ad hoc']).map((h, i) => `${'#'.repeat(Math.min(i + 1, 6))} ${h.replace(/\n/g, ' ')}\n\n`);
  const head = `---\ntitle: ${JSON.stringify(title)}\n---\n\n${headings.join('')}`;
  const source = `${head}${stepMarkdown(spec)}`;
  const bodyLine = head.split('\n').length; // the fence's opening line is the last line of `head` + 1; the body follows it
  const { runbook, file } = parseRunbook(source);
  const error = file.messages.find((m) => m.fatal);
  if (error) {
    const place = error.place && 'start' in error.place ? error.place.start : error.place;
    const line = place?.line !== undefined ? Math.max(1, place.line - bodyLine) : undefined;
    throw new AdhocStepError(error.reason, line, place?.column);
  }
  const step = runbook.steps[0];
  if (!step || runbook.steps.length !== 1) throw new AdhocStepError(`the body does not make one \`${spec.kind}\` step`);
  return runbook;
}

/** What an ad-hoc step is run with: the run's recorded values, a sink on its timeline, and its gate. */
export interface AdhocRunOptions extends Pick<RunOptions, 'gate' | 'signal' | 'deps'> {
  /** The run's `run.started` (params, `at`, mode, targets are the run's own). */
  started: RunStartedEvent;
  /** Appends to the run's timeline (redacting); earlier lines are never touched. */
  sink: TimelineSink;
  /** `--approve` values (the step's id, or `all`). */
  approve?: readonly string[];
  /** Where and by whom it was added. */
  added: Pick<StepAddedEvent, 'by' | 'via'> & Partial<Pick<StepAddedEvent, 'after' | 'section'>>;
  /** Called with every event of the step after it is on the timeline. */
  onEvent?: (event: TimelineEvent) => void;
}

/**
 * Plans the step with the run's values before anything is written (PreflightError when it cannot be
 * planned: a missing param, a command needing a terminal), so a refused step leaves the timeline as it was.
 */
export function preflightAdhoc(runbook: Runbook, started: RunStartedEvent): void {
  preflight(runbook, { params: started.params, targets: started.targets, at: started.at ? new Date(started.at) : null });
}

/**
 * Records and runs one ad-hoc step in a run's timeline: `step.added`, then the executor's own events for the
 * step (its gate, start and finish). The executor's `run.started`/`run.finished` are not written: the step
 * is part of the run that is already recorded, not a run of its own.
 */
export async function runAdhocStep(runbook: Runbook, spec: AdhocSpec, options: AdhocRunOptions): Promise<RunResult> {
  const { started } = options;
  await options.sink.append({
    type: 'step.added',
    step: spec.id,
    kind: spec.kind,
    ...(spec.title !== undefined ? { title: spec.title } : {}),
    body: spec.body,
    ...(options.added.after !== undefined ? { after: options.added.after } : {}),
    ...(options.added.section?.length ? { section: options.added.section } : {}),
    by: options.added.by,
    via: options.added.via,
  }).then((event) => options.onEvent?.(event));

  const sink: TimelineSink = {
    async append(event: NewEvent): Promise<TimelineEvent> {
      if (event.type === 'run.started' || event.type === 'run.finished') {
        // Kept from the file: stamped for the executor's own bookkeeping only.
        return { v: 1, seq: 0, time: new Date().toISOString(), run: started.run, ...event } as TimelineEvent;
      }
      // The position would be in the one-step document, not in the runbook file.
      if (event.type === 'step.started') {
        const { position: _position, ...rest } = event;
        return options.sink.append(rest);
      }
      return options.sink.append(event);
    },
  };
  return runRunbook(runbook, {
    runbookPath: started.runbook.path,
    sha256: started.runbook.sha256,
    params: started.params,
    mode: started.mode,
    at: started.at ? new Date(started.at) : null,
    targets: started.targets,
    approve: options.approve ?? [],
    sink,
    ...(options.gate ? { gate: options.gate } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.deps ? { deps: options.deps } : {}),
    onEvent: (event) => {
      if (event.seq !== 0) options.onEvent?.(event);
    },
  });
}

/** Where an ad-hoc step goes: after the runbook step that finished last, in that step's section. */
export function adhocPlace(events: readonly TimelineEvent[], runbook: Runbook | undefined): { after?: string; section?: string[] } {
  const added = new Set(events.filter((e) => e.type === 'step.added').map((e) => (e as StepAddedEvent).step));
  const ids = runbook ? new Set(runbook.steps.map((s) => s.id)) : undefined;
  const last = events.findLast((e): e is Extract<TimelineEvent, { type: 'step.finished' }> => e.type === 'step.finished' && !added.has(e.step) && (!ids || ids.has(e.step)));
  if (!last) return {};
  const section = runbook?.steps.find((s) => s.id === last.step)?.section;
  return { after: last.step, ...(section?.length ? { section } : {}) };
}

/** Re-exported so callers can tell a refused plan from other errors. */
export { PreflightError };
