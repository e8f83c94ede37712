/**
 * `runbook learn`: the next version of a runbook from an incident's timeline. Each ad-hoc step that ran
 * (`step.added` followed by a `step.finished` that is ok, passed or failed) is inserted as a typed step with
 * its id and title right after the runbook step that had finished before it, values that came from params
 * written back as `{{param}}`; a gated kubectl step becomes a `mitigate` step so it stays behind a gate.
 * What went wrong (errored or declined steps, checks whose threshold was crossed, mitigations that did not
 * verify) becomes a "Learned on <date>" list at the end. Only lines are added: every original line stays
 * byte for byte, and a second learn from the same run adds nothing (ids already present, the run's list
 * already there).
 */
import type { Runbook } from '../model/index.js';
import { stepRole } from '../steps/index.js';
import type { RunStartedEvent, StepAddedEvent, StepFinishedEvent, TimelineEvent } from '../timeline/events.js';
import { stepMarkdown } from './adhoc.js';
import { code, oneLine } from './text.js';
import { applyInsertions, splitLines, unifiedDiff, type LineInsertion } from './diff.js';

/** What learn is given. */
export interface LearnInput {
  /** The runbook's text as it is now. */
  source: string;
  /** `source` parsed. */
  runbook: Runbook;
  /** The run's timeline events, in file order. */
  events: readonly TimelineEvent[];
}

/** One ad-hoc step as it goes into the runbook. */
export interface LearnedStep {
  id: string;
  kind: string;
  title?: string;
  body: string;
  /** The runbook step it follows; undefined when it goes before the first step. */
  after?: string;
}

/** The proposal. */
export interface LearnResult {
  /** The next version of the runbook (equal to `source` when there is nothing to learn). */
  text: string;
  changed: boolean;
  /** Ad-hoc steps inserted, in order. */
  added: LearnedStep[];
  /** Items of the "Learned on" list (empty when the list is not added). */
  notes: string[];
  /** The proposal as a unified diff of `path`. */
  diff(path: string): string;
}

/** The marker a redactor leaves; a redacted value is never written back into a runbook. */
const REDACTED = '[REDACTED]';

