import { describe, expect, it } from 'vitest';
import { importRunbook } from '../../src/import/index.js';
import { parseRunbook } from '../../src/parse/index.js';
import { splitConsole } from '../../src/import/console.js';
import { commandIdBase, IdAllocator, promqlIdBase } from '../../src/import/ids.js';
import { commandPlaceholders, definedVariables, escapeExistingPlaceholders, kubectlSlots, paramNameFor } from '../../src/import/placeholders.js';
import { looksLikePromql, promqlPlaceholders, promqlShape, promqlTemplateHits, withStandIns } from '../../src/import/promql.js';

describe('looksLikePromql', () => {
  it.each([
    ['rate(http_requests_total{job="api"}[5m])', true],
    ['job:rate5m', true],
    ['node_filesystem_free_bytes', true],
    ['sum by (ns) (x{a="<value of a>"})', true],
    ['true', false],
    ['NAME', false],
    ['vector(1)', false],
    ['expr: rate(x[5m]) > 0', false],
    ['kubectl get pods', false],
    ['- alertname = KubeNodeNotReady\n...', false],
    ['', false],
  ])('%j → %s', (text, expected) => {
    expect(looksLikePromql(text)).toBe(expected);
  });
});

describe('promqlPlaceholders', () => {
  it('finds placeholders only inside label-matcher strings, named after the variable or the label', () => {
    const text = 'x{namespace="$NAMESPACE", instance="<value of instance label>", pod=~"${POD}.*"} / $NOT';
    const hits = promqlPlaceholders(text);
    expect(hits.map((h) => [h.raw, h.name, text.slice(h.start, h.end)])).toEqual([
      ['$NAMESPACE', 'namespace', '$NAMESPACE'],
      ['<value of instance label>', 'instance', '<value of instance label>'],
      ['${POD}', 'pod', '${POD}'],
    ]);
  });

  it('reports recording-rule names as metrics', () => {
    expect(promqlShape('sum(job:rate5m) / ignoring(x) instance:cpu:ratio').metrics).toEqual(['job:rate5m', 'instance:cpu:ratio']);
  });
});

describe('paramNameFor', () => {
  it.each([
    ['$NAMESPACE', undefined, 'namespace'],
    ['${POD_NAME}', undefined, 'pod_name'],
    ['<namespace>', undefined, 'namespace'],
    ['<my-pvc>', undefined, 'pvc'],
    ['<name_of_pod>', undefined, 'pod'],
    ['<value of instance label from alert>', undefined, 'instance'],
    ['<value of something>', 'mountpoint', 'mountpoint'],
    ['$HOME', undefined, undefined],
  ])('%s (label %s) → %s', (raw, label, expected) => {
    expect(paramNameFor(raw, label)).toBe(expected);
  });
});

describe('commandPlaceholders', () => {
  it('skips $VARS inside single quotes (awk, go templates) but not inside double quotes', () => {
    const text = `kubectl get po -n $NS "node/$NODE" | awk '{ print $2 $X }'`;
    expect(commandPlaceholders(text).map((h) => h.raw)).toEqual(['$NS', '$NODE']);
  });
});

describe('commandPlaceholders with the fence\'s own variables', () => {
  it('lower- and mixed-case variables the fence never sets are placeholders; loop, read and inline ones are the script\'s', () => {
    const defined = definedVariables('for node in $(kubectl get nodes -o name); do kubectl cordon "$node"; done\nread -r zone rest\nout=$(date)');
    expect([...defined].sort()).toEqual(['node', 'out', 'rest', 'zone']);
    const text = 'kubectl -n ${namespace} delete pod $GrafanaPodName "$node" $zone $out $i';
    expect(commandPlaceholders(text, defined).map((h) => `${h.raw}→${h.name}`)).toEqual(['${namespace}→namespace', '$GrafanaPodName→grafana_pod_name']);
    // Without the fence's variables (as before): only upper case.
    expect(commandPlaceholders(text).map((h) => h.raw)).toEqual([]);
  });

  it('leaves `$x` inside an existing go-template alone', () => {
    const text = escapeExistingPlaceholders('kubectl get pods -o go-template="{{range $i, $p := .items}}{{$p.metadata.name}}{{end}}" -n $ns');
    expect(commandPlaceholders(text, new Set()).map((h) => h.raw)).toEqual(['$ns']);
  });
});

