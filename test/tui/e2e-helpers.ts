/**
 * Shared pieces of the end-to-end UI tests: the real CLI (from source, through tsx) running the lead runbook
 * against the live sandbox inside a tmux pane.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Sandbox } from '../sandbox/index.js';
import type { TimelineEvent } from '../../src/timeline/events.js';
import { startTmux, type TmuxPane } from './tmux.js';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The lead runbook. */
export const RUNBOOK = join(ROOT, 'runbooks', 'payment-gateway-timeout.md');
/** The CLI's entry point, run from source so the test does not depend on a fresh `dist/`. */
export const CLI_SOURCE = join(ROOT, 'src', 'cli', 'main.ts');

/**
 * tsx's loader by absolute URL: `--import tsx` would be resolved from the pane's working directory, which is
 * a temp folder without node_modules.
 */
export const TSX_LOADER = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** argv of `runbook run <lead runbook>` against the sandbox, from source. */
export function runArgv(sandbox: Sandbox, timeline: string, extra: string[] = []): string[] {
  return [
    process.execPath,
    '--import',
    TSX_LOADER,
    CLI_SOURCE,
    'run',
    RUNBOOK,
    '--prometheus',
    sandbox.prometheusUrl,
    '--kubeconfig',
    sandbox.kubeconfigPath,
    '--context',
    sandbox.context,
    '--timeline',
    timeline,
    ...extra,
  ];
}

/**
 * The environment of the CLI in the pane: a terminal (`TERM`), kubectl's private HOME and KUBECONFIG, no
 * `CI` (ink draws only the last frame when it is set), UTC so the times on screen are stable.
 */
export function terminalEnv(sandbox: Sandbox, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TERM: 'xterm-256color',
    LANG: 'C.UTF-8',
    TZ: 'UTC',
    USER: process.env.USER ?? 'root',
    // tsx reads tsconfig.json from the working directory (a temp folder here); the repo's says `react-jsx`.
    TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.json'),
    HOME: sandbox.kubeEnv.HOME,
    KUBECONFIG: sandbox.kubeEnv.KUBECONFIG,
    ...extra,
  };
}

/** Starts the real CLI in a tmux pane. */
export function startRunInTmux(sandbox: Sandbox, timeline: string, options: { cwd: string; env?: Record<string, string>; extra?: string[]; width?: number; height?: number }): Promise<TmuxPane> {
  return startTmux({
    argv: runArgv(sandbox, timeline, options.extra),
    cwd: options.cwd,
    env: terminalEnv(sandbox, options.env),
    ...(options.width ? { width: options.width } : {}),
    ...(options.height ? { height: options.height } : {}),
  });
}

/** The events of a timeline file. */
export function readEvents(path: string): TimelineEvent[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TimelineEvent);
}

/** Events of one type. */
export function ofType<T extends TimelineEvent['type']>(events: readonly TimelineEvent[], type: T): Extract<TimelineEvent, { type: T }>[] {
  return events.filter((e): e is Extract<TimelineEvent, { type: T }> => e.type === type);
}
