/**
 * Plain output in runbook order while reads run in parallel (`runbook run --concurrency`): the events of a step
 * are printed at once while it is the first unfinished step, otherwise held until every step before it has
 * finished, then printed as one block. With one step at a time this prints every event as it comes.
 */
import type { TimelineEvent } from '../../timeline/events.js';

/** Feeds events in timeline order; `print` receives them in runbook order. */
export function inRunbookOrder(stepIds: readonly string[], print: (event: TimelineEvent) => void): (event: TimelineEvent) => void {
  const order = new Map(stepIds.map((id, i) => [id, i]));
  const held = stepIds.map((): TimelineEvent[] => []);
  const finished = stepIds.map(() => false);
  let current = 0;
  const advance = (): void => {
    while (current < stepIds.length && finished[current]) {
      current++;
      if (current < stepIds.length) for (const event of held[current]!.splice(0)) print(event);
    }
  };
  return (event) => {
    const index = 'step' in event && typeof event.step === 'string' ? order.get(event.step) : undefined;
    if (index === undefined || event.type === 'step.added') {
      // Run-level events; run.finished first prints whatever is still held (steps after a stop, say).
      if (event.type === 'run.finished') for (const events of held) for (const e of events.splice(0)) print(e);
      print(event);
      return;
    }
    if (index <= current) print(event);
    else held[index]!.push(event);
    if (event.type === 'step.finished') {
      finished[index] = true;
      advance();
    }
  };
}
