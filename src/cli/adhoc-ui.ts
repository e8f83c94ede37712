/**
 * Ad-hoc steps typed in the run UI (`:`): parsed, planned and run like `runbook exec` does (src/learn/adhoc.ts)
 * but inside the running `runbook run`, through the run's own redacting sink (so `seq` interleaves with the
 * executor's events) and with the person at the terminal as the gate. The run's `--approve` does not cover
 * them: they were not in the runbook when it was given.
 */
import { approvalGate, type ExecDeps, type Gate } from '../exec/index.js';
import { AdhocStepError, adhocId, adhocPlace, adhocRunbook, defaultTitle, parseAdhocInput, preflightAdhoc, PreflightError, runAdhocStep } from '../learn/adhoc.js';
import type { Runbook } from '../model/index.js';
import type { RunStartedEvent, TimelineEvent } from '../timeline/events.js';
import type { TimelineSink } from '../exec/index.js';

/** What the UI's ad-hoc steps run with. */
export interface UiAdhocOptions {
  runbook: Runbook;
  sink: TimelineSink;
  user: string;
  signal: AbortSignal;
  deps: Partial<ExecDeps>;
  /** The person's gate (the UI's, redacting). Looked up when a step needs it: the UI starts after this is made. */
  gate: () => Gate | undefined;
  /** Every event of the ad-hoc steps, after it is on the timeline (the run's own listener). */
  onEvent: (event: TimelineEvent) => void;
  /** Tells the person why a step was refused. */
  notice: (text: string) => void;
}

/** Runs the UI's ad-hoc steps; `settled()` resolves when every one started so far has finished. */
export interface UiAdhoc {
  /** Feed every event of the run here (to know its `run.started`, step ids, and what finished last). */
  observe(event: TimelineEvent): void;
  /** The person typed `kind body` while in `section`. */
  add(text: string, section: string[]): void;
  settled(): Promise<void>;
}

/** Creates the runner of the UI's ad-hoc steps. */
export function createUiAdhoc(options: UiAdhocOptions): UiAdhoc {
  const events: TimelineEvent[] = [];
  const running = new Set<Promise<void>>();
  const taken = new Set(options.runbook.steps.map((s) => s.id));

  async function run(text: string, section: string[]): Promise<void> {
    const started = events.find((e): e is RunStartedEvent => e.type === 'run.started');
    if (!started) return options.notice('The run has not started yet; type the step again in a moment');
    let spec;
    let oneStep;
    try {
      const { kind, body } = parseAdhocInput(text);
      const id = adhocId(kind, body, taken);
      taken.add(id);
      const place = adhocPlace(events, options.runbook);
      const where = section.length ? section : place.section;
      spec = { id, kind, body, title: defaultTitle(kind, body), ...(where?.length ? { section: where } : {}) };
      oneStep = adhocRunbook(spec, started.runbook.title);
      preflightAdhoc(oneStep, started);
      const interactive = options.gate();
      await runAdhocStep(oneStep, spec, {
        started,
        sink: options.sink,
        gate: approvalGate({ approve: [], ...(interactive ? { interactive } : {}) }),
        signal: options.signal,
        added: { by: options.user, via: 'ui', ...(place.after !== undefined ? { after: place.after } : {}), ...(where?.length ? { section: where } : {}) },
        onEvent: options.onEvent,
        deps: options.deps,
      });
    } catch (error) {
      if (error instanceof AdhocStepError) {
        options.notice(`✗ ad-hoc step not run: ${error.line !== undefined ? `body:${error.line}:${error.column ?? 1}: ` : ''}${error.message}`);
      } else if (error instanceof PreflightError) {
        options.notice(`✗ ad-hoc step not run: ${error.message}`);
      } else {
        options.notice(`✗ ad-hoc step failed: ${(error as Error).message}`);
      }
    }
  }

  return {
    observe(event) {
      events.push(event);
      if ('step' in event && typeof event.step === 'string') taken.add(event.step);
    },
    add(text, section) {
      const promise = run(text, section).finally(() => running.delete(promise));
      running.add(promise);
    },
    async settled() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
