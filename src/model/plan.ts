/**
 * What a plan is made of: a Step plus the run's values resolved into exactly what will run (queries, argv,
 * env, targets) and whether it needs a gate. Types only; src/exec/plan.ts builds them with the step kinds'
 * `plan` functions (src/steps/) and the executor runs them.
 */
import type { Position } from './runbook.js';

/** Where a run sends queries and commands: CLI, else front matter, else env/config. */
export interface Targets {
  prometheus?: string;
  /** Grafana Tempo base URL (`trace` steps). */
  tempo?: string;
  /** Jaeger query base URL (`trace` steps). */
  jaeger?: string;
  /** Loki base URL (`logs` steps). */
  loki?: string;
  context?: string;
  namespace?: string;
  kubeconfig?: string;
}

/** What a plan is made from. */
export interface PlanContext {
  params: Readonly<Record<string, string>>;
  /** A capture of an earlier step; undefined when it has none. */
  capture: (step: string, name: string) => string | undefined;
  /** Run-level targets (CLI, else front matter, else env/config), before step attributes. */
  targets: Targets;
  /** `--at`, or null for "now at the moment the query runs". */
  at: Date | null;
}

/** A parsed expectation (the `expect` grammar of checks, src/steps/expect.ts). */
export type Expectation =
  | { op: '<' | '<=' | '==' | '!=' | '>=' | '>'; value: number; source: string }
  | { op: 'empty' | 'not-empty'; source: string };

/** One parsed capture (`capture="name=<expr>"`, src/exec/capture.ts). */
export type CaptureSpec =
  | { name: string; source: string; type: 'label'; label: string }
  | { name: string; source: string; type: 'value' }
  | { name: string; source: string; type: 'jsonpath'; path: string }
  | { name: string; source: string; type: 'regex'; regex: RegExp };

/** A PromQL query to send. */
export interface PlannedQuery {
  runner: 'promql';
  query: string;
  prometheus?: string;
  /** Fixed evaluation instant, or null for the moment it runs. */
  at: Date | null;
  /** Range query: window and resolution. */
  range?: { ms: number; stepSeconds: number };
  timeoutMs: number;
}

/** A process to start. */
export interface PlannedProcess {
  runner: 'kubectl' | 'sh';
  argv: string[];
  /** Variables added to the child's environment (template values of `sh`; `KUBECONFIG`). */
  env: Record<string, string>;
  timeoutMs: number;
  readOnly: boolean;
  /** Context and namespace the kubectl command ends up with (body flags included), for display. */
  target?: { context?: string; namespace?: string; kubeconfig?: string };
}

/** A query or a process. */
export type PlannedCommand = PlannedQuery | PlannedProcess;

/** An assertion: on its own command, or on an earlier step's result (`of=`). */
export interface PlannedCheck {
  command?: PlannedCommand;
  of?: string;
  expectation?: Expectation;
  expectExit: number;
  match?: RegExp;
}

/** What a `trace` step's `capture="name=<field>"` can read (the list is TRACE_CAPTURE_FIELDS in src/steps/trace.ts). */
export type TraceCaptureField =
  | 'bottleneck.duration'
  | 'bottleneck.operation'
  | 'bottleneck.self'
  | 'bottleneck.service'
  | 'duration'
  | 'error.message'
  | 'error.operation'
  | 'error.service'
  | 'root.operation'
  | 'root.service'
  | 'spans'
  | 'trace_id';

/** A trace step, resolved. */
export interface PlannedTrace {
  backend: 'tempo' | 'jaeger';
  url: string;
  /** A trace id (lower-case hex) … */
  traceId?: string;
  /** … or a search: TraceQL for Tempo, the Jaeger search form for Jaeger. */
  search?: string;
  windowMs: number;
  pick: 'latest' | 'slowest';
  at: Date | null;
  timeoutMs: number;
  /** Capture name → field. */
  captures: Array<{ name: string; field: TraceCaptureField }>;
}

/** One capture of a logs step. */
export type LogCapture = { name: string; field: string; how: 'earliest' | 'latest' | 'top' } | { name: string; field: 'count'; how: 'count' };

/** A logs step, resolved. */
export interface PlannedLogs {
  source: 'kubectl' | 'loki';
  /** source=kubectl: the command, flags added. */
  process?: PlannedProcess;
  /** source=loki: base URL and LogQL. */
  loki?: string;
  query?: string;
  windowMs: number;
  at: Date | null;
  match?: RegExp;
  limit: number;
  extract: string[];
  captures: LogCapture[];
  timeoutMs: number;
}

/** A mitigation, resolved. */
export interface PlannedMitigation {
  actions: PlannedProcess[];
  verify?: PlannedCheck;
  rollback: PlannedProcess[];
  withinMs: number;
  everyMs: number;
}

/** A step, resolved. */
export interface PlannedStep {
  id: string;
  /** The step's registered kind. */
  kind: string;
  title?: string;
  position?: Position;
  gated: boolean;
  /** Why the step is gated, in words. */
  reason?: string;
  /** promql, kubectl and sh steps. */
  command?: PlannedCommand;
  /** check steps. */
  check?: PlannedCheck;
  /** trace steps (they capture by field, not with `captures`). */
  trace?: PlannedTrace;
  /** logs steps (they capture by field, not with `captures`). */
  logs?: PlannedLogs;
  /** A check with `within=`: re-run every `everyMs` until it passes or `withinMs` runs out. */
  poll?: { withinMs: number; everyMs: number };
  onFail: 'continue' | 'stop';
  mitigation?: PlannedMitigation;
  captures: CaptureSpec[];
}

/** The part of a PlannedStep a step kind's `plan` decides: what runs, against what, gated or not and why. */
export type KindPlan = Pick<PlannedStep, 'gated' | 'reason' | 'command' | 'check' | 'trace' | 'logs' | 'poll' | 'mitigation'>;
