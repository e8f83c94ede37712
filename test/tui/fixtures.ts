/** A small runbook model and timeline events for the UI tests (the shape the parser and executor produce). */
import type { GateRequest } from '../../src/exec/gate.js';
import type { Position, Runbook, Step, StepKind } from '../../src/parse/model.js';
import type { NewEvent, TimelineEvent } from '../../src/timeline/events.js';

const at: Position = { start: { line: 1, column: 1, offset: 0 }, end: { line: 1, column: 1, offset: 0 } };

function step(id: string, kind: StepKind, title: string, section: string[], prose: string[] = []): Step {
  return {
    id,
    idExplicit: true,
    kind,
    form: 'fence',
    title,
    attributes: { title },
    body: '',
    bodyPosition: at,
    position: at,
    section,
    proseBefore: prose.map((text) => ({ text, position: at })),
  };
}

/** Six steps of the payment-gateway runbook. */
export const runbook: Runbook = {
  path: 'runbooks/payment-gateway-timeout.md',
  meta: {
    title: 'Payment gateway timeout',
    service: 'payment-gateway',
    severity: 'critical',
    alerts: [],
    owners: [],
    params: {},
    extra: {},
  },
  sections: { title: '', depth: 0, children: [] },
  steps: [
    step('payment-error-ratio', 'check', 'Payment error ratio under 1%', ['Payment gateway timeout', 'Detection']),
    step('request-rate', 'promql', 'Request rate by service', ['Payment gateway timeout', 'Investigation', 'Rate, errors, duration']),
    step('gateway-memory', 'promql', 'Gateway memory, last hour', ['Payment gateway timeout', 'Investigation', 'The gateway itself']),
    step('gateway-pods', 'kubectl', 'Gateway pods', ['Payment gateway timeout', 'Investigation', 'Pods and logs']),
    step('restart-gateway', 'mitigate', 'Restart the payment gateway', ['Payment gateway timeout', 'Mitigation'], [
      'A rolling restart replaces the gateway pod and frees its connection pool. It is safe during an\noutage: the pod is not serving anyway.',
    ]),
    step('all-services-healthy', 'check', 'No service above 1% errors', ['Payment gateway timeout', 'Resolution']),
  ],
};

/** The targets of the sandbox. */
export const targets = { prometheus: 'http://127.0.0.1:9090', context: 'sandbox', namespace: 'payments' };

/** `--at` of the scenario: 10:20 UTC on the day of the outage. */
export const AT = new Date('2025-10-26T10:20:00Z');

/** A frozen clock 42 s after the run started. */
export const RUN_START = Date.parse('2025-10-26T10:30:00Z');
export const now = (): number => RUN_START + 42_000;

let seq = 0;
/** Stamps an event the way the store does. */
export function stamp(event: NewEvent): TimelineEvent {
  seq += 1;
  return { v: 1, seq, time: new Date(RUN_START).toISOString(), run: 'run-1', ...event } as TimelineEvent;
}

/** The gate of the restart. */
export function restartGate(signal: AbortSignal = new AbortController().signal): GateRequest {
  return {
    step: 'restart-gateway',
    kind: 'mitigate',
    title: 'Restart the payment gateway',
    gate: 'step',
    reason: '`kubectl rollout restart` is not a read-only command',
    commands: [
      { argv: ['kubectl', '--context', 'sandbox', 'rollout', 'restart', 'deployment/payment-gateway', '-n', 'payments'] },
      {
        query:
          'sum(rate(http_requests_total{namespace="payments",service="checkout",status=~"5.."}[30s]))\n  /\nsum(rate(http_requests_total{namespace="payments",service="checkout"}[30s]))',
      },
    ],
    env: [{}, {}],
    targets,
    signal,
  };
}

/** Polls until `check` stops throwing (ink renders after input asynchronously). */
export async function eventually(check: () => void, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** The `run.started` of the fixture run (live mode, evaluated at AT). */
export const runStarted: NewEvent = {
  type: 'run.started',
  runbook: { path: runbook.path!, sha256: 'abc', title: runbook.meta.title },
  params: {},
  at: AT.toISOString(),
  mode: 'live',
  user: 'ana',
  host: 'laptop',
  tool: { name: 'runbook', version: '0.1.0' },
  targets,
};
