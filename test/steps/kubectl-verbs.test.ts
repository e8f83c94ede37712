import { describe, expect, it } from 'vitest';
import { isReadOnlyKubectl, kubectlVerb, readOnlyVerbList } from '../../src/steps/kubectl-verbs.js';

const argv = (line: string) => line.split(/\s+/).filter(Boolean);

describe('the read-only verb table', () => {
  it.each([
    'kubectl get pods',
    'kubectl get --raw /healthz',
    'kubectl describe pod x',
    'kubectl logs -l app=x --tail=5',
    'kubectl top pods',
    'kubectl explain pods',
    'kubectl events -n x',
    'kubectl api-resources',
    'kubectl api-versions',
    'kubectl version',
    'kubectl auth can-i get pods',
    'kubectl auth whoami',
    'kubectl cluster-info',
    'kubectl rollout status deployment/x',
    'kubectl rollout history deployment/x',
    'kubectl -n payments get pods',
    'kubectl --context prod --namespace payments get pods',
    'kubectl --context=prod get pods',
    'get pods',
  ])('%s only reads', (line) => {
    expect(isReadOnlyKubectl(argv(line))).toBe(true);
  });

  it.each([
    'kubectl delete pod x',
    'kubectl apply -f x.yaml',
    'kubectl create deployment x --image=y',
    'kubectl edit deployment x',
    'kubectl patch deployment x -p {}',
    'kubectl replace -f x',
    'kubectl scale deployment/x --replicas=3',
    'kubectl autoscale deployment x --max=3',
    'kubectl rollout restart deployment/x',
    'kubectl rollout undo deployment/x',
    'kubectl rollout pause deployment/x',
    'kubectl rollout resume deployment/x',
    'kubectl set image deployment/x a=b',
    'kubectl label pod x a=b',
    'kubectl annotate pod x a=b',
    'kubectl cordon node1',
    'kubectl uncordon node1',
    'kubectl drain node1',
    'kubectl taint nodes n k=v:NoSchedule',
    'kubectl exec pod -- ls',
    'kubectl cp a b',
    'kubectl port-forward pod/x 8080',
    'kubectl proxy',
    'kubectl run x --image=y',
    'kubectl expose deployment x',
    'kubectl debug pod/x',
    'kubectl attach pod/x',
    'kubectl certificate approve csr',
    'kubectl auth reconcile -f x',
    'kubectl config set-context x',
    'kubectl plugin list',
    'kubectl wait --for=condition=ready pod/x',
    'kubectl some-future-verb',
    'kubectl',
    'kubectl -n payments',
    'kubectl --namespace get delete pod',
  ])('%s is gated', (line) => {
    expect(isReadOnlyKubectl(argv(line))).toBe(false);
  });

  it('finds the verb after global flags that take a value', () => {
    expect(kubectlVerb(argv('kubectl -n payments --context prod rollout -n x restart d'))).toMatchObject({
      verb: 'rollout',
      subcommand: 'restart',
      index: 5,
    });
  });

  it('lists the read-only verbs for docs', () => {
    expect(readOnlyVerbList()).toContain('rollout status');
    expect(readOnlyVerbList()).not.toContain('rollout restart');
  });
});