describe('promqlTemplateHits', () => {
  it('finds Grafana variables, `<target>` and `$VAR` outside strings and comments, and the stand-ins parse', () => {
    const text = 'sum(rate(x_total{namespace="<namespace>"}[$__rate_interval])) / (<target> * 0.9) # not <this>';
    const hits = promqlTemplateHits(text);
    expect(hits.map((h) => `${h.raw}→${h.name}${h.default ? `=${h.default}` : ''}`)).toEqual(['$__rate_interval→rate_interval=5m', '<target>→target']);
    expect(withStandIns(text, hits)).toBe('sum(rate(x_total{namespace="<namespace>"}[5m])) / (1 * 0.9) # not <this>');
    expect(looksLikePromql(withStandIns(text, hits))).toBe(true);
  });
});

describe('kubectlSlots', () => {
  it.each([
    ['kubectl get pod POD -n NAMESPACE', ['pod: Name of the pod', 'namespace: Namespace of the pod']],
    ['kubectl logs POD -c CONTAINER', ['pod: Name of the pod', 'container: Container in the pod']],
    ['kubectl get pods -l app=APP,tier!=TIER', ['app: Value of the `app` label', 'tier: Value of the `tier` label']],
    ['kubectl describe node/NODE', ['node: Name of the node']],
    ['kubectl get pods -o json', []],
    ['oc -n NS get svc SERVICE', ['ns: Namespace of the service', 'service: Name of the service']],
    // Not a slot: a word in a flag value kubectl has no slot for.
    ['kubectl get pods --sort-by CREATED', []],
  ])('%s', (text, expected) => {
    expect(kubectlSlots(text).hits.map((h) => `${h.name}: ${h.description}`).sort()).toEqual([...expected].sort());
  });
});

describe('splitConsole', () => {
  it('with prompts: prompted lines are commands, the rest output; `# cmd` is a root prompt only for a known program', () => {
    const pieces = splitConsole('$ kubectl get pods\nNAME READY\n# TODO: more\n# kubectl get svc\n');
    expect(pieces.map((p) => (p.type === 'command' ? `cmd ${p.text}` : `other ${p.raw.join('|')}`))).toEqual([
      'cmd kubectl get pods',
      'other NAME READY|# TODO: more',
      'cmd kubectl get svc',
      'other ',
    ]);
  });

  it('without prompts: known programs and assignments are commands; continuations and heredocs stay with them', () => {
    const pieces = splitConsole("NS=prod\nkubectl get pods \\\n  -n $NS\n\nNAME READY\ncat <<EOF\nline\nEOF");
    expect(pieces.filter((p) => p.type === 'command').map((p) => p.type === 'command' && p.text)).toEqual([
      'NS=prod',
      'kubectl get pods \\\n  -n $NS',
      'cat <<EOF\nline\nEOF',
    ]);
  });

  it.each([
    ['user@host:~$ kubectl get nodes\nNAME STATUS', 'kubectl get nodes'],
    ['root@db-01.internal:/var/log/gitlab# gitlab-ctl status\nrun: x', 'gitlab-ctl status'],
    ['[root@node-1 ~]# systemctl status kubelet\nactive', 'systemctl status kubelet'],
    ['> kubectl get servicemonitor -n x\nNAME AGE\npr-1 3d', 'kubectl get servicemonitor -n x'],
  ])('drops the prompt of %j, the rest is output', (text, command) => {
    const pieces = splitConsole(text);
    expect(pieces.filter((p) => p.type === 'command').map((p) => p.type === 'command' && p.text)).toEqual([command]);
    expect(pieces.filter((p) => p.type === 'other').length).toBe(1);
  });

  it('`> ` before something that is not a known program is not a prompt', () => {
    expect(splitConsole('> Note: this is quoted\nmore').filter((p) => p.type === 'command')).toEqual([]);
  });
});

