/**
 * Runs one process (kubectl or `sh -c`) from an argv array: no shell unless argv[0] is one, its own
 * process group so a timeout or Ctrl-C kills everything it started, output captured up to a cap.
 */
import { execa } from 'execa';

/** What to run and how long it may take. */
export interface SpawnRequest {
  /** argv[0] is the program, looked up on `env.PATH`. */
  argv: readonly string[];
  /** The complete environment of the child (nothing is inherited besides this). */
  env: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  timeoutMs: number;
  /** Aborting kills the process group. */
  signal?: AbortSignal;
  /** Bytes kept of each of stdout and stderr; the rest is read and dropped (and `truncated` set). */
  maxBytes: number;
}

/** How a process ended. */
export interface ProcessResult {
  /** Exit code, when the process exited by itself. */
  exitCode?: number;
  /** Signal that ended it, e.g. `SIGTERM`. */
  signal?: string;
  stdout: string;
  stderr: string;
  /** Bytes of output received (stdout + stderr), kept or not. */
  bytes: number;
  truncated: boolean;
  timedOut: boolean;
  aborted: boolean;
  /** The process could not be started (e.g. `kubectl` not found). */
  spawnError?: string;
}

/** Starts a process and resolves when it is gone. Injected into the executor so tests can watch argv. */
export type SpawnFn = (request: SpawnRequest) => Promise<ProcessResult>;

/** Time between SIGTERM and SIGKILL when a process group is stopped. */
const KILL_GRACE_MS = 2_000;

/** The real spawn: execa, detached into its own process group, killed as a group with `process.kill(-pid)`. */
export const spawnProcess: SpawnFn = async (request) => {
  const [file, ...args] = request.argv;
  if (file === undefined) throw new Error('empty argv');
  if (request.signal?.aborted) {
    return { stdout: '', stderr: '', bytes: 0, truncated: false, timedOut: false, aborted: true };
  }
  const child = execa(file, args, {
    env: request.env,
    extendEnv: false,
    ...(request.cwd !== undefined ? { cwd: request.cwd } : {}),
    detached: true,
    buffer: false,
    stdin: 'ignore',
    reject: false,
    // Our own kill logic handles the group; execa's would signal only the leader.
    cleanup: true,
  });

  const stdout = capped(request.maxBytes);
  const stderr = capped(request.maxBytes);
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));

  let timedOut = false;
  let aborted = false;
  let stopping = false;
  let graceTimer: NodeJS.Timeout | undefined;
  const killGroup = (signal: NodeJS.Signals): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    killGroup('SIGTERM');
    graceTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, request.timeoutMs);
  const onAbort = (): void => {
    aborted = true;
    stop();
  };
  request.signal?.addEventListener('abort', onAbort, { once: true });

  // A process killed by a signal while it reads or writes a closed pipe is not an error of ours.
  child.stdout?.on('error', () => undefined);
  child.stderr?.on('error', () => undefined);
  const result = await child;
  clearTimeout(timer);
  if (graceTimer) clearTimeout(graceTimer);
  request.signal?.removeEventListener('abort', onAbort);
  // Whatever the leader left behind in its group goes with it when we stopped it.
  if (stopping) killGroup('SIGKILL');

  const out: ProcessResult = {
    stdout: stdout.text(),
    stderr: stderr.text(),
    bytes: stdout.bytes + stderr.bytes,
    truncated: stdout.truncated || stderr.truncated,
    timedOut,
    aborted,
  };
  if (typeof result.exitCode === 'number') out.exitCode = result.exitCode;
  if (result.signal) out.signal = result.signal;
  const code = (result as { code?: string }).code;
  if (result.failed && result.exitCode === undefined && !result.signal && !stopping) {
    out.spawnError =
      code === 'ENOENT' ? notFoundOnPath(file) : (result.shortMessage ?? result.message);
  }
  return out;
};

/** What a step says when its program is missing. */
export function notFoundOnPath(file: string): string {
  return `\`${file}\` not found on PATH${file === 'kubectl' ? '; install kubectl (https://kubernetes.io/docs/tasks/tools/) or put it on PATH' : ''}`;
}

function capped(max: number) {
  const chunks: Buffer[] = [];
  let kept = 0;
  const state = {
    bytes: 0,
    truncated: false,
    push(chunk: Buffer): void {
      state.bytes += chunk.length;
      if (kept >= max) {
        state.truncated = true;
        return;
      }
      const room = max - kept;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        kept = max;
        state.truncated = true;
      } else {
        chunks.push(chunk);
        kept += chunk.length;
      }
    },
    text(): string {
      return Buffer.concat(chunks).toString('utf8');
    },
  };
  return state;
}
