import dangerousCommand from '../../../src/lint/rules/dangerous-command.js';
import kubectlInteractive from '../../../src/lint/rules/kubectl-interactive.js';
import kubectlMutatingOutsideGate from '../../../src/lint/rules/kubectl-mutating-outside-gate.js';
import kubectlNamespace from '../../../src/lint/rules/kubectl-namespace.js';
import kubectlUnsupportedShell from '../../../src/lint/rules/kubectl-unsupported-shell.js';
import { md, ruleTester } from '../rule-tester.js';

const kubectl = (command: string, attributes = '{#s}') => md('# T', '', `\`\`\`kubectl ${attributes}`, command, '```');
const sh = (script: string) => md('# T', '', '```sh {#s}', script, '```');
const mitigate = (...commands: string[]) =>
  md('# T', '', ':::mitigate{#m}', ...commands.flatMap((command) => ['```kubectl', command, '```']), ':::');

ruleTester(kubectlMutatingOutsideGate, {
  valid: [
    kubectl('kubectl -n payments get pods'),
    kubectl('kubectl rollout status deployment/x'),
    kubectl('kubectl --context prod -n p logs deploy/x'),
    mitigate('kubectl -n p rollout restart deployment/x'),
    md('# T', '', '```check {#c run=kubectl}', 'kubectl get pods', '```'),
  ],
  invalid: [
    { code: kubectl('kubectl -n payments delete pod x'), errors: [{ messageId: 'mutating', line: 4, column: 21, endColumn: 27 }] },
    { code: kubectl('kubectl rollout restart deployment/x'), errors: [{ messageId: 'mutating', line: 4, column: 9 }] },
    { code: kubectl('scale deploy/x --replicas=2'), errors: [{ messageId: 'mutating', line: 4, column: 1 }] },
    { code: md('# T', '', '```check {#c run=kubectl}', 'kubectl apply -f x.yaml', '```'), errors: [{ messageId: 'mutating', line: 4, column: 9 }] },
    { code: kubectl('kubectl --context x'), errors: [{ messageId: 'noVerb', line: 4, column: 1 }] },
  ],
});

ruleTester(kubectlUnsupportedShell, {
  valid: [kubectl('kubectl get pods -o jsonpath=\'{.items[*].metadata.name}\''), kubectl('kubectl get pods \\\n  -n payments')],
  invalid: [
    { code: kubectl('kubectl get pods | grep x'), errors: [{ messageId: 'shell', line: 4, column: 18, endColumn: 19 }] },
    { code: kubectl('kubectl get pods > out.txt'), errors: [{ messageId: 'shell', line: 4, column: 18 }] },
    { code: kubectl('kubectl logs $(kubectl get pod -o name)'), errors: [{ messageId: 'shell', line: 4, column: 14, endColumn: 16 }, { messageId: 'shell', line: 4, column: 39 }] },
    { code: mitigate('kubectl delete pod x && kubectl get pods'), errors: [{ messageId: 'shell', line: 5, column: 22, endColumn: 24 }] },
  ],
});

ruleTester(kubectlNamespace, {
  valid: [
    kubectl('kubectl -n payments get pods'),
    kubectl('kubectl get pods --namespace=payments'),
    kubectl('kubectl get pods -A'),
    kubectl('kubectl get nodes'),
    kubectl('kubectl get pods', '{#s namespace=payments}'),
    kubectl('kubectl version'),
    kubectl('kubectl apply -f x.yaml'),
    md('---', 'title: T', 'namespace: payments', '---', '', '```kubectl {#s}', 'kubectl get pods', '```'),
    md('---', 'title: T', 'params:', '  namespace: {}', '---', '', '```kubectl {#s}', 'kubectl get pods -n {{namespace}}', '```'),
  ],
  invalid: [
    { code: kubectl('kubectl get pods'), errors: [{ messageId: 'missing', line: 4, column: 9, endColumn: 12 }] },
    { code: kubectl('kubectl logs deploy/x'), errors: [{ messageId: 'missing', line: 4, column: 9 }] },
    { code: kubectl('kubectl rollout status deployment/x'), errors: [{ messageId: 'missing', line: 4, column: 9 }] },
    { code: mitigate('kubectl delete pod x'), errors: [{ messageId: 'missing', line: 5, column: 9 }] },
  ],
});

