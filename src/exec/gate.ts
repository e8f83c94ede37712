/**
 * Confirmation gates. The executor asks a Gate before anything that may change a system and records
 * the decision (`gate.decided`) before it acts on it. The non-interactive gate below answers from
 * `--approve`; the terminal UI implements the same interface for a person.
 */
import type { GateDecidedEvent, GateHow, StepCommand, Targets } from '../timeline/events.js';

/** What a gate is asked about: exactly what would run, and where. */
export interface GateRequest {
  step: string;
  /** The step's registered kind. */
  kind: string;
  title?: string;
  /** The step itself, or the rollback of a mitigation whose verification failed. */
  gate: 'step' | 'rollback';
  /** Why this needs a decision, in words (e.g. "`kubectl rollout restart` is not a read-only command"). */
  reason: string;
  /** Commands in the order they would run (argv exactly as it would reach the process; resolved PromQL). */
  commands: StepCommand[];
  /** Extra environment of each command (template values of `sh` steps), same order as `commands`. */
  env: Array<Record<string, string>>;
  targets: Targets;
  /** Aborted when the run is interrupted while the gate waits. */
  signal: AbortSignal;
}

/** A person's answer. */
export type GateAnswer = 'approve' | 'skip' | 'abort';

/** A decision with how it was made (non-interactive gates say why they declined). */
export interface GateVerdict {
  decision: GateDecidedEvent['decision'];
  how: GateHow;
  /** Who decided; defaults to the run's user. */
  by?: string;
}

/**
 * Decides one gate. Return a bare answer for a person's choice (recorded as `how: 'interactive'`), or a
 * full verdict.
 */
export interface Gate {
  decide(request: GateRequest): Promise<GateAnswer | GateVerdict>;
}

/** A pre-approval from `--approve`: `all`, a step id, or `<step-id>:rollback` for a mitigation's rollback. */
export function isPreApproved(approve: readonly string[], step: string, gate: 'step' | 'rollback'): boolean {
  if (approve.includes('all')) return true;
  return gate === 'step' ? approve.includes(step) : approve.includes(`${step}:rollback`);
}

/**
 * The gate of a run without a person at hand: approves what `--approve` lists (`how: 'approve-flag'`),
 * hands everything else to `interactive` when there is one, and otherwise declines
 * (`how: 'non-interactive'`). A declined gate is not a failure: the step is recorded `declined`.
 */
export function approvalGate(options: { approve: readonly string[]; interactive?: Gate }): Gate {
  return {
    async decide(request) {
      if (isPreApproved(options.approve, request.step, request.gate)) return { decision: 'approved', how: 'approve-flag' };
      if (options.interactive) return options.interactive.decide(request);
      return { decision: 'declined', how: 'non-interactive' };
    },
  };
}

/** Normalises a gate's answer into a verdict. */
export function toVerdict(answer: GateAnswer | GateVerdict): GateVerdict {
  if (typeof answer !== 'string') return answer;
  const decision = answer === 'approve' ? 'approved' : answer === 'skip' ? 'skipped' : 'aborted';
  return { decision, how: 'interactive' };
}