/** Proposes the next version of the runbook. Pure: no I/O. */
export function learnFromTimeline(input: LearnInput): LearnResult {
  const { source, runbook, events } = input;
  const started = events.find((e): e is RunStartedEvent => e.type === 'run.started');
  const crlf = source.includes('\r\n');
  const eol = (line: string): string => (crlf ? `${line}\r` : line);
  const lines = splitLines(source);
  const stepIds = new Set(runbook.steps.map((s) => s.id));
  const date = (started?.time ?? events[0]?.time ?? new Date().toISOString()).slice(0, 10);
  const runId = started?.run ?? events[0]?.run ?? 'unknown';
  const params = templatableParams(runbook, started);

  const addedEvents = events.filter((e): e is StepAddedEvent => e.type === 'step.added');
  const adhocIds = new Set(addedEvents.map((e) => e.step));
  const finishOf = (id: string, afterSeq = 0): StepFinishedEvent | undefined =>
    events.find((e): e is StepFinishedEvent => e.type === 'step.finished' && e.step === id && e.seq > afterSeq);
  const gateOf = (id: string, afterSeq = 0) => events.find((e) => e.type === 'gate.decided' && e.step === id && e.seq > afterSeq && (e.gate ?? 'step') === 'step');

  const added: LearnedStep[] = [];
  const noted: Array<{ seq: number; text: string }> = [];
  const note = (seq: number, text: string): void => {
    noted.push({ seq, text });
  };
  const insertions: LineInsertion[] = [];
  const provenance = eol(`Learned from the incident of ${date} (run \`${runId.slice(0, 8)}\`).`);

  for (const event of addedEvents) {
    const finished = finishOf(event.step, event.seq);
    const what = `${event.kind} ${code(oneLine(event.body))}`;
    if (!finished) {
      note(event.seq, `Ad-hoc step ${code(event.step)} (${what}) did not finish; not added.`);
      continue;
    }
    if (finished.status === 'declined' || finished.status === 'skipped' || finished.status === 'error' || finished.status === 'aborted') {
      const gate = gateOf(event.step, event.seq);
      const why =
        finished.status === 'error'
          ? `errored${finished.error ? `: ${code(oneLine(finished.error))}` : ''}`
          : finished.status === 'aborted'
            ? 'was interrupted'
            : `was ${finished.status} at its gate${gate && gate.type === 'gate.decided' ? ` (${gate.how})` : ''}`;
      note(finished.seq, `Ad-hoc step ${code(event.step)} (${what}) ${why}; not added.`);
      continue;
    }
    if (finished.status === 'failed') note(finished.seq, `Ad-hoc ${stepRole(event.kind) === 'check' ? 'check' : 'step'} ${code(event.step)} (${what}) failed${finished.summary ? `: ${code(oneLine(finished.summary))}` : ''}.`);
    // Learned before: the runbook already has a step with this id.
    if (stepIds.has(event.step)) continue;
    const gated = gateOf(event.step, event.seq) !== undefined;
    let kind = event.kind;
    let body = templated(event.body, params);
    if (gated && kind === 'kubectl') {
      // A command that changes a cluster belongs behind a mitigation's gate in a runbook, not in a plain step.
      kind = 'mitigate';
      if (!/^\s*kubectl\s/.test(body)) body = `kubectl ${body.trimStart()}`;
    }
    const learned: LearnedStep = { id: event.step, kind, body, ...(event.title !== undefined ? { title: event.title } : {}) };
    const anchor = event.after !== undefined && stepIds.has(event.after) ? runbook.steps.find((s) => s.id === event.after) : undefined;
    if (anchor) learned.after = anchor.id;
    added.push(learned);
    const fence = splitLines(stepMarkdown(learned)).map(eol);
    if (anchor) {
      const at = anchor.position.end.line;
      const next = lines[at];
      insertions.push({ after: at, lines: ['', provenance, '', ...fence, ...(next !== undefined && next.trim() !== '' ? [''] : [])].map((l) => (l === '' ? eol('') : l)) });
    } else {
      const first = runbook.steps[0];
      const line = first ? (first.proseBefore[0]?.position.start.line ?? first.position.start.line) - 1 : lines.length;
      insertions.push({ after: line, lines: first ? [provenance, eol(''), ...fence, eol('')] : [eol(''), provenance, eol(''), ...fence] });
    }
  }

  for (const e of events) {
    if (e.type !== 'step.finished' || adhocIds.has(e.step)) continue;
    const step = runbook.steps.find((s) => s.id === e.step);
    const label = `${step?.kind ?? 'step'} ${code(e.step)}${step?.title ? ` (${step.title})` : ''}`;
    const summary = e.summary ? `: ${code(oneLine(e.summary))}` : '';
    const gate = gateOf(e.step);
    const how = gate && gate.type === 'gate.decided' ? ` at its gate (${gate.how})` : '';
    const role = stepRole(step?.kind);
    if (e.status === 'failed' && role === 'check') note(e.seq, `Check ${code(e.step)}${step?.title ? ` (${step.title})` : ''} crossed its threshold${summary}.`);
    else if (e.status === 'failed' && role === 'mitigation') note(e.seq, `Mitigation ${code(e.step)}${step?.title ? ` (${step.title})` : ''} did not verify${summary}.`);
    else if (e.status === 'error') note(e.seq, `Step ${label} errored${e.error ? `: ${code(oneLine(e.error))}` : summary}.`);
    else if (e.status === 'declined' || e.status === 'skipped') note(e.seq, `Step ${label} was ${e.status}${how}.`);
  }

  const notes = noted.sort((a, b) => a.seq - b.seq).map((n) => n.text);
  // The run's list is added once: a second learn from the same run finds it.
  const listed = source.includes(`(run \`${runId}\`)`);
  const listNotes = listed ? [] : notes;
  if (listNotes.length > 0) {
    insertions.push({
      after: lines.length,
      lines: ['', `## Learned on ${date}`, '', `What the incident showed (run \`${runId}\`):`, '', ...listNotes.map((n) => `- ${n}`)].map(eol),
    });
  }

  const changed = insertions.length > 0;
  const newLines = applyInsertions(lines, insertions);
  const text = changed ? `${newLines.join('\n')}${source.endsWith('\n') || source === '' ? '\n' : ''}` : source;
  return { text, changed, added, notes: listNotes, diff: (path) => unifiedDiff(path, lines, insertions) };
}

/** Params whose recorded values can be written back as `{{name}}`: declared, not redacted, not trivially short. */
function templatableParams(runbook: Runbook, started: RunStartedEvent | undefined): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(started?.params ?? {})) {
    if (!(name in runbook.meta.params) || runbook.meta.params[name]?.secret) continue;
    if (value.length < 2 || value.includes(REDACTED)) continue;
    out.push([name, value]);
  }
  // Longest first, so `payment-gateway` is not eaten by a param whose value is `payment`.
  return out.sort((a, b) => b[1].length - a[1].length);
}

/** Writes param values back as `{{name}}` where they stand as a whole word (not inside a longer name). */
export function templated(body: string, params: ReadonlyArray<[string, string]>): string {
  let out = body;
  for (const [name, value] of params) {
    const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?<![\\w.-])${escaped}(?![\\w-])`, 'g'), `{{${name}}}`);
  }
  return out;
}

