/**
 * `npm run demo`: starts the live incident sandbox and runs runbooks/payment-gateway-timeout.md against it
 * with the real `runbook` CLI. In a terminal the run is interactive (you approve the restart at its gate);
 * without one, the restart is pre-approved with `--approve restart-gateway` so the whole
 * detect → gate → act → verify loop still shows. Ends by printing where the timeline is.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { errorRatioQuery, startSandbox, waitForQuery } from './index.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const runbookFile = join(root, 'runbooks', 'payment-gateway-timeout.md');
const cli = join(root, 'dist', 'cli.js');

async function main(): Promise<number> {
  if (!existsSync(cli)) {
    process.stderr.write('dist/cli.js is missing: run `npm ci` (it builds the CLI) or `npm run build` first.\n');
    return 2;
  }
  const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
  process.stdout.write('Starting the live incident sandbox (Prometheus + Kubernetes API stub + payments simulator)…\n');
  const sandbox = await startSandbox({ live: true });
  const stop = async () => {
    await sandbox.stop();
  };
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));
  try {
    // Wait until Prometheus has scraped enough of the failing system for the runbook's five-minute and
    // thirty-second windows to show the outage; a fixed pause sometimes ran the checks against no data.
    process.stdout.write('Waiting for Prometheus to see the outage…\n');
    await waitForQuery(sandbox.prometheusUrl, errorRatioQuery('payment', '5m'), (v) => v !== undefined && v > 0.3, { timeoutMs: 60_000 });
    await waitForQuery(sandbox.prometheusUrl, errorRatioQuery('checkout', '30s'), (v) => v !== undefined && v > 0.2, { timeoutMs: 60_000 });
    const runs = join(root, '.runbook', 'runs');
    await mkdir(runs, { recursive: true });
    const timeline = join(runs, `${new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-demo-payment-gateway-timeout.jsonl`);
    const args = [
      cli,
      'run',
      runbookFile,
      '--prometheus',
      sandbox.prometheusUrl,
      '--kubeconfig',
      sandbox.kubeconfigPath,
      '--context',
      sandbox.context,
      '--timeline',
      timeline,
      ...(interactive ? [] : ['--approve', 'restart-gateway']),
    ];
    process.stdout.write(
      `Prometheus: ${sandbox.prometheusUrl}\nKUBECONFIG: ${sandbox.kubeconfigPath}\n` +
        (interactive ? 'Running interactively: approve the restart at its gate with `a`.\n' : 'No terminal: the restart gate is pre-approved (--approve restart-gateway).\n') +
        `$ runbook ${args.slice(1).map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n\n`,
    );
    // kubectl keeps its discovery cache under $HOME: the sandbox gives it a private one.
    const result = await execa('node', args, {
      stdio: 'inherit',
      reject: false,
      env: { ...process.env, HOME: sandbox.kubeEnv.HOME, KUBECONFIG: sandbox.kubeEnv.KUBECONFIG },
    });
    process.stdout.write(
      `\nThe timeline of this run is ${resolve(timeline)}\n` +
        `Export a postmortem: npx runbook export ${resolve(timeline)} --format postmortem --out postmortem.md\n` +
        `(runbook exited ${result.exitCode}: exit codes follow the run's status, and the detection checks fail during an incident, as they should;\n` +
        ` the Outcome line above says what happened to the incident. \`--exit-on-outcome\` exits 0 when it was mitigated.)\n`,
    );
    return 0;
  } finally {
    await stop();
  }
}

process.exitCode = await main();
