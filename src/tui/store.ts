/**
 * The state of the interactive run, kept outside React: timeline events from the executor and the
 * operator's answers both go through here, and the ink tree subscribes (useSyncExternalStore). Finished
 * steps become pre-formatted history blocks, printed once above the live area (ink `<Static>`), so the
 * terminal's own scrollback keeps every result.
 */
import type { GateAnswer, GateRequest } from '../exec/gate.js';
import type { Prose, Runbook } from '../model/index.js';
import type { RunFinishedEvent, StepCommand, StepStatus, TimelineEvent } from '../timeline/events.js';
import { commandLines } from './format/command.js';
import type { Line } from './format/lines.js';
import { formatOutput } from './format/output.js';
import { formatStepResult } from './format/result.js';
import { formatDuration } from './format/time.js';
import { truncate } from './format/text.js';

/** Where a step is in this run. */
export type StepState = 'pending' | 'running' | 'gate' | StepStatus;

/** One step in the list. */
export interface StepView {
  id: string;
  kind: string;
  title?: string;
  section: string[];
  proseBefore: Prose[];
  state: StepState;
}

/** A block printed once, above the live area. */
export interface HistoryBlock {
  key: number;
  lines: Line[];
}

/** The step that is running now. */
export interface RunningStep {
  step: string;
  startedAt: number;
  command?: StepCommand;
  /** Latest verification poll of a mitigation, in words. */
  verify?: Line;
}

/** A gate waiting for the operator. */
export interface PendingGate {
  request: GateRequest;
  openedAt: number;
}

/** Output the operator can scroll through (`o`). */
export interface ViewableOutput {
  title: string;
  lines: string[];
  footer: string;
}

/** Everything the UI shows. */
export interface UiState {
  steps: StepView[];
  /** Index of the current (or last) step in `steps`, -1 before the first. */
  current: number;
  running?: RunningStep;
  gate?: PendingGate;
  history: HistoryBlock[];
  events: TimelineEvent[];
  runStartedAt?: number;
  finished?: RunFinishedEvent;
  outputs: ViewableOutput[];
}

/** Status marks of the step list (the same in colour and without). */
export const STATE_MARK: Record<StepState, string> = {
  pending: '○',
  running: '●',
  gate: '?',
  ok: '✓',
  passed: '✓',
  failed: '✗',
  error: '✗',
  skipped: '↷',
  declined: '⊘',
  aborted: '■',
};

/** The tone of a step state. */
export function stateTone(state: StepState): Line['tone'] {
  switch (state) {
    case 'ok':
    case 'passed':
      return 'ok';
    case 'failed':
    case 'error':
    case 'aborted':
      return 'fail';
    case 'gate':
    case 'skipped':
    case 'declined':
      return 'warn';
    case 'running':
      return 'accent';
    default:
      return 'dim';
  }
}

const DECISION_WORD: Record<GateAnswer, 'approved' | 'skipped' | 'aborted'> = { approve: 'approved', skip: 'skipped', abort: 'aborted' };

/** The observable store behind the UI. */
export class RunStore {
  private state: UiState;
  private readonly listeners = new Set<() => void>();
  private nextKey = 1;
  /**
   * Open gates, the one shown last. The executor opens one at a time; an ad-hoc step typed with `:` may
   * open its own while the executor's waits, and is answered first, then the executor's is shown again.
   */
  private readonly gates: Array<{ pending: PendingGate; resolve: (answer: GateAnswer) => void }> = [];
  private readonly localNotes: string[] = [];

  constructor(
    runbook: Runbook,
    private readonly options: { width: number; now: () => number },
  ) {
    this.state = {
      steps: runbook.steps.map((s) => ({
        id: s.id,
        kind: s.kind,
        ...(s.title !== undefined ? { title: s.title } : {}),
        section: s.section,
        proseBefore: s.proseBefore,
        state: 'pending' as const,
      })),
      current: -1,
      history: [],
      events: [],
      outputs: [],
    };
  }

  /** The current state (a new object after every change). */
  getState = (): UiState => this.state;