ruleTester(dangerousCommand, {
  valid: [
    mitigate('kubectl -n p delete pod x'),
    mitigate('kubectl drain node-1 --ignore-daemonsets'),
    mitigate('kubectl -n p scale deployment/x --replicas=0'),
    sh('rm -rf /tmp/work'),
    sh('echo rm -rf /'),
    { code: mitigate('kubectl delete namespace old'), options: { allow: ['delete-namespace'] } },
  ],
  invalid: [
    { code: mitigate('kubectl delete namespace payments'), errors: [{ messageId: 'deleteNamespace', line: 5, column: 16, endColumn: 25 }] },
    { code: mitigate('kubectl delete ns/payments'), errors: [{ messageId: 'deleteNamespace', line: 5, column: 16 }] },
    { code: mitigate('kubectl -n p delete pods --all'), errors: [{ messageId: 'deleteAll', line: 5, column: 26, endColumn: 31 }] },
    { code: mitigate('kubectl delete crd foos.example.com'), errors: [{ messageId: 'deleteCrd', line: 5, column: 16 }] },
    { code: mitigate('kubectl drain node-1'), errors: [{ messageId: 'drain', line: 5, column: 9 }] },
    { code: mitigate('kubectl -n p scale deployment --all --replicas=0'), errors: [{ messageId: 'scaleToZero', line: 5, column: 31 }] },
    { code: sh('cd /tmp\nrm -rf /'), errors: [{ messageId: 'rmRoot', line: 5, column: 8, endColumn: 9 }] },
    { code: sh('sudo rm -r -f /*'), errors: [{ messageId: 'rmRoot', line: 4, column: 15 }] },
    { code: sh('kubectl get ns && kubectl delete ns x'), errors: [{ messageId: 'deleteNamespace', line: 4, column: 34 }] },
    { code: kubectl('kubectl delete pods --all-namespaces -l a=b'), errors: [{ messageId: 'deleteAll', line: 4, column: 21 }] },
  ],
});

ruleTester(kubectlInteractive, {
  valid: [
    kubectl('kubectl -n payments logs deploy/x --tail=100'),
    kubectl('kubectl get pods --watch=false'),
    kubectl('kubectl -n p rollout status deployment/x -w'),
    kubectl('kubectl get pods -owide'),
    mitigate('kubectl -n p patch deployment x -p {}'),
    mitigate('kubectl exec deploy/x -- sh -c "tail -f /tmp/x"'),
    md('# T', '', '```check {#c run=kubectl}', 'kubectl get pods', '```'),
    // An `sh` body is a shell script: the rule only reads kubectl commands.
    sh('kubectl logs -f deploy/x --request-timeout=5s || true'),
  ],
  invalid: [
    { code: mitigate('kubectl edit cm -n kube-system kube-proxy-config'), errors: [{ messageId: 'interactive', line: 5, column: 9, endColumn: 13 }] },
    { code: kubectl('kubectl -n payments logs -f deploy/x'), errors: [{ messageId: 'interactive', line: 4, column: 26, endColumn: 28 }] },
    { code: kubectl('kubectl logs deploy/x --follow'), errors: [{ messageId: 'interactive', line: 4, column: 23, endColumn: 31 }] },
    { code: kubectl('kubectl get pods \\\n  -l app=x -w'), errors: [{ messageId: 'interactive', line: 5, column: 12, endColumn: 14 }] },
    { code: kubectl('get pods --watch-only'), errors: [{ messageId: 'interactive', line: 4, column: 10 }] },
    { code: mitigate('kubectl exec -it deploy/x -- sh'), errors: [{ messageId: 'interactive', line: 5, column: 14, endColumn: 17 }] },
    { code: mitigate('kubectl run tmp --image=busybox -it --rm -- sh'), errors: [{ messageId: 'interactive', line: 5, column: 33 }] },
    { code: mitigate('kubectl debug pod/x -it --image=busybox'), errors: [{ messageId: 'interactive', line: 5, column: 21 }] },
    { code: md('# T', '', '```check {#c run=kubectl}', 'kubectl port-forward svc/x 8080:80', '```'), errors: [{ messageId: 'interactive', line: 4, column: 9, endColumn: 21 }] },
    { code: kubectl('kubectl --context prod proxy'), errors: [{ messageId: 'interactive', line: 4, column: 24 }] },
    { code: kubectl('kubectl attach pod/x'), errors: [{ messageId: 'interactive', line: 4, column: 9 }] },
    { code: mitigate('kubectl apply edit-last-applied deployment/x'), errors: [{ messageId: 'interactive', line: 5, column: 15 }] },
    {
      name: 'an action and its rollback',
      code: md('# T', '', ':::mitigate{#m}', '```kubectl', 'kubectl edit deployment/x', '```', '```kubectl {rollback}', 'kubectl logs -f deploy/x', '```', ':::'),
      errors: [
        { messageId: 'interactive', line: 5, column: 9 },
        { messageId: 'interactive', line: 8, column: 14 },
      ],
    },
  ],
});
