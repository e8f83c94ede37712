/**
 * The interactive terminal UI of `runbook run`. Loaded only for an interactive run (stdin and stdout are
 * TTYs, no `--json`), with `await import('../../tui/index.js')`, because ink + React cost ~0.5 s to import.
 *
 * API for the run command:
 *
 * ```ts
 * const { startInteractiveRun } = await import('../../tui/index.js');
 * const ui = await startInteractiveRun({
 *   runbook, mode, targets, at,            // at: Date | null (null = "now")
 *   timelinePath,                          // shown in the summary's export / resume commands
 *   stdin: io.stdin, stdout: io.stdout,    // TTY streams (ink puts stdin in raw mode)
 *   noColor: options.color === false || Boolean(io.env.NO_COLOR),
 *   onNote: (text) => store.append({ type: 'note', text, by: user }),
 *   onInterrupt: () => controller.abort(), // Ctrl-C arrives as a key in raw mode, not as SIGINT
 * });
 * const gate = approvalGate({ approve, interactive: ui.gate });   // ui.gate implements exec's Gate
 * executor.on('event', ui.onEvent);                               // every timeline event, in order
 * try { await execute(...); } finally { ui.close(); }             // after run.finished the UI exits by itself
 * await ui.waitUntilExit();
 * ```
 *
 * After `run.finished` the screen shows the summary (`Run finished: …`, counts, failed checks, mitigations
 * applied, `Timeline: <path>`) and unmounts, then prints the export and resume commands as plain unwrapped
 * lines; `waitUntilExit` resolves after that.
 */
import { render } from 'ink';
import { createElement } from 'react';
import type { Gate, GateAnswer, GateRequest } from '../exec/gate.js';
import type { Runbook } from '../model/index.js';
import type { RunMode, Targets, TimelineEvent } from '../timeline/events.js';
import { RunApp } from './app.js';
import { formatNextSteps } from './format/summary.js';
import { RunStore } from './store.js';

export { RunApp, type RunAppProps } from './app.js';
export { GATE_KEYS } from './components.js';
export { RunStore, type UiState } from './store.js';
export { colorDisabled } from './theme.js';

/** What the interactive run needs. */
export interface InteractiveRunOptions {
  runbook: Runbook;
  mode: RunMode;
  /** Run-level targets (Prometheus URL, kube context and namespace) shown in the header. */
  targets: Targets;
  /** `--at`, or null for "now". */
  at: Date | null;
  /** The timeline file, for the summary's `runbook export` / `runbook resume` commands. */
  timelinePath: string;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** No colours or text styles at all (`--no-color`, `NO_COLOR`). */
  noColor: boolean;
  /** The operator saved a note (`n`); record it as a `note` event. */
  onNote(text: string): void;
  /** The operator typed an ad-hoc step with `:` (`kind body`) while in `section`; without it `:` does nothing. */
  onAdhoc?(text: string, section: string[]): void;
  /** The operator pressed Ctrl-C: stop the running step, record it aborted, finish the run (exit 130). */
  onInterrupt(): void;
  /** Clock (tests freeze it). Default `Date.now`. */
  now?: () => number;
  /**
   * Route `console.*` above the live area instead of through it (ink's patch-console; default true). Tests
   * under a runner that replaces `console` turn it off.
   */
  patchConsole?: boolean;
}

/** A running interactive UI. */
export interface InteractiveRun {
  /** The gate a person answers: pass as `approvalGate({ approve, interactive: ui.gate })`. */
  gate: Gate & { decide(request: GateRequest): Promise<GateAnswer> };
  /** Feed every timeline event here, in order. */
  onEvent(event: TimelineEvent): void;
  /** Resolves when the UI has unmounted (after the summary, or `close()`). */
  waitUntilExit(): Promise<void>;
  /** Unmounts now (e.g. the executor threw before `run.finished`); an open gate is answered `abort`. */
  close(): void;
  /** Shows a line in the history (e.g. why an ad-hoc step was refused). */
  notice(text: string, tone?: 'warn' | 'fail' | 'accent'): void;
}

/** Mounts the run screen on the terminal. */
export async function startInteractiveRun(options: InteractiveRunOptions): Promise<InteractiveRun> {
  const now = options.now ?? Date.now;
  const width = Math.max(40, options.stdout.columns || 80);
  const store = new RunStore(options.runbook, { width, now });
  const instance = render(
    createElement(RunApp, {
      store,
      runbook: options.runbook,
      mode: options.mode,
      targets: options.targets,
      at: options.at,
      timelinePath: options.timelinePath,
      color: !options.noColor,
      width,
      now,
      onNote: (text) => options.onNote(text),
      ...(options.onAdhoc ? { onAdhoc: (text: string, section: string[]) => options.onAdhoc!(text, section) } : {}),
      onInterrupt: () => options.onInterrupt(),
      showNextSteps: false,
    }),
    {
      stdin: options.stdin,
      stdout: options.stdout,
      ...(options.stderr ? { stderr: options.stderr } : {}),
      // In raw mode Ctrl-C is a key press, not SIGINT: the app hands it to the executor instead of exiting.
      exitOnCtrlC: false,
      patchConsole: options.patchConsole ?? true,
    },
  );
  const exited = instance.waitUntilExit().then(() => {
    // Printed after ink let go of the screen: long lines stay whole, so copying one gives a working command.
    if (store.getState().finished) {
      options.stdout.write(`${formatNextSteps(options.timelinePath).map((l) => l.text).join('\n')}\n`);
    }
  });
  return {
    gate: { decide: (request) => store.openGate(request) },
    onEvent: (event) => store.onEvent(event),
    waitUntilExit: () => exited,
    close: () => {
      store.abortAllGates('the run ended');
      instance.unmount();
    },
    notice: (text, tone) => store.notice(text, tone),
  };
}
