/**
 * What a run's events say about the incident, computed once for every export format: the window, the key
 * figures, which events make timeline rows, the evidence and the starting action items. Pure functions of
 * the events (no I/O), so the tests can assert them against event times directly.
 */
import type {
  GateDecidedEvent,
  RecordedQueryResult,
  RunStartedEvent,
  StepAddedEvent,
  StepCommand,
  StepFinishedEvent,
  StepStartedEvent,
  TimelineEvent,
  VerifyPolledEvent,
} from '../timeline/events.js';
import { maxOf, minOf } from '../format/extent.js';
import { stepRole } from '../steps/index.js';

/** Step facts gathered from `step.started` (kind, title, command, position) by step id. */
export interface StepInfo {
  id: string;
  kind?: StepStartedEvent['kind'];
  title?: string;
  command?: StepCommand;
  position?: StepStartedEvent['position'];
}

/** A key figure: an event and how long after the first event it came. */
export interface KeyFigure {
  event: TimelineEvent;
  /** Milliseconds from the first event of the timeline. */
  afterMs: number;
}

/** The key figures of the postmortem (each absent when the events do not contain it). */
export interface KeyFigures {
  /** First failing check: a `step.finished` with status `failed` of a `check` step. */
  detection?: KeyFigure;
  /** First approved mitigation: a `gate.decided` approved (not a rollback gate) of a `mitigate` step. */
  mitigation?: KeyFigure;
  /** First passing verification: a passing `verify.polled`, else a `passed` check after the mitigation. */
  resolution?: KeyFigure;
}

/** Everything the exporters need, derived from the events. */
export interface Incident {
  events: TimelineEvent[];
  /** The first `run.started` (the run as first started; resumptions follow it). */
  started?: RunStartedEvent;
  /** First event time (ms since epoch). */
  startMs: number;
  /** End of the run: the last `run.finished`, else the last event (notes added after a run do not extend it). */
  endMs: number;
  /** Time of the last event of any kind. */
  lastEventMs: number;
  steps: Map<string, StepInfo>;
  figures: KeyFigures;
  /** Approved mitigation gates, in order: marked on charts. */
  mitigations: GateDecidedEvent[];
  /** User names in order of first appearance (run.started user, gate deciders, note authors). */
  people: string[];
}

/** Builds the Incident from events in file order. */
export function analyseIncident(events: TimelineEvent[]): Incident {
  const steps = new Map<string, StepInfo>();
  for (const e of events) {
    if (e.type !== 'step.started') continue;
    const info: StepInfo = { id: e.step, kind: e.kind };
    if (e.title !== undefined) info.title = e.title;
    if (e.command !== undefined) info.command = e.command;
    if (e.position !== undefined) info.position = e.position;
    steps.set(e.step, info);
  }
  const times = events.map((e) => Date.parse(e.time));
  const startMs = minOf(times) ?? 0;
  const lastEventMs = maxOf(times) ?? 0;
  const finished = events.findLast((e) => e.type === 'run.finished');
  const endMs = finished ? Date.parse(finished.time) : lastEventMs;
  const started = events.find((e): e is RunStartedEvent => e.type === 'run.started');
  const figures = keyFigures(events, steps, startMs);
  const mitigations = events.filter((e): e is GateDecidedEvent => isMitigationApproval(e, steps));
  const people: string[] = [];
  const meet = (name: string | undefined): void => {
    if (name && !people.includes(name)) people.push(name);
  };
  for (const e of events) {
    if (e.type === 'run.started') meet(e.user);
    if (e.type === 'gate.decided') meet(e.by);
    if (e.type === 'note') meet(e.by);
  }
  const incident: Incident = { events, startMs, endMs, lastEventMs, steps, figures, mitigations, people };
  if (started) incident.started = started;
  return incident;
}

function isMitigationApproval(e: TimelineEvent, steps: Map<string, StepInfo>): e is GateDecidedEvent {
  if (e.type !== 'gate.decided' || e.decision !== 'approved' || e.gate === 'rollback') return false;
  const kind = steps.get(e.step)?.kind;
  // A gate whose step never started (the run stopped right after the decision) still counts: gates guard changes.
  return kind === undefined || stepRole(kind) === 'mitigation';
}

function keyFigures(events: TimelineEvent[], steps: Map<string, StepInfo>, startMs: number): KeyFigures {
  const figure = (event: TimelineEvent | undefined): KeyFigure | undefined =>
    event ? { event, afterMs: Date.parse(event.time) - startMs } : undefined;
  const detection = events.find((e) => e.type === 'step.finished' && e.status === 'failed' && stepRole(steps.get(e.step)?.kind) === 'check');
  const mitigationIndex = events.findIndex((e) => isMitigationApproval(e, steps));
  const mitigation = mitigationIndex >= 0 ? events[mitigationIndex] : undefined;
  let resolution: TimelineEvent | undefined = events.find((e) => e.type === 'verify.polled' && e.passed);
  if (!resolution && mitigationIndex >= 0) {
    resolution = events
      .slice(mitigationIndex + 1)
      .find((e) => e.type === 'step.finished' && e.status === 'passed' && stepRole(steps.get(e.step)?.kind) === 'check');
  }
  const figures: KeyFigures = {};
  const d = figure(detection);
  const m = figure(mitigation);
  const r = figure(resolution);
  if (d) figures.detection = d;
  if (m) figures.mitigation = m;
  if (r) figures.resolution = r;
  return figures;
}

