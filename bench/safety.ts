/**
 * What the safety features cost (issue 12): the read-only `kubectl proxy` that ungated kubectl goes through
 * (started once per run and context) against one plain `kubectl get pods` of the same machine, and the
 * redaction of one timeline event against serialising it. Real kubectl, the sandbox's API stub on 127.0.0.1.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createKubectlProxyPool } from '../src/exec/runners/kubectl-proxy.js';
import { createEventRedactor } from '../src/secrets/events.js';
import { createRedactor } from '../src/secrets/redact.js';

/** What `npm run bench` records for safety. */
export interface SafetySection {
  runs: number;
  /** Start of one proxy (spawn until `Starting to serve`, private kubeconfig written) plus its stop, ms. */
  proxyMs: { median: number; min: number; max: number };
  /** One plain `kubectl get pods` against the same stub, ms: the peer. */
  kubectlMs: { median: number; min: number; max: number };
  /** Redacting one `step.finished` event with a 4 KiB output excerpt, µs. */
  redactUs: { median: number };
  /** `JSON.stringify` of the same event, µs: the peer (the store does it for every event anyway). */
  stringifyUs: { median: number };
}

const run = promisify(execFile);

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted[sorted.length - 1]! };
};

/** Times the proxy and the redactor. `kubeEnv` is the stub's KUBECONFIG/HOME. */
export async function benchSafety(options: { runs: number; kubeEnv: Record<string, string> }): Promise<SafetySection> {
  const env = { ...process.env, ...options.kubeEnv };
  const proxy: number[] = [];
  const plain: number[] = [];
  for (let r = 0; r < options.runs; r++) {
    let t0 = performance.now();
    const pool = createKubectlProxyPool();
    const route = await pool.route('kubectl', undefined, env);
    if (route.kind === 'error') throw new Error(route.error);
    await pool.stop();
    proxy.push(performance.now() - t0);
    t0 = performance.now();
    // Asynchronously: the stub answers from this process's event loop.
    await run('kubectl', ['-n', 'payments', 'get', 'pods'], { env });
    plain.push(performance.now() - t0);
  }

  const event = {
    v: 1, seq: 7, time: '2026-12-04T10:00:00.000Z', run: 'r', type: 'step.finished', step: 'pods', status: 'ok', durationMs: 41,
    summary: 'exit 0',
    output: { exitCode: 0, excerpt: 'NAME READY STATUS RESTARTS AGE\n'.padEnd(4096, 'payment-gateway-7d9f8b6c5d-x2k4p 1/1 Running 0 3h\n'), truncated: false, bytes: 4096 },
    captures: { pod: 'payment-gateway-7d9f8b6c5d-x2k4p' },
  };
  const redact = createEventRedactor(createRedactor());
  const time = (fn: () => unknown): number => {
    for (let i = 0; i < 200; i++) fn(); // warm-up
    const n = 2000;
    const t0 = performance.now();
    for (let i = 0; i < n; i++) fn();
    return ((performance.now() - t0) / n) * 1000;
  };
  const redactRuns = Array.from({ length: 5 }, () => time(() => redact(event)));
  const stringifyRuns = Array.from({ length: 5 }, () => time(() => JSON.stringify(event)));
  return { runs: options.runs, proxyMs: stats(proxy), kubectlMs: stats(plain), redactUs: { median: stats(redactRuns).median }, stringifyUs: { median: stats(stringifyRuns).median } };
}