describe('ids', () => {
  it.each([
    ['kubectl get pods', 'get-pods'],
    ['kubectl -n {{namespace}} describe pod {{pod}}', 'describe-pod'],
    ['kubectl rollout restart deployment/gateway -n x', 'rollout-restart-deployment-gateway'],
    ['oc -n {{namespace}} logs -l app=x', 'oc-logs'],
    ['etcdctl endpoint status -w table', 'etcdctl-endpoint-status'],
    ['kubectl get events | grep x', 'get-events'],
    ['journalctl -b -f -u kubelet.service', 'journalctl'],
  ])('%s → %s', (command, expected) => {
    expect(commandIdBase(command)).toBe(expected);
  });

  it('PromQL ids come from the first metric; duplicates are numbered and reserved ids skipped', () => {
    const ids = new IdAllocator(['up']);
    expect(ids.next(promqlIdBase(['up']))).toBe('up-2');
    expect(ids.next(promqlIdBase(['job:rate5m']))).toBe('job-rate5m');
    expect(ids.next(promqlIdBase(['job:rate5m']))).toBe('job-rate5m-2');
    expect(ids.next('2xx')).toBe('step-2xx');
  });
});

describe('commands under a mitigation heading', () => {
  const source = [
    '# Node down',
    '',
    '## Investigation',
    '',
    '```shell',
    'systemctl restart kubelet',
    '```',
    '',
    'Mitigation',
    '----------',
    '',
    '1. Check it:',
    '   ```shell',
    '   systemctl status kubelet',
    '   ```',
    '2. Restart it:',
    '   ```shell',
    '   sudo systemctl restart kubelet',
    '   ```',
    '3. Look at the pods:',
    '   ```shell',
    '   kubectl get pods -n kube-system | grep kubelet',
    '   ```',
    '',
    '### Fix the config',
    '',
    '```shell',
    'cat /etc/kubernetes/kubelet.conf | tee /tmp/backup',
    '```',
    '',
    '## Prevention',
    '',
    '```shell',
    '$ gitlab-ctl reconfigure',
    '```',
    '',
  ].join('\n');

  it('become gated mitigations unless they plainly only read (setext and nested headings count, the next section ends it)', () => {
    const { output, report } = importRunbook(source, { path: 'node.md' });
    expect(report.steps.map((s) => `${s.kind}${s.action ? `(${s.action})` : ''} ${s.section ?? '-'} @${s.line}`)).toEqual([
      'sh - @6',
      'sh - @14',
      'mitigate(sh) Mitigation @18',
      'sh - @22',
      'mitigate(sh) Fix the config @28',
      'sh - @34',
    ]);
    const { file } = parseRunbook(output, { path: 'node.md' });
    expect(file.messages.filter((m) => m.fatal)).toEqual([]);
    expect(importRunbook(output, { path: 'node.md' }).output).toBe(output);
  });
});

describe('a mitigation right after a paragraph line', () => {
  it('takes the short form (a fence interrupts a paragraph, a `:::` line would continue it)', () => {
    const source = '# Pods\n\n## Mitigation\n\nDelete the stuck pod:\n```shell\nkubectl -n payments delete pod gw-1\n```\nThen wait.\n';
    const { output, report } = importRunbook(source, { path: 'p.md' });
    expect(output).toContain('Delete the stuck pod:\n```mitigate {#delete-pod-gw-1 run=kubectl}\nkubectl -n payments delete pod gw-1\n```\nThen wait.');
    const { runbook } = parseRunbook(output, { path: 'p.md' });
    expect(runbook.steps.map((s) => [s.id, s.kind, s.mitigation?.actions[0]?.kind])).toEqual([['delete-pod-gw-1', 'mitigate', 'kubectl']]);
    expect(report.steps.map((s) => s.kind)).toEqual(['mitigate']);
  });
});
