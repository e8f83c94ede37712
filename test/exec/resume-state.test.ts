/**
 * Issue 12 §8, at the library level: an interrupted gated step is known by its content (what its gate approved),
 * so a renamed step is recognised; a capture the redactor masked is never replayed into a later step.
 */
import { describe, expect, it } from 'vitest';
import { contentKey, interruptedFor, priorOutcomes, readResumeState } from '../../src/exec/resume.js';
import type { TimelineEvent } from '../../src/timeline/events.js';

const base = (seq: number) => ({ v: 1, seq, time: `2026-12-04T10:00:0${seq}.000Z`, run: 'r' });
const ARGV = ['kubectl', '--namespace=payments', 'rollout', 'restart', 'deployment/gateway'];
const EVENTS = [
  { ...base(1), type: 'run.started', runbook: { path: 'x.md', sha256: 'a', title: 'X' }, params: {}, mode: 'live', targets: {} },
  { ...base(2), type: 'step.started', step: 'pods', kind: 'kubectl', gated: false },
  { ...base(3), type: 'step.finished', step: 'pods', status: 'ok', durationMs: 1, captures: { pod: 'gw-1', token: 'Bearer [REDACTED]' } },
  { ...base(4), type: 'gate.decided', step: 'restart', decision: 'approved', by: 'me', how: 'approve-flag', gate: 'step', command: [{ argv: ARGV }], targets: { namespace: 'payments' } },
  { ...base(5), type: 'step.started', step: 'restart', kind: 'mitigate', gated: true },
] as unknown as TimelineEvent[];

describe('resume state', () => {
  const state = readResumeState(EVENTS);

  it('an interrupted step is found by id, and by content when renamed; a different command is not it', () => {
    const request = (step: string, argv: string[]) => ({ step, gate: 'step' as const, commands: [{ argv, time: '2026-12-04T11:00:00Z' }], targets: { namespace: 'payments' } });
    expect(interruptedFor(request('restart', ['other']), state.interrupted)?.step).toBe('restart');
    expect(interruptedFor(request('restart-gateway', ARGV), state.interrupted)?.step).toBe('restart');
    expect(interruptedFor(request('scale', [...ARGV.slice(0, 2), 'scale', 'deployment/gateway', '--replicas=3']), state.interrupted)).toBeUndefined();
    expect(interruptedFor({ ...request('restart-gateway', ARGV), targets: { namespace: 'checkout' } }, state.interrupted)).toBeUndefined();
    expect(interruptedFor({ ...request('restart', ARGV), gate: 'rollback' }, state.interrupted)).toBeUndefined();
  });

  it('content ignores evaluation times', () => {
    expect(contentKey([{ query: 'up', time: 'a' }], {})).toBe(contentKey([{ query: 'up', time: 'b' }], {}));
  });

  it('a redacted capture is not replayed; the others are', () => {
    expect(priorOutcomes(state).get('pods')?.captures).toEqual({ pod: 'gw-1' });
  });
});
