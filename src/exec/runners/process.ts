/** The process runner: kubectl and sh commands as argv arrays, in their own process group. */
import type { PlannedProcess } from '../plan.js';
import type { ProcessResult } from '../process.js';
import type { RunnerIO, Runner } from './types.js';

/** Spawns a planned command; one that did not run to its end (interrupted, not found, timed out) is an error. */
export async function spawnPlanned(
  command: PlannedProcess,
  io: RunnerIO,
): Promise<{ kind: 'error'; error: string; aborted: boolean; process: ProcessResult } | { kind: 'exited'; process: ProcessResult }> {
  const env = { ...io.env, ...command.env };
  const routed = io.processEnv ? await io.processEnv(command, env) : { kind: 'ok' as const, env };
  if (routed.kind === 'error') return { kind: 'error', error: routed.error, aborted: false, process: notStarted(routed.error) };
  const process = await io.spawn({
    argv: command.argv,
    env: routed.env,
    ...(io.cwd !== undefined ? { cwd: io.cwd } : {}),
    timeoutMs: command.timeoutMs,
    signal: io.signal,
    maxBytes: io.maxOutputBytes,
  });
  if (process.aborted) return { kind: 'error', error: 'interrupted', aborted: true, process };
  if (process.spawnError) return { kind: 'error', error: process.spawnError, aborted: false, process };
  if (process.timedOut) return { kind: 'error', error: `timed out after ${command.timeoutMs / 1000}s; its process group was killed`, aborted: false, process };
  return { kind: 'exited', process };
}

/** Runs a planned command; a non-zero exit is an error carrying the first line of stderr. */
export const runProcess: Runner<PlannedProcess> = async (command, io) => {
  const spawned = await spawnPlanned(command, io);
  if (spawned.kind === 'error') return spawned;
  const { process } = spawned;
  if (process.exitCode !== 0) {
    const firstLine = process.stderr.trim().split('\n')[0] ?? '';
    return { kind: 'error', error: `exit ${process.exitCode ?? process.signal ?? '?'}${firstLine ? `: ${firstLine}` : ''}`, aborted: false, process };
  }
  return { kind: 'ok', process };
};

/** The result of a process that was refused before it started. */
export function notStarted(error: string): ProcessResult {
  return { stdout: '', stderr: '', bytes: 0, truncated: false, timedOut: false, aborted: false, spawnError: error };
}
