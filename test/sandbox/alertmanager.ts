/**
 * A real Alertmanager (Debian `prometheus-alertmanager` 0.25) for tests: loopback only, no gossip port
 * (`--cluster.listen-address=`), a private `--storage.path`, a random port, stopped by its own PID.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { stringify } from 'yaml';
import { freePort } from './prometheus.js';

/** How to start a sandbox Alertmanager. */
export interface StartAlertmanagerOptions {
  /** Webhook receiver URL (all alerts route to it), e.g. `runbook serve`'s `/webhook`. */
  webhookUrl?: string;
  /** Bearer token Alertmanager sends to the webhook (`http_config.authorization`). */
  webhookToken?: string;
  /** `route.group_wait` etc. (short by default: `1s`). */
  groupWait?: string;
  groupInterval?: string;
  repeatInterval?: string;
  readyTimeoutMs?: number;
}

/** A running sandbox Alertmanager. */
export interface AlertmanagerInstance {
  url: string;
  port: number;
  runDir: string;
  configPath: string;
  logPath: string;
  /** Posts alerts to `POST /api/v2/alerts` (as Prometheus would). */
  post(alerts: Record<string, unknown>[]): Promise<void>;
  /** `GET /api/v2/alerts`. */
  alerts(): Promise<Record<string, unknown>[]>;
  /** Kill it (its PID only) and remove the run dir. Idempotent. */
  stop(): Promise<void>;
}

async function killAndWait(proc: ResultPromise, graceMs = 5_000): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  try {
    await proc;
  } finally {
    clearTimeout(timer);
  }
}

/** The Alertmanager config of the sandbox: one route to a webhook (or to a receiver that sends nothing). */
export function alertmanagerConfig(options: StartAlertmanagerOptions): Record<string, unknown> {
  const receiver: Record<string, unknown> = { name: 'default' };
  if (options.webhookUrl) {
    const webhook: Record<string, unknown> = { url: options.webhookUrl, send_resolved: true };
    if (options.webhookToken) webhook.http_config = { authorization: { type: 'Bearer', credentials: options.webhookToken } };
    receiver.webhook_configs = [webhook];
  }
  return {
    route: {
      receiver: 'default',
      group_by: ['alertname', 'namespace'],
      group_wait: options.groupWait ?? '1s',
      group_interval: options.groupInterval ?? '1s',
      repeat_interval: options.repeatInterval ?? '1h',
    },
    receivers: [receiver],
  };
}

/** Starts Alertmanager on a free loopback port and waits for `/-/ready`. */
export async function startAlertmanager(options: StartAlertmanagerOptions = {}): Promise<AlertmanagerInstance> {
  const runDir = await mkdtemp(join(tmpdir(), 'runbook-am-'));
  const configPath = join(runDir, 'alertmanager.yml');
  const logPath = join(runDir, 'alertmanager.log');
  try {
    await writeFile(configPath, stringify(alertmanagerConfig(options)));
    let lastError = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const proc = execa(
        'prometheus-alertmanager',
        [
          `--config.file=${configPath}`,
          `--storage.path=${join(runDir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
          '--cluster.listen-address=',
          '--log.level=warn',
        ],
        { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: { file: logPath, append: true } },
      );
      let exited = false;
      void proc.then(() => {
        exited = true;
      });
      const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
      let ready = false;
      while (!ready && !exited && Date.now() < deadline) {
        ready = await fetch(`${url}/-/ready`).then((r) => r.ok, () => false);
        if (!ready) await new Promise((r) => setTimeout(r, 50));
      }
      if (ready) {
        let stopped = false;
        return {
          url,
          port,
          runDir,
          configPath,
          logPath,
          async post(alerts) {
            const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
            if (!res.ok) throw new Error(`Alertmanager refused the alerts: ${res.status} ${await res.text()}`);
          },
          async alerts() {
            return (await (await fetch(`${url}/api/v2/alerts`)).json()) as Record<string, unknown>[];
          },
          async stop() {
            if (stopped) return;
            stopped = true;
            await killAndWait(proc);
            await rm(runDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
          },
        };
      }
      await killAndWait(proc);
      const log = await readFile(logPath, 'utf8').catch(() => '');
      lastError = log.slice(-2000);
      if (!/address already in use/.test(log)) break;
    }
    throw new Error(`Alertmanager did not become ready. Log tail:\n${lastError}`);
  } catch (error) {
    await rm(runDir, { recursive: true, force: true });
    throw error;
  }
}
