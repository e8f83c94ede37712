import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYMENT, NAMESPACE, OLD_POD, errorRatioQuery, p95Query, queryValue, startSandbox, waitForQuery } from './index.js';
import type { Sandbox } from './index.js';

const at = (hhmm: string): Date => new Date(`2025-10-26T${hhmm}:00Z`);

describe('historical sandbox', () => {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('serves the backfilled outage through the HTTP API', async () => {
    const url = sandbox!.prometheusUrl;
    expect(await queryValue(url, errorRatioQuery('payment'), { time: at('10:20') })).toBeGreaterThan(0.3);
    expect(await queryValue(url, errorRatioQuery('payment'), { time: at('10:00') })).toBeLessThan(0.01);
    expect(await queryValue(url, p95Query('checkout'), { time: at('10:20') })).toBeGreaterThan(2);
    expect(await queryValue(url, p95Query('checkout'), { time: at('10:00') })).toBeLessThan(0.3);
    expect(await queryValue(url, 'payment_gateway_up', { time: at('10:20') })).toBe(0);
    // The query log proves queries are recorded (so an empty one proves none were sent).
    expect(await readFile(sandbox!.queryLogPath, 'utf8')).toContain('payment_gateway_up');
  });

  it('answers the real kubectl and records no mutation', async () => {
    const { stdout } = await execa('kubectl', ['get', 'pods', '-n', NAMESPACE], { env: sandbox!.kubeEnv });
    expect(stdout).toMatch(new RegExp(`${OLD_POD}\\s+0/1\\s+CrashLoopBackOff\\s+3`));
    const reason = await execa(
      'kubectl',
      ['get', 'pod', OLD_POD, '-n', NAMESPACE, '-o', 'jsonpath={.status.containerStatuses[0].lastState.terminated.reason}'],
      { env: sandbox!.kubeEnv },
    );
    expect(reason.stdout).toBe('OOMKilled');
    expect(sandbox!.stub.requests().some((r) => r.path === `/api/v1/namespaces/${NAMESPACE}/pods`)).toBe(true);
    expect(sandbox!.stub.mutations()).toEqual([]);
  });
});

describe('live sandbox', () => {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox({ live: true });
  });
  afterAll(async () => {
    await sandbox?.stop();
  });

  it('recovers after a real `kubectl rollout restart`', async () => {
    const url = sandbox!.prometheusUrl;
    const ratio = errorRatioQuery('checkout', '10s');
    await waitForQuery(url, ratio, (v) => v !== undefined && v > 0.2, { timeoutMs: 15_000, intervalMs: 500 });

    const { stdout } = await execa('kubectl', ['rollout', 'restart', `deployment/${DEPLOYMENT}`, '-n', NAMESPACE], { env: sandbox!.kubeEnv });
    expect(stdout).toContain(`deployment.apps/${DEPLOYMENT} restarted`);
    const mutations = sandbox!.stub.mutations();
    expect(mutations).toHaveLength(1);
    expect(mutations[0]).toMatchObject({
      method: 'PATCH',
      path: `/apis/apps/v1/namespaces/${NAMESPACE}/deployments/${DEPLOYMENT}`,
      query: { fieldManager: 'kubectl-rollout' },
      body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': expect.any(String) } } } } },
    });
    expect(sandbox!.simulator!.phase()).not.toBe('failing');

    const healed = await waitForQuery(url, ratio, (v) => v !== undefined && v < 0.01, { timeoutMs: 30_000, intervalMs: 1_000 });
    expect(healed).toBeLessThan(0.01);
    expect(await queryValue(url, 'payment_gateway_up')).toBe(1);
  }, 50_000);
});