  /** Calls `listener` after every change; returns the unsubscribe function. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(patch: Partial<UiState>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }

  private block(lines: Line[]): HistoryBlock {
    return { key: this.nextKey++, lines };
  }

  private indexOf(step: string): number {
    return this.state.steps.findIndex((s) => s.id === step);
  }

  private withStepState(step: string, state: StepState): StepView[] {
    return this.state.steps.map((s) => (s.id === step ? { ...s, state } : s));
  }

  private titleOf(step: string): string | undefined {
    return this.state.steps.find((s) => s.id === step)?.title;
  }

  /** Applies one timeline event. */
  onEvent = (event: TimelineEvent): void => {
    // One list, appended in place: copying it on every event made a long run quadratic. Nothing renders
    // from it by identity; the end screen reads it once.
    const events = this.state.events;
    events.push(event);
    const width = this.options.width;
    switch (event.type) {
      case 'run.started':
        this.set({ events, runStartedAt: Date.parse(event.time) || this.options.now() });
        return;
      case 'step.started': {
        const index = this.indexOf(event.step);
        this.set({
          events,
          steps: this.withStepState(event.step, 'running'),
          current: index >= 0 ? index : this.state.current,
          running: { step: event.step, startedAt: this.options.now(), ...(event.command ? { command: event.command } : {}) },
        });
        return;
      }
      case 'step.finished': {
        const view = this.state.steps.find((s) => s.id === event.step);
        const kind = view?.kind ?? 'promql';
        const title = view?.title ?? event.step;
        const command = this.state.running?.step === event.step ? this.state.running.command : undefined;
        const body = formatStepResult(event, kind, { width: width - 2, maxOutputLines: 15, ...(command ? { command } : {}) });
        const head: Line = {
          text: truncate(`${STATE_MARK[event.status]} ${event.step}  ${title}  · ${event.status} · ${formatDuration(event.durationMs)}`, width),
          tone: stateTone(event.status),
        };
        const outputs = [...this.state.outputs];
        if (event.output) {
          const formatted = formatOutput(event.output, Number.MAX_SAFE_INTEGER);
          outputs.push({ title: `${event.step}  ${title}`, lines: formatted.lines, footer: formatted.footer });
        }
        const index = this.indexOf(event.step);
        this.set({
          events,
          steps: this.withStepState(event.step, event.status),
          current: index >= 0 ? index : this.state.current,
          running: undefined,
          outputs,
          history: [...this.state.history, this.block([head, ...body.map((l) => ({ ...l, text: `  ${l.text}` }))])],
        });
        return;
      }
      case 'gate.decided': {
        // A person's answer was echoed when the key was pressed; echo only gates decided without one.
        if (event.how === 'interactive') {
          this.set({ events });
          return;
        }
        const tone = event.decision === 'approved' ? 'ok' : 'warn';
        const line: Line = {
          text: truncate(`» gate ${event.step}${event.gate === 'rollback' ? ' (rollback)' : ''}: ${event.decision} (${event.how})`, width),
          tone,
        };
        this.set({ events, history: [...this.state.history, this.block([line])] });
        return;
      }
      case 'action.finished': {
        const lines: Line[] = [
          {
            text: truncate(`  ${event.status === 'ok' ? '✓' : '✗'} ${event.role} ${event.index + 1}: ${commandLines(event.command)[0] ?? ''}`, width),
            tone: event.status === 'ok' ? 'ok' : 'fail',
          },
        ];
        if (event.output) {
          const formatted = formatOutput(event.output, width - 4);
          lines.push(...formatted.lines.slice(0, 10).map((text) => ({ text: `    ${text}` })));
          if (formatted.lines.length > 10) lines.push({ text: `    … ${formatted.lines.length - 10} more lines (press o to scroll)`, tone: 'dim' });
          lines.push({ text: `    ${formatted.footer}`, tone: 'dim' });
        }
        if (event.error) lines.push({ text: `    ${event.error}`, tone: 'fail' });
        const outputs = event.output
          ? [
              ...this.state.outputs,
              {
                title: `${event.step}  ${event.role} ${event.index + 1}`,
                lines: formatOutput(event.output, Number.MAX_SAFE_INTEGER).lines,
                footer: formatOutput(event.output, 1).footer,
              },
            ]
          : this.state.outputs;
        this.set({ events, history: [...this.state.history, this.block(lines)], outputs });
        return;
      }
      case 'verify.polled': {
        const running = this.state.running;
        const verify: Line = {
          text: `verify attempt ${event.attempt}: ${event.passed ? 'PASS' : 'FAIL'}${event.summary ? `  ${event.summary}` : ''}`,
          tone: event.passed ? 'ok' : 'warn',
        };
        this.set({ events, ...(running ? { running: { ...running, verify } } : {}) });
        return;
      }
      case 'note': {
        // The operator's own note was echoed when saved; a note from `runbook note` elsewhere is new here.
        const local = this.localNotes.indexOf(event.text);
        if (local >= 0) {
          this.localNotes.splice(local, 1);
          this.set({ events });
          return;
        }
        const line: Line = { text: truncate(`✎ note by ${event.by}: ${event.text}`, width), tone: 'accent' };
        this.set({ events, history: [...this.state.history, this.block([line])] });
        return;
      }
      case 'step.added': {
        // An ad-hoc step joins the list after the current step, where the responder is.
        const view: StepView = {
          id: event.step,
          kind: event.kind,
          ...(event.title !== undefined ? { title: event.title } : {}),
          section: event.section ?? this.state.steps[this.state.current]?.section ?? [],
          proseBefore: [],
          state: 'pending',
        };
        const at = Math.max(0, this.state.current + 1);
        const steps = [...this.state.steps.slice(0, at), view, ...this.state.steps.slice(at)];
        const line: Line = { text: truncate(`+ ad-hoc step ${event.step} added by ${event.by}: ${event.kind} ${event.body.replace(/\s+/g, ' ').trim()}`, width), tone: 'accent' };
        this.set({ events, steps, history: [...this.state.history, this.block([line])] });
        return;
      }
      case 'run.finished':
        this.set({ events, finished: event, running: undefined });
        return;
    }
  };

