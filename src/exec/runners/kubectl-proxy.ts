/**
 * Defense in depth for kubectl commands that run without a gate: they talk to the cluster only through a
 * loopback `kubectl proxy --reject-methods='^(POST|PUT|PATCH|DELETE)$'`, so even a command the classifier
 * got wrong cannot change anything (the proxy answers `Forbidden` and forwards nothing). One proxy per
 * (kubeconfig, context), started on first use and stopped (its process group) when the run ends.
 * The kubectl step gets a private kubeconfig (0600, no credentials) whose only cluster is the proxy.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { notFoundOnPath } from '../process.js';

/** The methods the proxy refuses: everything that can change state. */
export const PROXY_REJECT_METHODS = '^(POST|PUT|PATCH|DELETE)$';
/** Hosts the proxy accepts in the `Host` header: loopback only. */
export const PROXY_ACCEPT_HOSTS = '^localhost$,^127\\.0\\.0\\.1$,^\\[::1\\]$';

/** Longest wait for `Starting to serve on …`. */
const START_TIMEOUT_MS = 15_000;
/** Time between SIGTERM and SIGKILL when a proxy is stopped. */
const STOP_GRACE_MS = 2_000;

/** What a kubectl command needs to go through the proxy, or why it cannot run. */
export type ProxyRoute = { kind: 'ok'; env: Record<string, string | undefined> } | { kind: 'error'; error: string };

/** The proxies of one run. */
export interface KubectlProxyPool {
  /**
   * The environment for a kubectl command of `context` (undefined: the kubeconfig's current context) so that it
   * talks to the cluster through the read-only proxy; `env` is the command's own environment (its KUBECONFIG
   * decides which kubeconfig the proxy uses). Starts the proxy on first use.
   */
  route(kubectl: string, context: string | undefined, env: Readonly<Record<string, string | undefined>>): Promise<ProxyRoute>;
  /** Stops every proxy (process group) and removes the private kubeconfigs. Safe to call twice. */
  stop(): Promise<void>;
  /** Proxies started so far (for tests and the bench). */
  readonly started: number;
}

interface Proxy {
  child?: ChildProcess;
  kubeconfig: string;
  url: string;
}

