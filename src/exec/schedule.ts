/**
 * The order steps run in. Reads (ungated, no mitigation, no `on-fail=stop`) run concurrently, up to
 * `concurrency`, as soon as the earlier steps whose captures or results (`{{steps.x.y}}`, `of=`) they use have
 * finished. Every other step is a barrier: it starts when every step before it has finished, and no step after
 * it starts before it has finished. So a gate is never shown while earlier reads run, and what a step sees
 * (RunContext.outcomeFor) never depends on the concurrency.
 */
import type { Step } from '../model/index.js';
import type { RunStatus, StepStatus } from '../timeline/events.js';
import { STEP_STATUSES } from '../timeline/events.js';
import type { RunContext } from './context.js';
import { planStep, type PlannedStep } from './plan.js';
import { captureMarker, runStep, type StepRun } from './step.js';

/** Default bound of reads in flight. */
export const DEFAULT_CONCURRENCY = 8;

/** What the steps ended with. */
export interface StepsResult {
  status: RunStatus;
  counts: Record<StepStatus, number>;
  /** Planned steps, in runbook order. */
  plan: PlannedStep[];
}

/** How the scheduler sees a step: a read and the earlier steps it waits for, or a barrier. */
export interface StepShape {
  read: boolean;
  /** Runbook positions of earlier steps whose captures or results it uses. */
  after: number[];
}

/**
 * Shapes steps by planning each with capture markers, recording which steps' captures it asks for. A step
 * that cannot be planned so (it will be refused at run time anyway) is a barrier: fail closed.
 */
export function shapeSteps(ctx: RunContext, steps: readonly Step[]): StepShape[] {
  const index = new Map(steps.map((step, i) => [step.id, i]));
  return steps.map((step, i) => {
    const used = new Set<string>();
    let planned: PlannedStep;
    try {
      planned = planStep(step, {
        params: ctx.options.params,
        targets: ctx.options.targets,
        at: ctx.options.at,
        capture: (id, name) => {
          used.add(id);
          return captureMarker(id, name);
        },
      });
    } catch {
      return { read: false, after: [] };
    }
    if (planned.check?.of !== undefined) used.add(planned.check.of);
    const after = [...used].map((id) => index.get(id)).filter((j): j is number => j !== undefined && j < i);
    return { read: !planned.gated && !planned.mitigation && planned.onFail !== 'stop', after };
  });
}

/** Runs the steps (see the module comment); `concurrency` 1 or a dry run: one at a time, in runbook order. */
export async function runSteps(ctx: RunContext, steps: readonly Step[]): Promise<StepsResult> {
  const counts = Object.fromEntries(STEP_STATUSES.map((s) => [s, 0])) as Record<StepStatus, number>;
  const planned: Array<PlannedStep | undefined> = [];
  let status: RunStatus = 'ok';
  let stopped = false;
  const settle = (i: number, ran: StepRun): void => {
    planned[i] = ran.planned;
    counts[ran.outcome.status]++;
    ctx.outcomes.set(steps[i]!.id, ran.outcome);
    if (ran.outcome.status === 'aborted') {
      if (status === 'ok' || status === 'failed') status = ctx.signal.aborted ? 'interrupted' : 'aborted';
      stopped = true;
    } else if ((ran.outcome.status === 'failed' || ran.outcome.status === 'error') && status === 'ok') status = 'failed';
    if (ran.stop) stopped = true;
  };

  const limit = Math.max(1, Math.floor(ctx.options.concurrency ?? 1));
  if (limit === 1 || ctx.options.mode === 'dry-run') {
    for (const [i, step] of steps.entries()) {
      if (ctx.signal.aborted) {
        status = 'interrupted';
        break;
      }
      settle(i, await runStep(ctx, step, i));
      if (stopped) break;
    }
  } else {
    const shapes = shapeSteps(ctx, steps);
    const done = steps.map(() => false);
    const started = steps.map(() => false);
    const running = new Map<number, Promise<void>>();
    let failure: unknown;
    const start = (i: number): void => {
      started[i] = true;
      running.set(
        i,
        runStep(ctx, steps[i]!, i).then(
          (ran) => {
            settle(i, ran);
            done[i] = true;
            running.delete(i);
          },
          (error: unknown) => {
            // The timeline could not be written: start nothing more, let the others end, then reject.
            failure ??= error;
            stopped = true;
            done[i] = true;
            running.delete(i);
          },
        ),
      );
    };
    for (;;) {
      if (ctx.signal.aborted) stopped = true;
      if (!stopped) {
        for (let i = 0; i < steps.length && running.size < limit; i++) {
          if (done[i]) continue;
          if (!shapes[i]!.read) {
            // A barrier: only when everything before it has finished; nothing after it before it has.
            if (!started[i] && done.slice(0, i).every(Boolean)) start(i);
            break;
          }
          if (!started[i] && shapes[i]!.after.every((j) => done[j])) start(i);
        }
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
    if (failure !== undefined) throw failure;
  }
  if (ctx.signal.aborted) status = 'interrupted';
  return { status, counts, plan: planned.filter((p): p is PlannedStep => p !== undefined) };
}
