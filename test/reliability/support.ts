/**
 * Helpers for the reliability tests: run the real CLI as a child process (so crashes, signals, memory and
 * leftover processes are real), write fake programs onto a private PATH, and small fault-injecting servers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NODE_FAKE_PROXY, NODE_FAKE_PROXY_END } from '../sandbox/fake-kubectl.js';

/** Repository root. */
export const REPO = fileURLToPath(new URL('../../', import.meta.url));
/** The CLI entry point, run from source through tsx's loader (a single process: kill -9 hits the CLI itself). */
export const CLI_ARGV = [
  process.execPath,
  '--import',
  pathToFileURL(path.join(REPO, 'node_modules/tsx/dist/loader.mjs')).href,
  path.join(REPO, 'src/cli/main.ts'),
];

/** A finished CLI run. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

/** Options of a CLI run. */
export interface CliOptions {
  cwd: string;
  /** Full environment of the CLI (nothing else is inherited). */
  env: Record<string, string>;
  /** Prefix the command (e.g. `/usr/bin/time -f %M`). */
  wrap?: string[];
}

/** Starts the CLI; `lines()` gives stdout lines so far; `waitForLine` resolves on the first matching line. */
export function startCli(args: readonly string[], options: CliOptions) {
  const argv = [...(options.wrap ?? []), ...CLI_ARGV, ...args];
  const child: ChildProcess = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const waiters: Array<{ test: (line: string) => boolean; resolve: (line: string) => void }> = [];
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    out.push(chunk);
    pending += chunk.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop()!;
    for (const line of parts) {
      for (const waiter of [...waiters]) {
        if (waiter.test(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
  const done = new Promise<CliRun>((resolve) => {
    child.on('close', (code, signal) => {
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, signal, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes });
    });
  });
  return {
    child,
    done,
    waitForLine(test: (line: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; stdout so far:\n${Buffer.concat(out).toString()}\nstderr:\n${Buffer.concat(err).toString()}`)), timeoutMs);
        waiters.push({ test, resolve: (line) => (clearTimeout(timer), resolve(line)) });
        void done.then(() => {
          clearTimeout(timer);
          reject(new Error(`CLI exited while waiting for ${what}; stdout:\n${Buffer.concat(out).toString()}\nstderr:\n${Buffer.concat(err).toString()}`));
        });
      });
    },
  };
}

/** Runs the CLI to completion. */
export function runCli(args: readonly string[], options: CliOptions): Promise<CliRun> {
  return startCli(args, options).done;
}

/** A private temp folder, removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), `runbook-rel-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes an executable script. */
export async function writeExecutable(file: string, text: string): Promise<string> {
  await writeFile(file, text);
  await chmod(file, 0o755);
  return file;
}

/** A fake `kubectl` in Node that writes its argv (JSON) to `$RL_ARGV_DUMP` and runs `body` (JS). */
export function nodeScript(body: string): string {
  return `#!${process.execPath}\n${body}\n`;
}

/** A fake kubectl in Node: `body`, plus the part of `kubectl proxy` a run needs (test/sandbox/fake-kubectl.ts). */
export function fakeKubectlScript(body: string): string {
  return nodeScript(`${NODE_FAKE_PROXY}${body}${NODE_FAKE_PROXY_END}`);
}

/** The base environment of a CLI child: a PATH with `binDirs` first, no user config, ASCII output. */
export function cliEnv(binDirs: readonly string[], extra: Record<string, string> = {}, home?: string): Record<string, string> {
  return {
    PATH: [...binDirs, path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    HOME: home ?? tmpdir(),
    LANG: 'C',
    ...extra,
  };
}

/** A loopback HTTP server that misbehaves on purpose (a fault injector, not a stand-in for Prometheus). */
export async function faultServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; hits: () => number; stop: () => Promise<void> }> {
  let hits = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits: () => hits,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Lines of a timeline file, each parsed (throws on a line that is not JSON). */
export function events(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Whether a process id is alive: it exists and is not a zombie (an exited child nobody reaped yet). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …"; the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Waits (up to `ms`) until none of `pids` is alive; returns those still alive. SIGKILL is delivered asynchronously. */
export async function survivors(pids: readonly number[], ms = 3_000): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = pids.filter(alive);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Process ids (from `ps`) whose process group is `pgid`. */
export async function groupMembers(pgid: number): Promise<string[]> {
  const ps = spawn('ps', ['-eo', 'pid=,pgid=,stat=,args=']);
  let text = '';
  ps.stdout.on('data', (c: Buffer) => (text += c.toString()));
  await new Promise((resolve) => ps.on('close', resolve));
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3 && Number(f[1]) === pgid && !f[2]!.startsWith('Z'))
    .map((f) => f.join(' '));
}
