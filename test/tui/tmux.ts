/**
 * A real terminal for end-to-end tests of the interactive UI: a tmux server on a private socket (never the
 * user's), one window running one command, read back with `capture-pane`. Every call is an argv array.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** One tmux server with one pane running `argv`. */
export interface TmuxPane {
  /** The private socket name (`tmux -L <socket>`). */
  socket: string;
  /** Everything the pane printed: scrollback and screen, soft-wrapped lines joined (`-J`), no escape codes. */
  capture(): Promise<string>;
  /** Like `capture`, with the text attributes (colours, bold…) as SGR escape codes (`-e`). */
  captureStyled(): Promise<string>;
  /** Only what is on the screen now (the live area the UI redraws), lines joined as in `capture`. */
  screen(): Promise<string>;
  /** Types keys into the pane (tmux key names: `a`, `Enter`, `C-c`, or literal text with `literal`). */
  sendKeys(keys: string[], options?: { literal?: boolean }): Promise<void>;
  /** Polls `screen()` until `test` holds; resolves that screen, rejects with the last one after `timeoutMs`. */
  waitFor(test: (screen: string) => boolean, what: string, timeoutMs: number): Promise<string>;
  /** The command's exit status once it exited, else null. */
  exitCode(): Promise<number | null>;
  /** Polls until the command exited; resolves its exit status (128 + n when signal n killed it). */
  waitForExit(timeoutMs: number): Promise<number>;
  /** Kills the tmux server (and with it the command, if still running). Idempotent. */
  kill(): Promise<void>;
}

/** Options of {@link startTmux}. */
export interface StartTmuxOptions {
  /** The command to run, as an argv array (tmux execs it without a shell when given several words). */
  argv: string[];
  cwd: string;
  /** The complete environment of the command (tmux's own global environment is not inherited). */
  env: Record<string, string>;
  /** Terminal size (default 100 × 40). */
  width?: number;
  height?: number;
}

async function tmux(socket: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  return stdout;
}

/**
 * Runs argv[2…] and writes its exit status to the file argv[1]. tmux's own `#{pane_dead_status}` is not
 * used: now and then tmux 3.3a leaves the exited command a zombie it never reaps, so the status never comes.
 * The script is constant; the file and the command are positional parameters, never spliced into it.
 */
const RECORD_EXIT = 'f=$1; shift; "$@"; code=$?; echo "$code" > "$f"';

/** Starts a detached tmux server on a private socket running `argv`. */
export async function startTmux(options: StartTmuxOptions): Promise<TmuxPane> {
  const socket = `runbook-e2e-${process.pid}-${randomBytes(4).toString('hex')}`;
  const statusDir = mkdtempSync(join(tmpdir(), 'runbook-tmux-'));
  const statusFile = join(statusDir, 'exit-status');
  const width = options.width ?? 100;
  const height = options.height ?? 40;
  // `-e` sets the pane's environment on top of the server's; the server is started with exactly `env`
  // (execFile's env), so nothing of the test runner's environment leaks in besides what the caller passes.
  const envArgs = Object.entries(options.env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  await execFileAsync(
    'tmux',
    [
      '-L', socket, '-f', '/dev/null',
      'new-session', '-d', '-x', String(width), '-y', String(height), '-c', options.cwd, ...envArgs,
      // Keep the pane (and its screen) after the command exits.
      ';', 'set-option', '-g', 'remain-on-exit', 'on',
      ';', 'set-option', '-g', 'history-limit', '5000',
      ';', 'respawn-pane', '-k', '-t', '%0', '-c', options.cwd, ...envArgs, 'sh', '-c', RECORD_EXIT, 'sh', statusFile, ...options.argv,
    ],
    { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: options.env.TERM ?? 'xterm-256color', TMUX_TMPDIR: process.env.TMUX_TMPDIR ?? '/tmp' } },
  );
  let killed = false;
  const pane: TmuxPane = {
    socket,
    capture: () => tmux(socket, ['capture-pane', '-J', '-p', '-S', '-', '-t', '%0']),
    captureStyled: () => tmux(socket, ['capture-pane', '-J', '-p', '-e', '-S', '-', '-t', '%0']),
    screen: () => tmux(socket, ['capture-pane', '-J', '-p', '-t', '%0']),
    async sendKeys(keys, sendOptions = {}) {
      await tmux(socket, ['send-keys', '-t', '%0', ...(sendOptions.literal ? ['-l'] : []), ...keys]);
    },
    async waitFor(test, what, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let screen = '';
      for (;;) {
        screen = await pane.screen();
        if (test(screen)) return screen;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen:\n${screen}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
    async exitCode() {
      try {
        const text = readFileSync(statusFile, 'utf8').trim();
        return text === '' ? null : Number(text);
      } catch {
        return null;
      }
    },
    async waitForExit(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const code = await pane.exitCode();
        if (code !== null) return code;
        if (Date.now() > deadline) throw new Error(`the command did not exit within ${timeoutMs} ms; the screen:\n${await pane.capture()}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async kill() {
      if (killed) return;
      killed = true;
      await tmux(socket, ['kill-server']).catch(() => undefined);
      rmSync(statusDir, { recursive: true, force: true });
    },
  };
  return pane;
}
