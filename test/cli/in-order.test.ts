import { describe, expect, it } from 'vitest';
import { inRunbookOrder } from '../../src/cli/render/in-order.js';
import { concurrencyFlag } from '../../src/cli/limits.js';
import { UsageError } from '../../src/errors.js';
import type { TimelineEvent } from '../../src/timeline/events.js';

const ev = (type: string, step?: string): TimelineEvent => ({ type, ...(step ? { step } : {}) }) as unknown as TimelineEvent;

describe('plain output in runbook order (runbook run --concurrency)', () => {
  it('holds a later step until every earlier one finished, then prints it as one block', () => {
    const out: string[] = [];
    const feed = inRunbookOrder(['a', 'b', 'c'], (e) => out.push(`${e.type}:${(e as { step?: string }).step ?? ''}`));
    for (const e of [ev('run.started'), ev('step.started', 'a'), ev('step.started', 'c'), ev('step.started', 'b'), ev('step.finished', 'c'), ev('step.finished', 'b')]) feed(e);
    expect(out).toEqual(['run.started:', 'step.started:a']);
    feed(ev('step.finished', 'a'));
    expect(out).toEqual(['run.started:', 'step.started:a', 'step.finished:a', 'step.started:b', 'step.finished:b', 'step.started:c', 'step.finished:c']);
  });

  it('run.finished prints what is still held (a run that stopped)', () => {
    const out: string[] = [];
    const feed = inRunbookOrder(['a', 'b'], (e) => out.push(e.type));
    feed(ev('step.started', 'a'));
    feed(ev('step.started', 'b'));
    feed(ev('run.finished'));
    expect(out).toEqual(['step.started', 'step.started', 'run.finished']);
  });

  it('--concurrency takes a whole number from 1', () => {
    expect(concurrencyFlag('8')).toBe(8);
    expect(concurrencyFlag(undefined)).toBe(1);
    for (const bad of ['0', '-1', '2.5', 'x']) expect(() => concurrencyFlag(bad)).toThrow(UsageError);
  });
});
