/**
 * The one read-only verb table (src/steps/kubectl-verbs.ts), exhaustively: every kubectl 1.32 command,
 * with and without global flags in front, decides gated or not. A verb missing here is a verb that
 * would be run without asking.
 */
import { describe, expect, it } from 'vitest';
import { splitCommandLine } from '../../src/steps/command-line.js';
import { isReadOnlyKubectl } from '../../src/steps/kubectl-verbs.js';

const argv = (line: string): string[] => splitCommandLine(line).words.map((w) => w.value);

const READ_ONLY = [
  'kubectl get pods',
  'kubectl get pods -o json',
  'kubectl get deployment/payment-gateway -o yaml',
  'kubectl get --raw /healthz',
  'kubectl get events --sort-by=.lastTimestamp',
  'kubectl describe pod payment-gateway-x',
  'kubectl describe deployment payment-gateway',
  'kubectl logs -l app=payment-gateway --tail=50',
  'kubectl logs deployment/payment-gateway --previous',
  'kubectl top pods',
  'kubectl top node',
  'kubectl explain deployment.spec',
  'kubectl events',
  'kubectl api-resources',
  'kubectl api-versions',
  'kubectl version',
  'kubectl cluster-info',
  'kubectl cluster-info dump',
  'kubectl auth can-i patch deployments',
  'kubectl auth whoami',
  'kubectl rollout status deployment/payment-gateway',
  'kubectl rollout history deployment/payment-gateway',
  // Global flags before the verb, with and without `=`.
  'kubectl -n payments get pods',
  'kubectl --namespace payments get pods',
  'kubectl --namespace=payments get pods',
  'kubectl --context sandbox -n payments logs -l app=x',
  'kubectl -v 6 get pods',
  'kubectl --request-timeout 5s rollout status deployment/x',
  'kubectl --context=prod auth can-i get pods',
  // Without the leading `kubectl`.
  'get pods',
  'rollout status deployment/x',
];

const CHANGES = [
  'kubectl create deployment x --image=y',
  'kubectl create namespace x',
  'kubectl apply -f manifest.yaml',
  'kubectl delete pod payment-gateway-x',
  'kubectl delete pods -l app=payment-gateway',
  'kubectl edit deployment payment-gateway',
  'kubectl patch deployment payment-gateway -p {}',
  'kubectl replace -f manifest.yaml',
  'kubectl scale deployment payment-gateway --replicas=3',
  'kubectl autoscale deployment payment-gateway --max=5',
  'kubectl label pod x a=b',
  'kubectl annotate pod x a=b',
  'kubectl expose deployment x --port=80',
  'kubectl run debug --image=busybox',
  'kubectl set image deployment/x gateway=y:2',
  'kubectl set env deployment/x A=B',
  'kubectl set resources deployment/x --limits=memory=4Gi',
  'kubectl rollout restart deployment/payment-gateway',
  'kubectl rollout undo deployment/payment-gateway',
  'kubectl rollout pause deployment/payment-gateway',
  'kubectl rollout resume deployment/payment-gateway',
  'kubectl rollout',
  'kubectl drain node-1',
  'kubectl cordon node-1',
  'kubectl uncordon node-1',
  'kubectl taint nodes node-1 key=value:NoSchedule',
  'kubectl exec payment-gateway-x -- ls',
  'kubectl attach payment-gateway-x',
  'kubectl port-forward pod/x 8080:80',
  'kubectl proxy',
  'kubectl cp x:/tmp/a ./a',
  'kubectl debug pod/x --image=busybox',
  'kubectl certificate approve csr-1',
  'kubectl certificate deny csr-1',
  'kubectl auth reconcile -f rbac.yaml',
  'kubectl auth',
  'kubectl config use-context prod',
  'kubectl config view',
  'kubectl wait --for=condition=Ready pod/x',
  'kubectl diff -f manifest.yaml',
  'kubectl kustomize .',
  'kubectl plugin list',
  'kubectl completion bash',
  'kubectl alpha',
  'kubectl some-new-verb x',
  // Global flags in front do not hide a writing verb.
  'kubectl -n payments rollout restart deployment/x',
  'kubectl --context=prod delete pod x',
  'kubectl --namespace get delete pod x',
  // Unknown flags swallow the next word (as kubectl reads them); flags that go around the run's context.
  'kubectl --field-manager get rollout restart deployment/payment-gateway',
  'kubectl rollout --field-manager status restart deployment/x',
  'kubectl -f get delete pod x',
  'kubectl kubectl get pods',
  'kubectl cluster-info dump --output-directory /tmp/d',
  'kubectl --kubeconfig /tmp/k get pods',
  'kubectl get pods --token=abc',
  'kubectl get pods -As https://evil',
  // No verb at all.
  'kubectl',
  'kubectl -n payments',
  '',
];

describe('isReadOnlyKubectl: the verb table', () => {
  it.each(READ_ONLY)('`%s` only reads (runs ungated)', (line) => {
    expect(isReadOnlyKubectl(argv(line))).toBe(true);
  });

  it.each(CHANGES)('`%s` may change the cluster (gated)', (line) => {
    expect(isReadOnlyKubectl(argv(line))).toBe(false);
  });
});