/**
 * The events that make rows of the postmortem's timeline table, in file order:
 * every event except `step.started` (its step and command are shown in the row of its `step.finished`),
 * and of a step's `verify.polled` events only the first poll, each poll whose verdict differs from the
 * previous poll of that step, and the last poll of that step.
 */
export function timelineRowEvents(events: TimelineEvent[]): TimelineEvent[] {
  const polls = new Map<string, VerifyPolledEvent[]>();
  for (const e of events) if (e.type === 'verify.polled') polls.set(e.step, [...(polls.get(e.step) ?? []), e]);
  const keep = new Set<TimelineEvent>();
  for (const list of polls.values()) {
    list.forEach((poll, i) => {
      if (i === 0 || i === list.length - 1 || poll.passed !== list[i - 1]?.passed) keep.add(poll);
    });
  }
  return events.filter((e) => e.type !== 'step.started' && (e.type !== 'verify.polled' || keep.has(e)));
}

/** One piece of evidence: a PromQL step or check (or a verification poll) with what it returned. */
export interface Evidence {
  /** The event that holds the result. */
  event: StepFinishedEvent | VerifyPolledEvent;
  step: StepInfo;
  query: string;
  command?: StepCommand;
  result?: RecordedQueryResult;
  /** Verdict for checks and polls. */
  verdict?: 'PASS' | 'FAIL';
}

/**
 * Evidence in file order: every `step.finished` of a `promql` or `check` step, and for each mitigation the
 * last verification poll (the one that decided it).
 */
export function collectEvidence(incident: Incident): Evidence[] {
  const lastPoll = new Map<string, VerifyPolledEvent>();
  for (const e of incident.events) if (e.type === 'verify.polled') lastPoll.set(e.step, e);
  const evidence: Evidence[] = [];
  for (const e of incident.events) {
    if (e.type !== 'step.finished' && e.type !== 'verify.polled') continue;
    const step = incident.steps.get(e.step) ?? { id: e.step };
    const role = stepRole(step.kind);
    if (e.type === 'step.finished' && (step.kind === 'promql' || role === 'check')) {
      const item: Evidence = { event: e, step, query: step.command?.query ?? '' };
      if (step.command) item.command = step.command;
      if (e.result) item.result = e.result;
      if (role === 'check' && (e.status === 'passed' || e.status === 'failed')) item.verdict = e.status === 'passed' ? 'PASS' : 'FAIL';
      evidence.push(item);
    }
    if (e.type === 'verify.polled' && lastPoll.get(e.step) === e) {
      const item: Evidence = { event: e, step, query: verifyQuery(incident, e.step) ?? '', verdict: e.passed ? 'PASS' : 'FAIL' };
      if (e.result) item.result = e.result;
      evidence.push(item);
    }
  }
  return evidence;
}

function verifyQuery(incident: Incident, step: string): string | undefined {
  // The verifying check's query is shown at the gate as the last command with a query.
  for (const e of incident.events) {
    if (e.type === 'gate.decided' && e.step === step) {
      const q = e.command?.filter((c) => c.query !== undefined).at(-1)?.query;
      if (q) return q;
    }
  }
  return undefined;
}

/** A starting action item: one per failed check and per declined gate. */
export interface ActionItemSeed {
  event: StepFinishedEvent | GateDecidedEvent | StepAddedEvent;
  text: string;
}

/** Action items to start from, in file order. */
export function seedActionItems(incident: Incident, time: (ms: number) => string): ActionItemSeed[] {
  const items: ActionItemSeed[] = [];
  for (const e of incident.events) {
    if (e.type === 'step.finished' && e.status === 'failed' && stepRole(incident.steps.get(e.step)?.kind) === 'check') {
      const title = incident.steps.get(e.step)?.title;
      items.push({
        event: e,
        text: `Prevent or alert earlier on what check \`${e.step}\`${title ? ` (${title})` : ''} found at ${time(Date.parse(e.time))} UTC${e.summary ? `: ${e.summary}` : ''}`,
      });
    }
    if (e.type === 'step.added') {
      // An ad-hoc step that ran is what the runbook lacked: `runbook learn` proposes it as a step.
      const finished = incident.events.find((f) => f.type === 'step.finished' && f.step === e.step && f.seq > e.seq);
      if (finished?.type === 'step.finished' && (finished.status === 'ok' || finished.status === 'passed' || finished.status === 'failed')) {
        const body = e.body.replace(/\s+/g, ' ').trim();
        items.push({
          event: e,
          text: `Add to the runbook: ad-hoc step \`${e.step}\`${e.title ? ` (${e.title})` : ''}, ${e.kind} \`${body.length > 80 ? `${body.slice(0, 79)}…` : body}\`, run by ${e.by} at ${time(Date.parse(e.time))} UTC (\`runbook learn\` proposes it)`,
        });
      }
    }
    if (e.type === 'gate.decided' && e.decision === 'declined') {
      const title = incident.steps.get(e.step)?.title;
      items.push({
        event: e,
        text: `Decide whether \`${e.step}\`${title ? ` (${title})` : ''} should run next time: its gate was declined at ${time(Date.parse(e.time))} UTC (${e.how})`,
      });
    }
  }
  return items;
}

/** `1 h 2 min 3 s`, `4 min 0 s`, `12 s`, `850 ms`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h) return `${h} h ${m} min ${s} s`;
  if (m) return `${m} min ${s} s`;
  return `${s} s`;
}