/** A pool of read-only proxies; private files live in a fresh 0700 directory under `tmpRoot`. */
export function createKubectlProxyPool(options: { tmpRoot?: string } = {}): KubectlProxyPool {
  const proxies = new Map<string, Promise<Proxy | { error: string }>>();
  const children = new Set<ChildProcess>();
  let dir: string | undefined;
  let count = 0;
  // Never leave a proxy behind, even when the process ends without reaching stop().
  const onExit = (): void => {
    for (const child of children) killGroup(child, 'SIGKILL');
  };

  const privateDir = (): string => {
    if (dir === undefined) {
      dir = mkdtempSync(join(options.tmpRoot ?? tmpdir(), 'runbook-kubectl-proxy-'));
      process.on('exit', onExit);
    }
    return dir;
  };

  async function start(kubectl: string, context: string | undefined, env: Readonly<Record<string, string | undefined>>): Promise<Proxy | { error: string }> {
    const contextFlag = context !== undefined ? [`--context=${context}`] : [];
    const namespace = contextNamespace(kubectl, contextFlag, env);
    const child = spawn(
      kubectl,
      ['proxy', '--port=0', '--address=127.0.0.1', `--accept-hosts=${PROXY_ACCEPT_HOSTS}`, `--reject-methods=${PROXY_REJECT_METHODS}`, ...contextFlag],
      { env: env as NodeJS.ProcessEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.add(child);
    count++;
    const port = await new Promise<{ port: string } | { error: string }>((resolve) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => done({ error: `no "Starting to serve" within ${START_TIMEOUT_MS / 1000}s` }), START_TIMEOUT_MS);
      function done(value: { port: string } | { error: string }): void {
        clearTimeout(timer);
        child.stdout?.removeAllListeners('data');
        resolve(value);
      }
      child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const m = /Starting to serve on 127\.0\.0\.1:(\d+)/.exec(out);
        if (m) done({ port: m[1]! });
      });
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        if (err.length < 4096) err += chunk;
      });
      child.on('error', (e) => done({ error: (e as NodeJS.ErrnoException).code === 'ENOENT' ? notFoundOnPath(kubectl) : e.message }));
      child.on('exit', (code, signal) => done({ error: `exited (${code ?? signal})${err.trim() ? `: ${err.trim().split('\n')[0]}` : ''}` }));
    });
    // Keep draining its output so the pipe never fills.
    child.stdout?.resume();
    child.stderr?.resume();
    if ('error' in port) {
      killGroup(child, 'SIGKILL');
      return { error: `the read-only kubectl proxy${context !== undefined ? ` for context \`${context}\`` : ''} did not start: ${port.error}` };
    }
    const url = `http://127.0.0.1:${port.port}`;
    const name = context ?? 'runbook-read-only';
    const ns = await namespace;
    const file = join(privateDir(), `kubeconfig-${count}.json`);
    const config = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'runbook-read-only-proxy', cluster: { server: url } }],
      users: [{ name: 'runbook-read-only-proxy', user: {} }],
      contexts: [{ name, context: { cluster: 'runbook-read-only-proxy', user: 'runbook-read-only-proxy', ...(ns ? { namespace: ns } : {}) } }],
      'current-context': name,
    };
    writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600, flag: 'wx' });
    return { child, kubeconfig: file, url };
  }

  return {
    get started() {
      return count;
    },
    async route(kubectl, context, env) {
      const key = `${env.KUBECONFIG ?? ''}\u0000${context ?? ''}`;
      let proxy = proxies.get(key);
      if (!proxy) {
        proxy = start(kubectl, context, env);
        proxies.set(key, proxy);
      }
      const ready = await proxy;
      if ('error' in ready) return { kind: 'error', error: ready.error };
      return { kind: 'ok', env: { ...env, KUBECONFIG: ready.kubeconfig } };
    },
    async stop() {
      const all = [...children];
      children.clear();
      await Promise.all(all.map(stopChild));
      proxies.clear();
      if (dir !== undefined) {
        rmSync(dir, { recursive: true, force: true });
        dir = undefined;
      }
      process.off('exit', onExit);
    },
  };
}

/** The default namespace of the context, so a command without `-n` reads where it would have read directly. */
function contextNamespace(kubectl: string, contextFlag: string[], env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      kubectl,
      ['config', 'view', '--minify', ...contextFlag, '-o', 'jsonpath={.contexts[0].context.namespace}'],
      { env: env as NodeJS.ProcessEnv, timeout: 10_000, encoding: 'utf8' },
      (error, stdout) => resolve(error ? undefined : stdout.trim() || undefined),
    );
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    killGroup(child, 'SIGTERM');
  });
}

/** kubectl flags that choose the server or the credentials, so that a command would not use the proxy's kubeconfig. */
const CONNECTION_FLAGS = ['--kubeconfig', '--server', '--token', '--username', '--password', '--client-certificate', '--client-key', '--as', '--as-group', '--as-uid', '--insecure-skip-tls-verify'];

/**
 * The first word of `argv` (argv[0] is kubectl) that points kubectl at a server or credentials of its own,
 * past the read-only proxy: one of {@link CONNECTION_FLAGS} (`--flag value` or `--flag=value`), or the `-s`
 * shorthand (also after boolean shorthands, `-As`). Undefined when there is none. Words after `--` are not flags.
 */
export function connectionOverride(argv: readonly string[]): string | undefined {
  for (const word of argv.slice(1)) {
    if (word === '--') return undefined;
    const name = word.split('=', 1)[0]!;
    if (CONNECTION_FLAGS.includes(name)) return name;
    if (/^-[Awit]*s/.test(word)) return '-s';
  }
  return undefined;
}