  /** Shows a gate and resolves with the operator's answer. An aborted `request.signal` answers `abort`. */
  openGate = (request: GateRequest): Promise<GateAnswer> => {
    return new Promise<GateAnswer>((resolve) => {
      const pending: PendingGate = { request, openedAt: this.options.now() };
      const entry = { pending, resolve };
      this.gates.push(entry);
      const index = this.indexOf(request.step);
      this.set({
        gate: pending,
        steps: request.gate === 'step' ? this.withStepState(request.step, 'gate') : this.state.steps,
        current: index >= 0 ? index : this.state.current,
      });
      request.signal?.addEventListener('abort', () => this.answerEntry(entry, 'abort', 'interrupted'), { once: true });
    });
  };

  /** Answers the gate shown (no-op without one) and echoes the decision into the history. */
  answerGate = (answer: GateAnswer, why?: string): void => {
    const top = this.gates.at(-1);
    if (top) this.answerEntry(top, answer, why);
  };

  /** Answers every open gate `abort` (the UI is going away). */
  abortAllGates = (why: string): void => {
    while (this.gates.length > 0) this.answerGate('abort', why);
  };

  private answerEntry(entry: { pending: PendingGate; resolve: (answer: GateAnswer) => void }, answer: GateAnswer, why?: string): void {
    const at = this.gates.indexOf(entry);
    if (at < 0) return;
    this.gates.splice(at, 1);
    const { request } = entry.pending;
    const word = DECISION_WORD[answer];
    const line: Line = {
      text: truncate(`» gate ${request.step}${request.gate === 'rollback' ? ' (rollback)' : ''}: ${word}${why ? ` (${why})` : ''}`, this.options.width),
      tone: answer === 'approve' ? 'ok' : answer === 'skip' ? 'warn' : 'fail',
    };
    const steps =
      request.gate === 'step' && answer !== 'approve'
        ? this.withStepState(request.step, answer === 'skip' ? 'skipped' : 'aborted')
        : this.state.steps;
    const next = this.gates.at(-1)?.pending;
    this.set({ gate: next, steps, history: [...this.state.history, this.block([line])] });
    entry.resolve(answer);
  }

  /** A line in the history from the UI itself (an ad-hoc step that could not be used, say). */
  notice = (text: string, tone: Line['tone'] = 'warn'): void => {
    const line: Line = { text: truncate(text, this.options.width), tone };
    this.set({ history: [...this.state.history, this.block([line])] });
  };

  /** Echoes a note the operator just saved (its timeline `note` event, if it comes back, is not echoed twice). */
  echoNote = (text: string): void => {
    this.localNotes.push(text);
    const line: Line = { text: truncate(`✎ note saved: ${text}`, this.options.width), tone: 'accent' };
    this.set({ history: [...this.state.history, this.block([line])] });
  };
}

/** Lines of the prose before a step, as plain text (Markdown kept: it is what the author wrote). */
export function proseText(prose: readonly Prose[]): string {
  return prose.map((p) => p.text.trim()).join('\n\n');
}
