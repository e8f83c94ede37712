/**
 * The run screen: finished steps scroll up as history (printed once, kept by the terminal), the live area
 * below shows the header, the step list, the running step or the open gate, and the keys. All input is
 * handled here; Ctrl-C arrives as input because stdin is in raw mode, and is handed to the executor.
 */
import { useEffect, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import { Box, Static, useApp, useInput } from 'ink';
import type { Runbook } from '../model/index.js';
import type { RunMode, Targets } from '../timeline/events.js';
import { formatNextSteps, formatSummary, summarizeRun } from './format/summary.js';
import { Footer, GatePanel, Header, Help, Lines, NoteInput, OutputViewer, StepCard, StepList } from './components.js';
import type { RunStore } from './store.js';
import { ColorContext } from './theme.js';

/** Everything the screen needs besides the store. */
export interface RunAppProps {
  store: RunStore;
  runbook: Runbook;
  mode: RunMode;
  targets: Targets;
  at: Date | null;
  timelinePath: string;
  color: boolean;
  width: number;
  /** Lines of output shown at once by the viewer. */
  viewerHeight?: number;
  now: () => number;
  onNote: (text: string) => void;
  /**
   * The operator typed an ad-hoc step with `:` (`kind body`), in the section they were in. Without it the
   * `:` key does nothing.
   */
  onAdhoc?: (text: string, section: string[]) => void;
  onInterrupt: () => void;
  /**
   * Draw the export / resume commands in the final frame (default true). ink hard-wraps long lines, which
   * breaks copy and paste, so the real terminal prints them after unmounting instead (see index.ts).
   */
  showNextSteps?: boolean;
  /** Unmount when the run finished and its summary was drawn (default true). */
  exitOnFinish?: boolean;
}

type Overlay = { type: 'none' } | { type: 'note'; text: string } | { type: 'adhoc'; text: string } | { type: 'help' } | { type: 'output'; index: number; offset: number };

/** Redraw rate: fast enough for a smooth spinner, slow when only the elapsed clock moves. */
const TICK_RUNNING_MS = 100;
const TICK_IDLE_MS = 1000;

/** The interactive run screen. */
export function RunApp(props: RunAppProps): ReactNode {
  const { store, width } = props;
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const [overlay, setOverlayState] = useState<Overlay>({ type: 'none' });
  // Several keys can arrive before React re-renders (a paste, a fast typist): the handler reads and
  // writes this ref, never a stale closure.
  const overlayRef = useRef<Overlay>(overlay);
  const setOverlay = (next: Overlay): void => {
    overlayRef.current = next;
    setOverlayState(next);
  };
  const [interrupting, setInterrupting] = useState(false);
  const [, setTick] = useState(0);
  const [startedAt] = useState(() => props.now());
  const app = useApp();
  const viewerHeight = props.viewerHeight ?? 15;

  const busy = state.running !== undefined;
  useEffect(() => {
    if (state.finished) return;
    const timer = setInterval(() => setTick((t) => t + 1), busy ? TICK_RUNNING_MS : TICK_IDLE_MS);
    return () => clearInterval(timer);
  }, [busy, state.finished]);

  useEffect(() => {
    if (state.finished && props.exitOnFinish !== false) {
      // Let the summary frame render before unmounting (ink keeps the last frame on screen).
      const timer = setTimeout(() => app.exit(), 0);
      return () => clearTimeout(timer);
    }
    return undefined;
  }, [state.finished, app, props.exitOnFinish]);

  useInput((input, key) => {
    const overlay = overlayRef.current;
    const state = store.getState();
    if (key.ctrl && input === 'c') {
      setInterrupting(true);
      store.answerGate('abort', 'interrupted');
      props.onInterrupt();
      return;
    }
    if (state.finished) return;
    if (overlay.type === 'note') {
      if (key.escape) setOverlay({ type: 'none' });
      else if (key.return) {
        const text = overlay.text.trim();
        if (text !== '') {
          store.echoNote(text);
          props.onNote(text);
        }
        setOverlay({ type: 'none' });
      } else if (key.backspace || key.delete) setOverlay({ type: 'note', text: [...overlay.text].slice(0, -1).join('') });
      else if (input && !key.ctrl && !key.meta && !key.tab && !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow) {
        setOverlay({ type: 'note', text: overlay.text + input.replace(/[\r\n]+/g, ' ') });
      }
      return;
    }
    if (overlay.type === 'adhoc') {
      if (key.escape) setOverlay({ type: 'none' });
      else if (key.return) {
        const text = overlay.text.trim();
        setOverlay({ type: 'none' });
        if (text !== '') {
          const where = state.gate ? state.steps.find((s) => s.id === state.gate!.request.step) : state.steps[state.current];
          props.onAdhoc?.(text, where?.section ?? []);
        }
      } else if (key.backspace || key.delete) setOverlay({ type: 'adhoc', text: [...overlay.text].slice(0, -1).join('') });
      else if (input && !key.ctrl && !key.meta && !key.tab && !key.upArrow && !key.downArrow && !key.leftArrow && !key.rightArrow) {
        setOverlay({ type: 'adhoc', text: overlay.text + input.replace(/[\r\n]+/g, ' ') });
      }
      return;
    }
    if (overlay.type === 'output') {
      const output = state.outputs[overlay.index];
      const max = Math.max(0, (output?.lines.length ?? 0) - viewerHeight);
      const scroll = (offset: number): void => setOverlay({ ...overlay, offset: Math.max(0, Math.min(max, offset)) });
      if (key.escape || input === 'o') setOverlay({ type: 'none' });
      else if (key.upArrow || input === 'k') scroll(overlay.offset - 1);
      else if (key.downArrow || input === 'j') scroll(overlay.offset + 1);
      else if (key.pageUp || input === 'b') scroll(overlay.offset - viewerHeight);
      else if (key.pageDown || input === ' ') scroll(overlay.offset + viewerHeight);
      else if (key.home || input === 'g') scroll(0);
      else if (key.end || input === 'G') scroll(max);
      else if (key.leftArrow && overlay.index > 0) setOverlay({ type: 'output', index: overlay.index - 1, offset: 0 });
      else if (key.rightArrow && overlay.index < state.outputs.length - 1) setOverlay({ type: 'output', index: overlay.index + 1, offset: 0 });
      else if (state.gate && (input === 'a' || input === 's')) {
        setOverlay({ type: 'none' });
        store.answerGate(input === 'a' ? 'approve' : 'skip');
      }
      return;
    }
    if (input === '?') {
      setOverlay(overlay.type === 'help' ? { type: 'none' } : { type: 'help' });
      return;
    }
    if (key.escape && overlay.type === 'help') {
      setOverlay({ type: 'none' });
      return;
    }
    if (input === 'n') {
      setOverlay({ type: 'note', text: '' });
      return;
    }
    if (input === ':' && props.onAdhoc) {
      setOverlay({ type: 'adhoc', text: '' });
      return;
    }
    if (input === 'o' && state.outputs.length > 0) {
      setOverlay({ type: 'output', index: state.outputs.length - 1, offset: 0 });
      return;
    }
    if (state.gate) {
      if (input === 'a') store.answerGate('approve');
      else if (input === 's') store.answerGate('skip');
      else if (input === 'q') store.answerGate('abort');
    }
  });

  const now = props.now();
  const elapsedMs = now - (state.runStartedAt ?? startedAt);
  const header = (
    <Header
      title={props.runbook.meta.title}
      severity={props.runbook.meta.severity}
      mode={props.mode}
      targets={props.targets}
      at={props.at}
      now={now}
      elapsedMs={state.finished ? state.finished.durationMs : elapsedMs}
      width={width}
    />
  );
  const history = (
    <Static items={state.history}>
      {(block) => (
        <Box key={block.key} flexDirection="column" width={width}>
          <Lines lines={block.lines} />
        </Box>
      )}
    </Static>
  );

  if (state.finished) {
    const titles = Object.fromEntries(state.steps.filter((s) => s.title).map((s) => [s.id, s.title!]));
    const summary = formatSummary(summarizeRun(state.events, titles), { timelinePath: props.timelinePath, width });
    if (props.showNextSteps !== false) summary.push(...formatNextSteps(props.timelinePath));
    return (
      <ColorContext.Provider value={props.color}>
        {history}
        <Box flexDirection="column" width={width}>
          {header}
          <Box marginTop={1}>
            <Lines lines={summary} />
          </Box>
        </Box>
      </ColorContext.Provider>
    );
  }

  const currentStep = state.steps[state.current];
  const gateStep = state.gate ? state.steps.find((s) => s.id === state.gate!.request.step) : undefined;
  const runningStep = state.running ? state.steps.find((s) => s.id === state.running!.step) : undefined;
  const viewed = overlay.type === 'output' ? state.outputs[overlay.index] : undefined;
  return (
    <ColorContext.Provider value={props.color}>
      {history}
      <Box flexDirection="column" width={width}>
        {header}
        <StepList steps={state.steps} current={state.current} width={width} title={props.runbook.meta.title} />
        {state.gate ? <GatePanel request={state.gate.request} step={gateStep} width={width} /> : null}
        {!state.gate && state.running && (runningStep ?? currentStep) ? (
          <StepCard step={(runningStep ?? currentStep)!} running={state.running} now={now} width={width} />
        ) : null}
        {overlay.type === 'note' ? <NoteInput text={overlay.text} width={width} /> : null}
        {overlay.type === 'adhoc' ? <NoteInput text={overlay.text} width={width} label="Step: " hint="  kind body · Enter run · Esc cancel" /> : null}
        {overlay.type === 'help' ? <Help width={width} /> : null}
        {viewed && overlay.type === 'output' ? (
          <OutputViewer output={viewed} offset={overlay.offset} height={viewerHeight} index={overlay.index} count={state.outputs.length} width={width} />
        ) : null}
        <Box marginTop={1}>
          <Footer width={width} gate={state.gate !== undefined} outputs={state.outputs.length} interrupting={interrupting} adhoc={props.onAdhoc !== undefined} />
        </Box>
      </Box>
    </ColorContext.Provider>
  );
}
