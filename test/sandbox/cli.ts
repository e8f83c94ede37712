/**
 * `npm run sandbox [-- --live]`: start the incident sandbox for manual use, print how to reach it,
 * and keep it up until Ctrl-C / SIGTERM.
 */
import { DEPLOYMENT, NAMESPACE, errorRatioQuery, startSandbox } from './index.js';
import type { Sandbox } from './index.js';

/** Lines that tell a human how to use a running sandbox. */
export function describeSandbox(sandbox: Sandbox): string[] {
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const at = sandbox.live ? '' : ` --data-urlencode time=2025-10-26T10:20:00Z`;
  const ratio = errorRatioQuery('payment', sandbox.live ? '30s' : '5m');
  return [
    `runbook sandbox (${sandbox.live ? 'live: Prometheus scrapes a simulator every 1s; a gateway restart heals it' : 'historical: the 2025-10-26 payment-gateway outage, 09:00-11:00 UTC'})`,
    '',
    `Prometheus:  ${sandbox.prometheusUrl}`,
    `KUBECONFIG:  ${sandbox.kubeconfigPath}`,
    `Query log:   ${sandbox.queryLogPath}`,
    '',
    'In another shell:',
    `  export KUBECONFIG=${q(sandbox.kubeEnv.KUBECONFIG)} HOME=${q(sandbox.kubeEnv.HOME)} PROMETHEUS_URL=${sandbox.prometheusUrl}`,
    `  kubectl get pods -n ${NAMESPACE}`,
    `  kubectl describe pod -n ${NAMESPACE} -l app=${DEPLOYMENT}`,
    `  kubectl logs -n ${NAMESPACE} -l app=${DEPLOYMENT} --tail=20`,
    `  kubectl get events -n ${NAMESPACE}`,
    `  kubectl rollout restart deployment/${DEPLOYMENT} -n ${NAMESPACE}`,
    `  curl -s ${sandbox.prometheusUrl}/api/v1/query --data-urlencode ${q(`query=${ratio}`)}${at}`,
    '',
    'Ctrl-C stops everything and removes the temp dirs.',
  ];
}

async function main(argv: string[], out: NodeJS.WritableStream): Promise<void> {
  const unknown = argv.filter((a) => a !== '--live');
  if (unknown.length) throw new Error(`unknown argument \`${unknown.join(' ')}\`; usage: npm run sandbox [-- --live]`);
  const sandbox = await startSandbox({
    live: argv.includes('--live'),
    onGatewayRestart: ({ cause, pods }) => out.write(`[sandbox] ${cause} of ${DEPLOYMENT}: new pods ${pods.join(', ')}\n`),
  });
  out.write(`${describeSandbox(sandbox).join('\n')}\n`);
  await new Promise<void>((resolve) => {
    const shutdown = (): void => {
      process.off('SIGINT', shutdown);
      process.off('SIGTERM', shutdown);
      resolve();
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
  out.write('stopping sandbox…\n');
  await sandbox.stop();
}

main(process.argv.slice(2), process.stdout).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
