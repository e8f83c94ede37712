import { describe, expect, it } from 'vitest';
import { interactiveKubectl, isReadOnlyKubectl, kubectlVerb, readOnlyVerbList } from '../../src/steps/kubectl-verbs.js';

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

describe('interactive or endless kubectl commands', () => {
  // [command line, what the reason says, the word it points at]
  it.each([
    ['kubectl edit deployment/x', '`kubectl edit` opens an editor, and a step has no terminal', 'edit'],
    ['kubectl -n payments edit cm kube-proxy-config', '`kubectl edit` opens an editor', 'edit'],
    ['edit deployment x', '`kubectl edit` opens an editor', 'edit'],
    ['kubectl apply edit-last-applied deployment/x', '`kubectl apply edit-last-applied` opens an editor', 'edit-last-applied'],
    ['kubectl create deployment x --image=y --edit', '`kubectl create --edit` opens an editor', '--edit'],
    ['kubectl create -f x.yaml --edit=true', '`kubectl create --edit` opens an editor', '--edit=true'],
    ['kubectl attach pod/x', '`kubectl attach` stays attached to the container, so the step would hang until its timeout', 'attach'],
    ['kubectl attach -i pod/x', '`kubectl attach` stays attached', 'attach'],
    ['kubectl port-forward svc/x 8080:80', '`kubectl port-forward` forwards ports until it is stopped', 'port-forward'],
    ['kubectl --context prod port-forward pod/x 9090', '`kubectl port-forward`', 'port-forward'],
    ['kubectl proxy --port=8001', '`kubectl proxy` serves the API until it is stopped', 'proxy'],
    ['kubectl logs -f deploy/x', '`kubectl logs -f` follows the log until it is stopped', '-f'],
    ['kubectl logs deploy/x --follow', '`kubectl logs --follow` follows the log', '--follow'],
    ['kubectl logs deploy/x --follow=true', '`kubectl logs --follow` follows', '--follow=true'],
    ['kubectl logs -fp pod/x', '`kubectl logs -f` follows', '-fp'],
    ['kubectl logs -pf pod/x', '`kubectl logs -f` follows', '-pf'],
    ['kubectl logs -l app=x -c app -f', '`kubectl logs -f` follows', '-f'],
    ['kubectl -n p logs -f pod/x', '`kubectl logs -f`', '-f'],
    ['kubectl get pods -w', '`kubectl get -w` watches until it is stopped', '-w'],
    ['kubectl get pods --watch', '`kubectl get --watch` watches', '--watch'],
    ['kubectl get pods --watch=true', '`kubectl get --watch` watches', '--watch=true'],
    ['kubectl get pods --watch-only', '`kubectl get --watch-only` watches', '--watch-only'],
    ['kubectl get pods -Aw', '`kubectl get -w` watches', '-Aw'],
    ['kubectl events -w', '`kubectl events -w` watches', '-w'],
    ['kubectl events --watch -n payments', '`kubectl events --watch` watches', '--watch'],
    ['kubectl exec -it pod/x -- sh', '`kubectl exec -it` needs a terminal, and a step has none', '-it'],
    ['kubectl exec -ti pod/x -- sh', '`kubectl exec -ti` needs a terminal', '-ti'],
    ['kubectl exec pod/x -it -- sh', '`kubectl exec -it` needs a terminal', '-it'],
    ['kubectl exec -t pod/x -- ls', '`kubectl exec -t` needs a terminal', '-t'],
    ['kubectl exec -i pod/x -- sh', '`kubectl exec -i` reads input, and a step has none', '-i'],
    ['kubectl exec --stdin --tty pod/x -- sh', '`kubectl exec --stdin` reads input', '--stdin'],
    ['kubectl exec --tty=true pod/x -- sh', '`kubectl exec --tty` needs a terminal', '--tty=true'],
    ['kubectl exec -itc app pod/x -- sh', '`kubectl exec -t` needs a terminal', '-itc'],
    ['kubectl exec -qit pod/x -- sh', '`kubectl exec -t` needs a terminal', '-qit'],
    ['kubectl -n payments exec -it deploy/x -c app -- bash', '`kubectl exec -it`', '-it'],
    ['kubectl run tmp -it --rm --image=busybox -- sh', '`kubectl run -it` needs a terminal', '-it'],
    ['kubectl run tmp --image=busybox --stdin', '`kubectl run --stdin` reads input', '--stdin'],
    ['kubectl debug -it pod/x --image=busybox', '`kubectl debug -it` needs a terminal', '-it'],
    ['kubectl debug node/n1 -it --image=ubuntu', '`kubectl debug -it`', '-it'],
  ])('%s is refused', (line, reason, word) => {
    const words = argv(line);
    const found = interactiveKubectl(words);
    expect(found?.reason).toContain(reason);
    expect(found?.fix).toMatch(/`kubectl /);
    expect(words[found!.index]).toBe(word);
  });

  it.each([
    'kubectl get pods',
    'kubectl get pods -o wide',
    'kubectl get pods -owide',
    'kubectl get pods -lapp=web',
    'kubectl get -f watch.yaml',
    'kubectl get -fw.yaml',
    'kubectl get pods --watch=false',
    'kubectl get pods -w=false',
    'kubectl get pods --output-watch-events',
    'kubectl get pods -A',
    'kubectl events -n payments',
    'kubectl logs deploy/x --tail=100',
    'kubectl logs deploy/x --since=10m -p',
    'kubectl logs deploy/x --follow=false',
    'kubectl logs -c follow pod/x',
    'kubectl logs -lapp=f pod/x',
    'kubectl exec pod/x -- ls -t',
    'kubectl exec pod/x -- sh -c "tail -f /var/log/x"',
    'kubectl exec -c app pod/x -- cat /etc/hosts',
    'kubectl exec -q pod/x -- date',
    'kubectl exec --stdin=false --tty=false pod/x -- date',
    'kubectl run tmp --image=curl --restart=Never --rm --attach -- curl -s http://x',
    'kubectl debug pod/x --image=busybox --target=app -- ps',
    'kubectl rollout status deployment/x -w',
    'kubectl rollout status deployment/x --watch',
    'kubectl wait --for=condition=ready pod/x --timeout=60s',
    'kubectl top pods',
    'kubectl describe pod x',
    'kubectl apply -f x.yaml',
    'kubectl apply view-last-applied deployment/x',
    'kubectl create deployment x --image=y',
    'kubectl patch deployment x -p {}',
    'kubectl scale deployment/x --replicas=3',
    'kubectl -n edit get pods',
    'kubectl --context attach get pods',
    'kubectl cp pod/x:/tmp/a a',
    'kubectl',
    'kubectl -n payments',
  ])('%s can run in a step', (line) => {
    expect(interactiveKubectl(argv(line))).toBeUndefined();
  });
});
