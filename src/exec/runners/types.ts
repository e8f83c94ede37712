/**
 * The one interface every command runner implements: it runs one planned command and says how it went.
 * Runners never emit events, ask gates or poll; the executor does (src/exec/step.ts).
 */
import type { RecordedQueryResult } from '../../timeline/events.js';
import type { PrometheusClientFactory } from '../prometheus.js';
import type { PlannedProcess } from '../plan.js';
import type { ProcessResult, SpawnFn } from '../process.js';

/** What a runner may touch: injected I/O and the run's abort signal. */
export interface RunnerIO {
  spawn: SpawnFn;
  prometheus: PrometheusClientFactory;
  clock: () => Date;
  env: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  maxOutputBytes: number;
  maxResponseBytes?: number;
  fetch: typeof fetch;
  signal: AbortSignal;
  /**
   * The environment a planned process gets, or why it may not start (src/exec/context.ts routes ungated kubectl
   * through the read-only proxy). Absent: the environment as given.
   */
  processEnv?: (command: PlannedProcess, env: Readonly<Record<string, string | undefined>>) => Promise<ProcessEnv>;
}

/** A process's environment, or why it may not start. */
export type ProcessEnv = { kind: 'ok'; env: Readonly<Record<string, string | undefined>> } | { kind: 'error'; error: string };

/** How one command went: a result, or an error (aborted = stopped by Ctrl-C). */
export type CommandRun =
  | { kind: 'ok'; query?: RecordedQueryResult; process?: ProcessResult }
  | { kind: 'error'; error: string; aborted: boolean; process?: ProcessResult };

/** A runner: one planned command in, its outcome out. Never throws for a failing command. */
export type Runner<Planned> = (command: Planned, io: RunnerIO) => Promise<CommandRun>;
