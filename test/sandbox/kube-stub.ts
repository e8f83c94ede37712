/**
 * A loopback HTTP stub of the Kubernetes API, just big enough for the real kubectl 1.32 to get, describe,
 * log, restart and scale the `payments` namespace of the incident. Every request is recorded so tests
 * can prove what kubectl did (or did not) change.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { CONTAINER, DEPLOYMENT, NAMESPACE, NEW_POD, OLD_POD, seededRandom } from './scenario.js';

/** Loose JSON object: Kubernetes objects are open-ended and kubectl only reads what it knows. */
export type JsonObject = Record<string, unknown>;

/** Metadata every stored object carries. */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion: string;
  creationTimestamp: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: JsonObject[];
  [key: string]: unknown;
}

/** A stored Kubernetes object. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

/** One request as the stub received it. */
export interface RecordedRequest {
  /** HTTP method. */
  method: string;
  /** Path without the query string. */
  path: string;
  /** Query parameters (last value wins). */
  query: Record<string, string>;
  /** Parsed JSON body, the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  /** Content-Type header, e.g. `application/strategic-merge-patch+json`. */
  contentType: string | undefined;
  /** Status code the stub answered with. */
  status: number;
  /** When it arrived (from the injected clock). */
  at: Date;
}

/** Details passed to `onGatewayRestart`. */
export interface GatewayRestartInfo {
  /** What triggered it. */
  cause: 'rollout-restart' | 'template-change' | 'scale' | 'pod-delete';
  /** Names of the fresh gateway pods. */
  pods: string[];
}

/** Options of {@link startKubeStub}. */
export interface KubeStubOptions {
  /** Called after the payment-gateway pods were replaced (restart, scale or pod delete). */
  onGatewayRestart?: (info: GatewayRestartInfo) => void | Promise<void>;
  /** Injected clock; object ages and log timestamps are relative to its value at start. */
  now?: () => Date;
  /** Bearer token kubectl must present. */
  token?: string;
  /** Secrets of the namespace: name → plain-text data (served base64-encoded, as the API does). */
  secrets?: Record<string, Record<string, string>>;
  /** Milliseconds each namespaced request waits before it is answered (a remote cluster's latency); default 0. */
  latencyMs?: number;
}

/** A running stub. */
export interface KubeStub {
  /** Base URL, e.g. `http://127.0.0.1:41235`. */
  url: string;
  /** Port it listens on. */
  port: number;
  /** Context name in the kubeconfig. */
  context: 'sandbox';
  /** Default namespace of the context. */
  namespace: typeof NAMESPACE;
  /** Path of the generated kubeconfig. */
  kubeconfigPath: string;
  /** Per-run HOME (kubectl caches discovery under ~/.kube/cache). */
  homeDir: string;
  /** Environment for the real kubectl. */
  env: { KUBECONFIG: string; HOME: string };
  /** Every request so far, in arrival order (a copy). */
  requests(): RecordedRequest[];
  /**
   * Requests that could change state: every method but GET/HEAD/OPTIONS. Access reviews
   * (`kubectl auth can-i`) are POSTs that change nothing, so they are left out.
   */
  mutations(): RecordedRequest[];
  /** Forget the recorded requests. */
  clearRequests(): void;
  /** Most namespaced requests that were being answered at the same moment, so far. */
  peakInFlight(): number;
  /** Current pods of the namespace (copies). */
  pods(): KubeObject[];
  /** Current state of a deployment (a copy), if it exists. */
  deployment(name?: string): KubeObject | undefined;
  /** Stop listening, drop open connections and remove the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** Kubernetes version the stub reports. */
export const STUB_SERVER_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.4' } as const;

const NODE = 'ip-10-0-3-17.eu-west-1.compute.internal';
const GATEWAY_HASH = '7d9f8b6c5d';
const GATEWAY_IMAGE = 'registry.example.com/payments/gateway:2.14.1';
// Names of successive replacement pods: the first matches the scenario's post-restart pod.
const REPLACEMENT_SUFFIXES = [NEW_POD.slice(-5), 'q5v7w', 'z9c4h', 'm3k8t', 'h6j2d', 'w4p9s', 'b7n5x', 'c2r8l'];

const clone = <T>(v: T): T => structuredClone(v);

// ---------------------------------------------------------------------------------------------
// Selectors

type Requirement = { key: string; op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!'; values: string[] };

/** Parse a label selector (`a=b,c!=d,e in (x,y),f,!g`); throws on syntax kubectl would reject anyway. */
export function parseLabelSelector(selector: string): Requirement[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  const out: Requirement[] = [];
  for (const raw of parts.map((p) => p.trim()).filter(Boolean)) {
    let m: RegExpMatchArray | null;
    if ((m = raw.match(/^([^\s!=]+)\s+(in|notin)\s+\((.*)\)$/))) {
      out.push({ key: m[1] ?? '', op: m[2] as 'in' | 'notin', values: (m[3] ?? '').split(',').map((v) => v.trim()) });
    } else if ((m = raw.match(/^([^\s!=]+)\s*(!=|==|=)\s*(.*)$/))) {
      out.push({ key: m[1] ?? '', op: m[2] === '!=' ? '!=' : '=', values: [(m[3] ?? '').trim()] });
    } else if ((m = raw.match(/^!\s*(\S+)$/))) {
      out.push({ key: m[1] ?? '', op: '!', values: [] });
    } else if (/^\S+$/.test(raw)) {
      out.push({ key: raw, op: 'exists', values: [] });
    } else {
      throw new Error(`unable to parse requirement: ${raw}`);
    }
  }
  return out;
}

function matches(reqs: Requirement[], get: (key: string) => string | undefined): boolean {
  return reqs.every(({ key, op, values }) => {
    const v = get(key);
    switch (op) {
      case '=':
        return v === values[0];
      case '!=':
        return v !== values[0];
      case 'in':
        return v !== undefined && values.includes(v);
      case 'notin':
        return v === undefined || !values.includes(v);
      case 'exists':
        return v !== undefined;
      case '!':
        return v === undefined;
    }
  });
}

function fieldValue(obj: unknown, path: string): string | undefined {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as JsonObject)[part];
  }
  return cur === undefined || cur === null ? undefined : String(cur);
}

function filterObjects(items: KubeObject[], query: Record<string, string>): KubeObject[] {
  const labels = query.labelSelector ? parseLabelSelector(query.labelSelector) : [];
  const fields = query.fieldSelector ? parseLabelSelector(query.fieldSelector) : [];
  return items.filter(
    (o) =>
      matches(labels, (k) => o.metadata.labels?.[k]) &&
      // A field selector compares against the value or "" when absent, as the API server does.
      matches(fields, (k) => fieldValue(o, k) ?? ''),
  );
}

// ---------------------------------------------------------------------------------------------
// Strategic merge (the subset kubectl sends: maps merge, `null` deletes, named lists merge by name)

function isObj(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Apply a JSON merge patch; with `strategic`, lists of named objects merge by `name`. */
export function mergePatch(target: unknown, patch: unknown, strategic: boolean): unknown {
  if (!isObj(patch)) {
    if (strategic && Array.isArray(patch) && Array.isArray(target) && patch.every((p) => isObj(p) && typeof p.name === 'string')) {
      const out = clone(target) as unknown[];
      for (const p of patch as JsonObject[]) {
        const i = out.findIndex((t) => isObj(t) && t.name === p.name);
        if (p.$patch === 'delete') {
          if (i >= 0) out.splice(i, 1);
        } else if (i >= 0) out[i] = mergePatch(out[i], p, true);
        else out.push(mergePatch({}, p, true));
      }
      return out;
    }
    return clone(patch);
  }
  const out: JsonObject = isObj(target) ? clone(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    // `$setElementOrder/…`, `$retainKeys` and friends only reorder/prune; the stub can ignore them.
    if (k.startsWith('$')) continue;
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v, strategic);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Human-friendly ages, as kubectl prints them (k8s.io/apimachinery/pkg/util/duration.HumanDuration)

/** Render a duration like kubectl's AGE column (`45s`, `6m12s`, `3h`, `2d`). */
export function humanDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 24 * 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

// ---------------------------------------------------------------------------------------------
// The cluster state

interface Log {
  current: string[];
  previous: string[];
}

class Cluster {
  readonly base: number;
  private rv = 1000;
  private replacement = 0;
  readonly namespaces: KubeObject[] = [];
  pods: KubeObject[] = [];
  readonly deployments: KubeObject[] = [];
  readonly replicaSets: KubeObject[] = [];
  readonly events: KubeObject[] = [];
  readonly logs = new Map<string, Log>();

  constructor(private readonly now: () => Date) {
    this.base = now().getTime();
    this.seed();
  }

  ts(offsetMs: number): string {
    return new Date(this.base + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  nowIso(): string {
    return this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  nextRv(): string {
    return String(++this.rv);
  }

  meta(name: string, ageMs: number, extra: Partial<ObjectMeta> = {}): ObjectMeta {
    return {
      name,
      namespace: NAMESPACE,
      uid: randomUUID(),
      resourceVersion: this.nextRv(),
      creationTimestamp: this.ts(-ageMs),
      ...extra,
    };
  }

  private seed(): void {
    const H = 3_600_000;
    const M = 60_000;
    this.namespaces.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { ...this.meta(NAMESPACE, 90 * 24 * H), namespace: undefined, labels: { 'kubernetes.io/metadata.name': NAMESPACE } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });

    const gw = this.deploymentObject(DEPLOYMENT, 1, GATEWAY_HASH, GATEWAY_IMAGE, '2Gi', 41 * 24 * H);
    this.deployments.push(gw, this.deploymentObject('checkout', 2, '5c8d7f9b4', 'registry.example.com/payments/checkout:5.3.0', '512Mi', 12 * 24 * H), this.deploymentObject('payment', 1, '6f4b8c7d9', 'registry.example.com/payments/payment:3.8.2', '512Mi', 20 * 24 * H));
    for (const d of this.deployments) this.replicaSets.push(this.replicaSetFor(d));

    // The leaking gateway pod: OOM-killed three times, now in back-off.
    const gwPod = this.podObject(OLD_POD, DEPLOYMENT, GATEWAY_HASH, GATEWAY_IMAGE, '2Gi', 2 * 24 * H);
    const status = gwPod.status as JsonObject;
    status.conditions = this.conditions(false, 2 * 24 * H);
    status.containerStatuses = [
      {
        name: CONTAINER,
        image: GATEWAY_IMAGE,
        imageID: `${GATEWAY_IMAGE.split(':')[0]}@sha256:3f1c9b7e2a4d8f6e0b5c7a9d1e3f5b7c9d0e2f4a6b8c0d2e4f6a8b0c2d4e6f80`,
        containerID: 'containerd://9b1f0c7e55d2a4c8e1f3b6d9a2c5e8f1b4d7a0c3e6f9b2d5a8c1e4f7b0d3a6c9',
        ready: false,
        started: false,
        restartCount: 3,
        state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 40s restarting failed container=${CONTAINER} pod=${OLD_POD}_${NAMESPACE}(${gwPod.metadata.uid})` } },
        lastState: {
          terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: this.ts(-3 * M), finishedAt: this.ts(-70_000), containerID: 'containerd://4e2a7c1b9d3f5e8a0c6b2d4f7e9a1c3b5d8f0e2a4c6b9d1f3e5a7c0b2d4f6e8a' },
        },
      },
    ];
    this.pods.push(gwPod);
    this.pods.push(this.readyPod('checkout-5c8d7f9b4-hq7xz', 'checkout', '5c8d7f9b4', 'registry.example.com/payments/checkout:5.3.0', 12 * 24 * H));
    this.pods.push(this.readyPod('checkout-5c8d7f9b4-m2wfl', 'checkout', '5c8d7f9b4', 'registry.example.com/payments/checkout:5.3.0', 12 * 24 * H));
    this.pods.push(this.readyPod('payment-6f4b8c7d9-tk3vn', 'payment', '6f4b8c7d9', 'registry.example.com/payments/payment:3.8.2', 20 * 24 * H));

    const podRef = (p: KubeObject, fieldPath?: string): JsonObject => ({
      kind: 'Pod',
      namespace: NAMESPACE,
      name: p.metadata.name,
      uid: p.metadata.uid,
      apiVersion: 'v1',
      resourceVersion: p.metadata.resourceVersion,
      ...(fieldPath ? { fieldPath } : {}),
    });
    const spec = `spec.containers{${CONTAINER}}`;
    this.addEvent(podRef(gwPod, spec), 'Warning', 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', 14, 24 * M, 5 * M);
    this.addEvent(podRef(gwPod, spec), 'Warning', 'OOMKilled', `Container ${CONTAINER} was OOMKilled: memory limit 2Gi exceeded (exit code 137)`, 3, 14 * M, 70_000);
    this.addEvent(podRef(gwPod, spec), 'Normal', 'Pulled', `Container image "${GATEWAY_IMAGE}" already present on machine`, 4, 2 * 24 * H, 3 * M);
    this.addEvent(podRef(gwPod, spec), 'Normal', 'Created', `Created container ${CONTAINER}`, 4, 2 * 24 * H, 3 * M);
    this.addEvent(podRef(gwPod, spec), 'Normal', 'Started', `Started container ${CONTAINER}`, 4, 2 * 24 * H, 3 * M);
    this.addEvent(podRef(gwPod, spec), 'Warning', 'BackOff', `Back-off restarting failed container ${CONTAINER} in pod ${OLD_POD}_${NAMESPACE}(${gwPod.metadata.uid})`, 9, 13 * M, 20_000);
    const checkout = this.pods[1];
    if (checkout) {
      this.addEvent(podRef(checkout, 'spec.containers{checkout}'), 'Warning', 'Unhealthy', 'Readiness probe failed: Get "http://10.42.1.23:8080/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)', 6, 12 * M, 2 * M);
    }

    this.logs.set(OLD_POD, gatewayLogs(this.base, 7));
    this.logs.set('checkout-5c8d7f9b4-hq7xz', checkoutLogs(this.base, 11, 'checkout-5c8d7f9b4-hq7xz'));
    this.logs.set('checkout-5c8d7f9b4-m2wfl', checkoutLogs(this.base, 13, 'checkout-5c8d7f9b4-m2wfl'));
    this.logs.set('payment-6f4b8c7d9-tk3vn', paymentLogs(this.base, 17));
  }

  addEvent(involved: JsonObject, type: 'Normal' | 'Warning', reason: string, message: string, count: number, firstAgoMs: number, lastAgoMs: number): void {
    // Real event names are `<object>.<hex>`; a counter keeps them unique and deterministic.
    const name = `${String(involved.name)}.187a3c5e9b${this.events.length.toString(16).padStart(6, '0')}`;
    const first = firstAgoMs >= 0 ? this.ts(-firstAgoMs) : this.nowIso();
    const last = lastAgoMs >= 0 ? this.ts(-lastAgoMs) : this.nowIso();
    const deploymentSource = involved.kind === 'Deployment';
    this.events.push({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { ...this.meta(name, 0), creationTimestamp: first },
      involvedObject: involved,
      reason,
      message,
      source: deploymentSource ? { component: 'deployment-controller' } : { component: 'kubelet', host: NODE },
      firstTimestamp: first,
      lastTimestamp: last,
      count,
      type,
      eventTime: null,
      reportingComponent: deploymentSource ? 'deployment-controller' : 'kubelet',
      reportingInstance: deploymentSource ? '' : NODE,
    });
  }

  private deploymentObject(name: string, replicas: number, hash: string, image: string, memory: string, ageMs: number): KubeObject {
    const ready = name !== DEPLOYMENT;
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        ...this.meta(name, ageMs),
        generation: 3,
        labels: { app: name, 'app.kubernetes.io/part-of': 'payments' },
        annotations: { 'deployment.kubernetes.io/revision': '3' },
      },
      spec: {
        replicas,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name }, annotations: {} },
          spec: { containers: [this.container(name === DEPLOYMENT ? CONTAINER : name, image, memory)], restartPolicy: 'Always', terminationGracePeriodSeconds: 30 },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      status: this.deploymentStatus(replicas, ready ? replicas : 0, 3),
      [HASH]: hash,
    };
  }

  deploymentStatus(replicas: number, ready: number, generation: number): JsonObject {
    const t = this.ts(-60_000);
    return {
      observedGeneration: generation,
      replicas,
      updatedReplicas: replicas,
      ...(ready > 0 ? { readyReplicas: ready, availableReplicas: ready } : {}),
      ...(replicas - ready > 0 ? { unavailableReplicas: replicas - ready } : {}),
      conditions: [
        ready >= replicas
          ? { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.', lastUpdateTime: t, lastTransitionTime: t }
          : { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.', lastUpdateTime: t, lastTransitionTime: t },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet has successfully progressed.`, lastUpdateTime: t, lastTransitionTime: t },
      ],
    };
  }

  private replicaSetFor(d: KubeObject): KubeObject {
    const spec = d.spec as JsonObject;
    const hash = String(d[HASH]);
    const name = `${d.metadata.name}-${hash}`;
    const replicas = Number(spec.replicas);
    const ready = Number((d.status as JsonObject).readyReplicas ?? 0);
    return {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        ...this.meta(name, Date.parse(String(d.metadata.creationTimestamp)) > 0 ? this.base - Date.parse(d.metadata.creationTimestamp) : 0),
        labels: { app: d.metadata.name, 'pod-template-hash': hash },
        annotations: { 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/desired-replicas': String(replicas) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: { replicas, selector: { matchLabels: { app: d.metadata.name, 'pod-template-hash': hash } }, template: spec.template },
      status: { replicas, fullyLabeledReplicas: replicas, readyReplicas: ready, availableReplicas: ready, observedGeneration: 3 },
    };
  }

  private container(name: string, image: string, memory: string): JsonObject {
    return {
      name,
      image,
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
      resources: { limits: { cpu: '1', memory }, requests: { cpu: '250m', memory: memory === '2Gi' ? '1Gi' : '256Mi' } },
      readinessProbe: { httpGet: { path: '/ready', port: 8080, scheme: 'HTTP' }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      imagePullPolicy: 'IfNotPresent',
    };
  }

  private conditions(ready: boolean, ageMs: number): JsonObject[] {
    const t = this.ts(-ageMs);
    const r = ready ? 'True' : 'False';
    const changed = ready ? t : this.ts(-70_000);
    return [
      { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: t },
      { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: t },
      { type: 'Ready', status: r, lastProbeTime: null, lastTransitionTime: changed, ...(ready ? {} : { reason: 'ContainersNotReady', message: `containers with unready status: [${CONTAINER}]` }) },
      { type: 'ContainersReady', status: r, lastProbeTime: null, lastTransitionTime: changed, ...(ready ? {} : { reason: 'ContainersNotReady', message: `containers with unready status: [${CONTAINER}]` }) },
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: t },
    ];
  }

  podObject(name: string, app: string, hash: string, image: string, memory: string, ageMs: number): KubeObject {
    const containerName = app === DEPLOYMENT ? CONTAINER : app;
    const ip = `10.42.${1 + (name.charCodeAt(name.length - 1) % 3)}.${20 + (name.charCodeAt(name.length - 2) % 200)}`;
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...this.meta(name, ageMs),
        generateName: `${app}-${hash}-`,
        labels: { app, 'pod-template-hash': hash },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-${hash}`, uid: randomUUID(), controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        containers: [this.container(containerName, image, memory)],
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        serviceAccountName: 'default',
        nodeName: NODE,
        schedulerName: 'default-scheduler',
        priority: 0,
        tolerations: [
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
      },
      status: {
        phase: 'Running',
        hostIP: '10.0.3.17',
        hostIPs: [{ ip: '10.0.3.17' }],
        podIP: ip,
        podIPs: [{ ip }],
        startTime: this.ts(-ageMs),
        qosClass: 'Burstable',
      },
    };
  }

  readyPod(name: string, app: string, hash: string, image: string, ageMs: number, memory = '512Mi'): KubeObject {
    const pod = this.podObject(name, app, hash, image, memory, ageMs);
    const status = pod.status as JsonObject;
    status.conditions = this.conditions(true, ageMs);
    status.containerStatuses = [
      {
        name: app === DEPLOYMENT ? CONTAINER : app,
        image,
        imageID: `${image.split(':')[0]}@sha256:${'ab12cd34ef56'.repeat(5).slice(0, 64)}`,
        containerID: `containerd://${randomUUID().replace(/-/g, '')}${randomUUID().replace(/-/g, '')}`,
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: this.ts(-ageMs) } },
        lastState: {},
      },
    ];
    return pod;
  }

  /**
   * Play the ReplicaSet controller: keep `keep` pods of the deployment, remove the others, and add fresh,
   * ready pods until there are `replicas`; returns the fresh pods' names.
   */
  replacePods(deployment: KubeObject, keep: KubeObject[] = []): string[] {
    const name = deployment.metadata.name;
    const spec = deployment.spec as JsonObject;
    const replicas = Math.max(0, Number(spec.replicas ?? 1));
    const hash = String(deployment[HASH]);
    const template = spec.template as JsonObject;
    const containers = ((template.spec as JsonObject).containers as JsonObject[]) ?? [];
    const image = String(containers[0]?.image ?? GATEWAY_IMAGE);
    const memory = String(((containers[0]?.resources as JsonObject | undefined)?.limits as JsonObject | undefined)?.memory ?? '512Mi');
    const old = this.pods.filter((p) => p.metadata.labels?.app === name && !keep.includes(p));
    this.pods = this.pods.filter((p) => !old.includes(p));
    const fresh: string[] = [];
    for (let i = keep.length; i < replicas; i++) {
      const suffix = REPLACEMENT_SUFFIXES[this.replacement] ?? `n${String(this.replacement).padStart(4, '0')}`;
      this.replacement++;
      const podName = `${name}-${hash}-${suffix}`;
      const pod = this.readyPod(podName, name, hash, image, 0, memory);
      pod.metadata.creationTimestamp = this.nowIso();
      this.pods.push(pod);
      fresh.push(podName);
      if (name === DEPLOYMENT) this.logs.set(podName, freshGatewayLogs(this.now().getTime(), podName));
      const ref = { kind: 'Pod', namespace: NAMESPACE, name: podName, uid: pod.metadata.uid, apiVersion: 'v1' };
      this.addEvent(ref, 'Normal', 'Scheduled', `Successfully assigned ${NAMESPACE}/${podName} to ${NODE}`, 1, -1, -1);
      this.addEvent({ ...ref, fieldPath: `spec.containers{${String(containers[0]?.name)}}` }, 'Normal', 'Started', `Started container ${String(containers[0]?.name)}`, 1, -1, -1);
    }
    for (const p of old) {
      this.addEvent({ kind: 'Pod', namespace: NAMESPACE, name: p.metadata.name, uid: p.metadata.uid, apiVersion: 'v1' }, 'Normal', 'Killing', `Stopping container ${String(((p.spec as JsonObject).containers as JsonObject[])[0]?.name)}`, 1, -1, -1);
    }
    if (keep.length === 0) {
      const dref = { kind: 'Deployment', namespace: NAMESPACE, name, uid: deployment.metadata.uid, apiVersion: 'apps/v1' };
      this.addEvent(dref, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${name}-${hash} to ${replicas}`, 1, -1, -1);
    }
    deployment.status = this.deploymentStatus(replicas, replicas, Number(deployment.metadata.generation ?? 1));
    const rs = this.replicaSets.find((r) => r.metadata.name === `${name}-${hash}`);
    if (rs) {
      (rs.spec as JsonObject).replicas = replicas;
      // `kubectl describe deployment` finds the current ReplicaSet by comparing pod templates.
      (rs.spec as JsonObject).template = clone(spec.template);
      rs.status = { replicas, fullyLabeledReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, observedGeneration: deployment.metadata.generation };
      rs.metadata.resourceVersion = this.nextRv();
    }
    return fresh;
  }
}

// Hidden key on stored deployments: the pod-template-hash their pods use. JSON.stringify drops symbols.
const HASH = Symbol('pod-template-hash') as unknown as string;

// ---------------------------------------------------------------------------------------------
// Logs: logfmt lines with trace_id / correlation_id, deterministic apart from the clock.

function hex(rand: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 16).toString(16);
  return s;
}

// The same correlation ids appear in checkout, payment and gateway logs, so they can be followed.
function correlationIds(): string[] {
  const rand = seededRandom(4242);
  return Array.from({ length: 40 }, () => `ord-${hex(rand, 4)}-${hex(rand, 8)}`);
}

function logLines(base: number, seed: number, count: number, spanMs: number, line: (i: number, rand: () => number, trace: string, corr: string) => string): string[] {
  const rand = seededRandom(seed);
  const ids = correlationIds();
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const t = new Date(base - spanMs + (spanMs * i) / count + Math.floor(rand() * 900)).toISOString();
    out.push(`ts=${t} ${line(i, rand, hex(rand, 32), ids[Math.floor(rand() * ids.length)] ?? 'ord-0000-00000000')}`);
  }
  return out;
}

function gatewayLogs(base: number, seed: number): Log {
  const run = (b: number, s: number): string[] => {
    const lines = logLines(b, s, 110, 3 * 60_000, (i, rand, trace, corr) => {
      const heap = Math.min(2040, Math.round(1480 + i * 5 + rand() * 20));
      const waiting = Math.round(60 + i * 0.8 + rand() * 10);
      if (i === 0) return `level=info msg="starting payment gateway" version=2.14.1 pool_size=50 memory_limit=2Gi trace_id=${trace} correlation_id=startup`;
      if (i % 9 === 0) return `level=warn msg="heap usage high" heap_inuse_mb=${heap} limit_mb=2048 goroutines=${1800 + i * 37} trace_id=${trace} correlation_id=${corr}`;
      if (i % 3 === 0) return `level=error msg="connection pool exhausted" pool=provider active=50 idle=0 waiting=${waiting} wait_ms=${2000 + Math.round(rand() * 3000)} trace_id=${trace} correlation_id=${corr}`;
      if (i % 3 === 1) return `level=error msg="upstream timeout" upstream=acquirer-eu.payprovider.example op=authorize timeout=5s attempt=${1 + Math.floor(rand() * 3)} trace_id=${trace} correlation_id=${corr}`;
      return `level=warn msg="request failed" method=POST path=/v1/authorize status=504 duration_ms=${5000 + Math.round(rand() * 900)} trace_id=${trace} correlation_id=${corr}`;
    });
    lines.push(`ts=${new Date(b - 500).toISOString()} level=error msg="memory limit nearly reached, GC cannot keep up" heap_inuse_mb=2031 limit_mb=2048 trace_id=${hex(seededRandom(s + 1), 32)} correlation_id=gc`);
    lines.push(`ts=${new Date(b - 120).toISOString()} level=fatal msg="fatal error: runtime: out of memory" trace_id=${hex(seededRandom(s + 2), 32)} correlation_id=runtime`);
    return lines;
  };
  return { current: run(base - 70_000, seed), previous: run(base - 4 * 60_000, seed + 100) };
}

function freshGatewayLogs(base: number, pod: string): Log {
  const rand = seededRandom(pod.length * 31 + pod.charCodeAt(pod.length - 1));
  const ts = (ms: number): string => new Date(base + ms).toISOString();
  const current = [
    `ts=${ts(150)} level=info msg="starting payment gateway" version=2.14.1 pool_size=50 memory_limit=2Gi trace_id=${hex(rand, 32)} correlation_id=startup`,
    `ts=${ts(420)} level=info msg="connected to payment provider" upstream=acquirer-eu.payprovider.example latency_ms=38 trace_id=${hex(rand, 32)} correlation_id=startup`,
    `ts=${ts(610)} level=info msg="connection pool ready" pool=provider active=0 idle=50 waiting=0 trace_id=${hex(rand, 32)} correlation_id=startup`,
    `ts=${ts(900)} level=info msg="listening" addr=:8080 trace_id=${hex(rand, 32)} correlation_id=startup`,
  ];
  return { current, previous: [] };
}

function checkoutLogs(base: number, seed: number, pod: string): Log {
  const current = logLines(base, seed, 80, 4 * 60_000, (i, rand, trace, corr) => {
    if (i % 4 === 0) return `level=warn msg="circuit breaker open" dependency=payment state=open failures=${20 + Math.round(rand() * 30)} pod=${pod} trace_id=${trace} correlation_id=${corr}`;
    if (i % 4 === 1) return `level=error msg="payment call failed" dependency=payment status=504 duration_ms=${5000 + Math.round(rand() * 400)} trace_id=${trace} correlation_id=${corr}`;
    if (i % 4 === 2) return `level=error msg="checkout failed" status=503 reason="payment unavailable" trace_id=${trace} correlation_id=${corr}`;
    return `level=info msg="checkout completed" status=200 duration_ms=${80 + Math.round(rand() * 120)} trace_id=${trace} correlation_id=${corr}`;
  });
  return { current, previous: [] };
}

function paymentLogs(base: number, seed: number): Log {
  const current = logLines(base, seed, 80, 4 * 60_000, (i, rand, trace, corr) => {
    if (i % 3 === 0) return `level=error msg="gateway request timed out" upstream=payment-gateway.payments.svc:8080 timeout=5s trace_id=${trace} correlation_id=${corr}`;
    if (i % 3 === 1) return `level=warn msg="retrying gateway call" attempt=${2 + Math.floor(rand() * 2)} backoff_ms=${200 + Math.round(rand() * 300)} trace_id=${trace} correlation_id=${corr}`;
    return `level=error msg="payment failed" status=504 reason="gateway timeout" trace_id=${trace} correlation_id=${corr}`;
  });
  return { current, previous: [] };
}

// ---------------------------------------------------------------------------------------------
// Discovery

const verbsRW = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function resource(name: string, kind: string, namespaced: boolean, verbs: string[], shortNames?: string[], extra: JsonObject = {}): JsonObject {
  return { name, singularName: name.includes('/') ? '' : kind.toLowerCase(), namespaced, kind, verbs, ...(shortNames ? { shortNames } : {}), ...extra };
}

const CORE_V1 = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    resource('events', 'Event', true, verbsRW, ['ev']),
    resource('namespaces', 'Namespace', false, ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'], ['ns']),
    resource('pods', 'Pod', true, verbsRW, ['po'], { categories: ['all'] }),
    resource('pods/log', 'Pod', true, ['get']),
    resource('pods/status', 'Pod', true, ['get', 'patch', 'update']),
    resource('secrets', 'Secret', true, verbsRW),
  ],
};

const APPS_V1 = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'apps/v1',
  resources: [
    resource('deployments', 'Deployment', true, verbsRW, ['deploy'], { categories: ['all'] }),
    resource('deployments/scale', 'Scale', true, ['get', 'patch', 'update'], undefined, { group: 'autoscaling', version: 'v1' }),
    resource('deployments/status', 'Deployment', true, ['get', 'patch', 'update']),
    resource('replicasets', 'ReplicaSet', true, verbsRW, ['rs'], { categories: ['all'] }),
  ],
};

const AUTHZ_V1 = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'authorization.k8s.io/v1',
  resources: [
    resource('selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, ['create']),
    resource('selfsubjectrulesreviews', 'SelfSubjectRulesReview', false, ['create']),
  ],
};

const group = (name: string): JsonObject => ({
  name,
  versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
  preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
});

const API_GROUPS = { kind: 'APIGroupList', apiVersion: 'v1', groups: [group('apps'), group('authorization.k8s.io')] };

// ---------------------------------------------------------------------------------------------
// Tables (server-side printing, as `kubectl get` asks for)

type Column = [name: string, type: string, priority?: number, format?: string];

function table(columns: Column[], rows: { cells: unknown[]; object: KubeObject }[], include: string, rv: string): JsonObject {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: rv },
    columnDefinitions: columns.map(([name, type, priority, format]) => ({ name, type, format: format ?? (name === 'Name' ? 'name' : ''), description: '', priority: priority ?? 0 })),
    rows: rows.map((r) => ({
      cells: r.cells,
      ...(include === 'None'
        ? {}
        : { object: include === 'Object' ? r.object : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: r.object.metadata } }),
    })),
  };
}

function podStatusReason(pod: KubeObject): string {
  const status = pod.status as JsonObject;
  for (const cs of (status.containerStatuses as JsonObject[] | undefined) ?? []) {
    const state = cs.state as JsonObject;
    const waiting = state.waiting as JsonObject | undefined;
    if (waiting?.reason) return String(waiting.reason);
    const term = state.terminated as JsonObject | undefined;
    if (term?.reason) return String(term.reason);
  }
  return String(status.phase ?? 'Unknown');
}

// ---------------------------------------------------------------------------------------------
// HTTP

class HttpError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: JsonObject,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const notFound = (resourceName: string, name: string, group = ''): HttpError =>
  new HttpError(404, 'NotFound', `${resourceName}${group ? `.${group}` : ''} "${name}" not found`, { name, ...(group ? { group } : {}), kind: resourceName });

function statusObject(err: HttpError): JsonObject {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: err.message, reason: err.reason, ...(err.details ? { details: err.details } : {}), code: err.code };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Start the stub on a free loopback port and write its kubeconfig. */
export async function startKubeStub(options: KubeStubOptions = {}): Promise<KubeStub> {
  const now = options.now ?? (() => new Date());
  const token = options.token ?? 'sandbox-token';
  const cluster = new Cluster(now);
  const recorded: RecordedRequest[] = [];
  let port = 0;
  let inFlight = 0;
  let peak = 0;

  const send = (res: ServerResponse, code: number, body: unknown): void => {
    const text = JSON.stringify(body);
    res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
    res.end(text);
  };

  // The real API server lists in key order (namespace, then name); so does the stub.
  const byKey = (a: KubeObject, b: KubeObject): number =>
    `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`);
  const list = (kind: string, apiVersion: string, items: KubeObject[]): JsonObject => ({
    kind: `${kind}List`,
    apiVersion,
    metadata: { resourceVersion: String(cluster.nextRv()) },
    items: [...items].sort(byKey),
  });

  const tableFor = (resourceName: string, items: KubeObject[], include: string): JsonObject | undefined => {
    const at = now().getTime();
    const age = (o: KubeObject): string => humanDuration(at - Date.parse(o.metadata.creationTimestamp));
    const rv = String(cluster.nextRv());
    switch (resourceName) {
      case 'pods':
        return table(
          [['Name', 'string'], ['Ready', 'string'], ['Status', 'string'], ['Restarts', 'string'], ['Age', 'string'], ['IP', 'string', 1], ['Node', 'string', 1], ['Nominated Node', 'string', 1], ['Readiness Gates', 'string', 1]],
          items.map((p) => {
            const status = p.status as JsonObject;
            const cs = (status.containerStatuses as JsonObject[] | undefined) ?? [];
            const containers = ((p.spec as JsonObject).containers as unknown[]).length;
            const restarts = cs.reduce((n, c) => n + Number(c.restartCount ?? 0), 0);
            const lastTerm = cs.map((c) => (c.lastState as JsonObject | undefined)?.terminated as JsonObject | undefined).find((t) => t?.finishedAt);
            const restartCell = restarts > 0 && lastTerm ? `${restarts} (${humanDuration(at - Date.parse(String(lastTerm.finishedAt)))} ago)` : String(restarts);
            return {
              cells: [p.metadata.name, `${cs.filter((c) => c.ready).length}/${containers}`, podStatusReason(p), restartCell, age(p), status.podIP ?? '<none>', (p.spec as JsonObject).nodeName ?? '<none>', '<none>', '<none>'],
              object: p,
            };
          }),
          include,
          rv,
        );
      case 'deployments':
        return table(
          [['Name', 'string'], ['Ready', 'string'], ['Up-to-date', 'integer'], ['Available', 'integer'], ['Age', 'string'], ['Containers', 'string', 1], ['Images', 'string', 1], ['Selector', 'string', 1]],
          items.map((d) => {
            const spec = d.spec as JsonObject;
            const status = d.status as JsonObject;
            const containers = ((spec.template as JsonObject).spec as JsonObject).containers as JsonObject[];
            const sel = ((spec.selector as JsonObject).matchLabels as Record<string, string>) ?? {};
            return {
              cells: [d.metadata.name, `${Number(status.readyReplicas ?? 0)}/${Number(spec.replicas ?? 0)}`, Number(status.updatedReplicas ?? 0), Number(status.availableReplicas ?? 0), age(d), containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(','), Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',')],
              object: d,
            };
          }),
          include,
          rv,
        );
      case 'replicasets':
        return table(
          [['Name', 'string'], ['Desired', 'integer'], ['Current', 'integer'], ['Ready', 'integer'], ['Age', 'string']],
          items.map((r) => {
            const s = r.status as JsonObject;
            return { cells: [r.metadata.name, Number((r.spec as JsonObject).replicas ?? 0), Number(s.replicas ?? 0), Number(s.readyReplicas ?? 0), age(r)], object: r };
          }),
          include,
          rv,
        );
      case 'events':
        return table(
          [['Last Seen', 'string'], ['Type', 'string'], ['Reason', 'string'], ['Object', 'string'], ['Subobject', 'string', 1], ['Source', 'string', 1], ['Message', 'string'], ['First Seen', 'string', 1], ['Count', 'string', 1], ['Name', 'string', 1]],
          [...items]
            .sort((a, b) => Date.parse(String(a.lastTimestamp)) - Date.parse(String(b.lastTimestamp)))
            .map((e) => {
              const inv = e.involvedObject as JsonObject;
              const src = e.source as JsonObject;
              return {
                cells: [humanDuration(at - Date.parse(String(e.lastTimestamp))), e.type, e.reason, `${String(inv.kind).toLowerCase()}/${String(inv.name)}`, inv.fieldPath ?? '', [src.component, src.host].filter(Boolean).join(', '), e.message, humanDuration(at - Date.parse(String(e.firstTimestamp))), String(e.count ?? 1), e.metadata.name],
                object: e,
              };
            }),
          include,
          rv,
        );
      case 'namespaces':
        return table([['Name', 'string'], ['Status', 'string'], ['Age', 'string']], items.map((n) => ({ cells: [n.metadata.name, (n.status as JsonObject).phase, age(n)], object: n })), include, rv);
      default:
        return undefined;
    }
  };

  const wantsTable = (req: IncomingMessage): boolean => /as=Table/.test(req.headers.accept ?? '');

  const respondObjects = (req: IncomingMessage, res: ServerResponse, resourceName: string, kind: string, apiVersion: string, items: KubeObject[], single: boolean, query: Record<string, string>): void => {
    if (wantsTable(req)) {
      const t = tableFor(resourceName, [...items].sort(byKey), query.includeObject ?? 'Metadata');
      if (t) return send(res, 200, t);
    }
    send(res, 200, single ? items[0] : list(kind, apiVersion, items));
  };

  const findDeployment = (ns: string, name: string): KubeObject => {
    const d = cluster.deployments.find((x) => x.metadata.namespace === ns && x.metadata.name === name);
    if (!d) throw notFound('deployments', name, 'apps');
    return d;
  };

  const scaleOf = (d: KubeObject): JsonObject => {
    const spec = d.spec as JsonObject;
    const sel = ((spec.selector as JsonObject).matchLabels as Record<string, string>) ?? {};
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: { name: d.metadata.name, namespace: d.metadata.namespace, uid: d.metadata.uid, resourceVersion: d.metadata.resourceVersion, creationTimestamp: d.metadata.creationTimestamp },
      spec: { replicas: spec.replicas },
      status: { replicas: Number((d.status as JsonObject).replicas ?? 0), selector: Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(',') },
    };
  };

  // Apply a change to a deployment and play the controllers: a new template or replica count means
  // fresh pods (and, for the gateway, the recovery hook).
  const updateDeployment = async (d: KubeObject, next: KubeObject, cause: GatewayRestartInfo['cause'] | 'scale'): Promise<void> => {
    const before = d.spec as JsonObject;
    const after = next.spec as JsonObject;
    const templateChanged = JSON.stringify(before.template) !== JSON.stringify(after.template);
    const replicasChanged = before.replicas !== after.replicas;
    const annotationsBefore = JSON.stringify(d.metadata.annotations ?? {});
    d.spec = after;
    d.metadata.labels = next.metadata.labels ?? d.metadata.labels;
    d.metadata.annotations = next.metadata.annotations ?? d.metadata.annotations;
    const metaChanged = annotationsBefore !== JSON.stringify(d.metadata.annotations ?? {});
    if (templateChanged) d.metadata.generation = Number(d.metadata.generation ?? 1) + 1;
    if (templateChanged || replicasChanged || metaChanged) d.metadata.resourceVersion = cluster.nextRv();
    if (!templateChanged && !replicasChanged) return;
    if (!templateChanged) d.metadata.generation = Number(d.metadata.generation ?? 1) + 1;
    const pods = cluster.replacePods(d);
    if (d.metadata.name === DEPLOYMENT && pods.length > 0 && options.onGatewayRestart) {
      const restartAnnotation = ((after.template as JsonObject).metadata as JsonObject | undefined)?.annotations as Record<string, string> | undefined;
      const isRestart = templateChanged && restartAnnotation?.['kubectl.kubernetes.io/restartedAt'] !== undefined &&
        restartAnnotation['kubectl.kubernetes.io/restartedAt'] !== (((before.template as JsonObject).metadata as JsonObject | undefined)?.annotations as Record<string, string> | undefined)?.['kubectl.kubernetes.io/restartedAt'];
      await options.onGatewayRestart({ cause: cause === 'scale' ? 'scale' : isRestart ? 'rollout-restart' : 'template-change', pods });
    }
  };

  const patchBody = (req: IncomingMessage, body: unknown, target: unknown): unknown => {
    const ct = req.headers['content-type'] ?? '';
    if (ct.includes('json-patch+json')) throw new HttpError(415, 'UnsupportedMediaType', 'the sandbox stub does not support JSON patches; use a merge or strategic merge patch');
    if (!isObj(body)) throw new HttpError(400, 'BadRequest', 'patch body must be a JSON object');
    return mergePatch(target, body, ct.includes('strategic-merge-patch'));
  };

  type Route = [method: string, pattern: RegExp, handler: (m: string[], req: IncomingMessage, res: ServerResponse, query: Record<string, string>, body: unknown) => Promise<void> | void];

  const routes: Route[] = [
    ['GET', /^\/version\/?$/, (_m, _req, res) =>
      send(res, 200, { ...STUB_SERVER_VERSION, gitCommit: 'c9e1d8a0f7d6b5e4c3a2b1f0e9d8c7b6a5f4e3d2', gitTreeState: 'clean', buildDate: '2025-04-22T16:03:55Z', goVersion: 'go1.23.8', compiler: 'gc', platform: 'linux/amd64' })],
    ['GET', /^\/api\/?$/, (_m, _req, res) =>
      send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${port}` }] })],
    ['GET', /^\/apis\/?$/, (_m, _req, res) => send(res, 200, API_GROUPS)],
    ['GET', /^\/api\/v1\/?$/, (_m, _req, res) => send(res, 200, CORE_V1)],
    ['GET', /^\/apis\/(apps|authorization\.k8s\.io)\/?$/, (m, _req, res) => send(res, 200, { kind: 'APIGroup', apiVersion: 'v1', ...group(m[1] ?? '') })],
    ['GET', /^\/apis\/apps\/v1\/?$/, (_m, _req, res) => send(res, 200, APPS_V1)],
    ['GET', /^\/apis\/authorization\.k8s\.io\/v1\/?$/, (_m, _req, res) => send(res, 200, AUTHZ_V1)],

    // Namespaces
    ['GET', /^\/api\/v1\/namespaces\/?$/, (_m, req, res, q) => respondObjects(req, res, 'namespaces', 'Namespace', 'v1', filterObjects(cluster.namespaces, q), false, q)],
    ['GET', /^\/api\/v1\/namespaces\/([^/]+)\/?$/, (m, req, res, q) => {
      const ns = cluster.namespaces.find((n) => n.metadata.name === m[1]);
      if (!ns) throw notFound('namespaces', m[1] ?? '');
      respondObjects(req, res, 'namespaces', 'Namespace', 'v1', [ns], true, q);
    }],

    // Secrets (only what tests seed; read-only)
    ['GET', /^\/api\/v1\/namespaces\/([^/]+)\/secrets\/([^/]+)\/?$/, (m, req, res, q) => {
      const data = m[1] === NAMESPACE ? options.secrets?.[m[2] ?? ''] : undefined;
      if (!data) throw notFound('secrets', m[2] ?? '');
      const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
      const secret: KubeObject = {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: m[2] ?? '', namespace: NAMESPACE, uid: randomUUID(), resourceVersion: '1', creationTimestamp: new Date(now().getTime() - 86_400_000).toISOString() },
        type: 'Opaque',
        data: encoded,
      } as KubeObject;
      respondObjects(req, res, 'secrets', 'Secret', 'v1', [secret], true, q);
    }],

    // Pods
    ['GET', /^\/api\/v1\/(?:namespaces\/([^/]+)\/)?pods\/?$/, (m, req, res, q) => {
      const items = cluster.pods.filter((p) => !m[1] || p.metadata.namespace === m[1]);
      respondObjects(req, res, 'pods', 'Pod', 'v1', filterObjects(items, q), false, q);
    }],
    ['GET', /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/?$/, (m, req, res, q) => {
      const pod = cluster.pods.find((p) => p.metadata.namespace === m[1] && p.metadata.name === m[2]);
      if (!pod) throw notFound('pods', m[2] ?? '');
      respondObjects(req, res, 'pods', 'Pod', 'v1', [pod], true, q);
    }],
    ['GET', /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log\/?$/, (m, _req, res, q) => {
      const pod = cluster.pods.find((p) => p.metadata.namespace === m[1] && p.metadata.name === m[2]);
      if (!pod) throw notFound('pods', m[2] ?? '');
      const containers = ((pod.spec as JsonObject).containers as JsonObject[]).map((c) => String(c.name));
      const container = q.container ?? containers[0] ?? '';
      if (!containers.includes(container)) {
        throw new HttpError(400, 'BadRequest', `container ${container} is not valid for pod ${pod.metadata.name}`);
      }
      const log = cluster.logs.get(pod.metadata.name) ?? { current: [], previous: [] };
      const previous = q.previous === 'true';
      if (previous && log.previous.length === 0) {
        throw new HttpError(400, 'BadRequest', `previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
      }
      let lines = previous ? log.previous : log.current;
      const tail = q.tailLines !== undefined ? Number(q.tailLines) : undefined;
      if (tail !== undefined && tail >= 0) lines = tail === 0 ? [] : lines.slice(-tail);
      if (q.timestamps === 'true') lines = lines.map((l) => `${l.slice(3, l.indexOf(' '))} ${l}`);
      const text = lines.length ? `${lines.join('\n')}\n` : '';
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    }],
    ['DELETE', /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/?$/, async (m, _req, res, q) => {
      const pod = cluster.pods.find((p) => p.metadata.namespace === m[1] && p.metadata.name === m[2]);
      if (!pod) throw notFound('pods', m[2] ?? '');
      const app = pod.metadata.labels?.app;
      const d = cluster.deployments.find((x) => x.metadata.name === app);
      send(res, 200, { ...pod, metadata: { ...pod.metadata, deletionTimestamp: cluster.nowIso(), deletionGracePeriodSeconds: 30 } });
      if (q.dryRun === 'All') return;
      if (!d) {
        cluster.pods = cluster.pods.filter((p) => p !== pod);
        return;
      }
      // The ReplicaSet controller brings the count back with a fresh pod.
      const others = cluster.pods.filter((p) => p.metadata.labels?.app === app && p !== pod);
      const fresh = cluster.replacePods(d, others);
      if (app === DEPLOYMENT && fresh.length && options.onGatewayRestart) await options.onGatewayRestart({ cause: 'pod-delete', pods: fresh });
    }],

    // Events
    ['GET', /^\/api\/v1\/(?:namespaces\/([^/]+)\/)?events\/?$/, (m, req, res, q) => {
      const items = cluster.events.filter((e) => !m[1] || e.metadata.namespace === m[1]);
      respondObjects(req, res, 'events', 'Event', 'v1', filterObjects(items, q), false, q);
    }],
    ['GET', /^\/api\/v1\/namespaces\/([^/]+)\/events\/([^/]+)\/?$/, (m, req, res, q) => {
      const e = cluster.events.find((x) => x.metadata.namespace === m[1] && x.metadata.name === m[2]);
      if (!e) throw notFound('events', m[2] ?? '');
      respondObjects(req, res, 'events', 'Event', 'v1', [e], true, q);
    }],

    // Deployments
    ['GET', /^\/apis\/apps\/v1\/(?:namespaces\/([^/]+)\/)?deployments\/?$/, (m, req, res, q) => {
      const items = cluster.deployments.filter((d) => !m[1] || d.metadata.namespace === m[1]);
      respondObjects(req, res, 'deployments', 'Deployment', 'apps/v1', filterObjects(items, q), false, q);
    }],
    ['GET', /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)\/?$/, (m, req, res, q) =>
      respondObjects(req, res, 'deployments', 'Deployment', 'apps/v1', [findDeployment(m[1] ?? '', m[2] ?? '')], true, q)],
    ['GET', /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)\/status\/?$/, (m, _req, res) => send(res, 200, findDeployment(m[1] ?? '', m[2] ?? ''))],
    ['PATCH', /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)\/?$/, async (m, req, res, q, body) => {
      const d = findDeployment(m[1] ?? '', m[2] ?? '');
      const next = patchBody(req, body, d) as KubeObject;
      if (q.dryRun !== 'All') await updateDeployment(d, next, 'template-change');
      send(res, 200, q.dryRun === 'All' ? next : d);
    }],
    ['PUT', /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)\/?$/, async (m, _req, res, q, body) => {
      const d = findDeployment(m[1] ?? '', m[2] ?? '');
      if (!isObj(body) || !isObj(body.spec) || !isObj(body.metadata)) throw new HttpError(400, 'BadRequest', 'body must be a Deployment');
      if (q.dryRun !== 'All') await updateDeployment(d, body as KubeObject, 'template-change');
      send(res, 200, q.dryRun === 'All' ? body : d);
    }],
    ['GET', /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)\/scale\/?$/, (m, _req, res) => send(res, 200, scaleOf(findDeployment(m[1] ?? '', m[2] ?? '')))],
    ['PATCH', /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)\/scale\/?$/, async (m, req, res, q, body) => {
      const d = findDeployment(m[1] ?? '', m[2] ?? '');
      const scale = patchBody(req, body, scaleOf(d)) as JsonObject;
      const replicas = Number((scale.spec as JsonObject | undefined)?.replicas);
      if (!Number.isInteger(replicas) || replicas < 0) throw new HttpError(422, 'Invalid', `Scale.autoscaling "${d.metadata.name}" is invalid: spec.replicas: Invalid value`);
      if (q.dryRun !== 'All') await updateDeployment(d, { ...d, spec: { ...(d.spec as JsonObject), replicas } }, 'scale');
      send(res, 200, scaleOf(d));
    }],
    ['PUT', /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)\/scale\/?$/, async (m, _req, res, q, body) => {
      const d = findDeployment(m[1] ?? '', m[2] ?? '');
      const replicas = Number(isObj(body) && isObj(body.spec) ? body.spec.replicas : NaN);
      if (!Number.isInteger(replicas) || replicas < 0) throw new HttpError(422, 'Invalid', `Scale.autoscaling "${d.metadata.name}" is invalid: spec.replicas: Invalid value`);
      if (q.dryRun !== 'All') await updateDeployment(d, { ...d, spec: { ...(d.spec as JsonObject), replicas } }, 'scale');
      send(res, 200, scaleOf(d));
    }],

    // ReplicaSets (for `kubectl describe deployment`)
    ['GET', /^\/apis\/apps\/v1\/(?:namespaces\/([^/]+)\/)?replicasets\/?$/, (m, req, res, q) => {
      const items = cluster.replicaSets.filter((r) => !m[1] || r.metadata.namespace === m[1]);
      respondObjects(req, res, 'replicasets', 'ReplicaSet', 'apps/v1', filterObjects(items, q), false, q);
    }],
    ['GET', /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/replicasets\/([^/]+)\/?$/, (m, req, res, q) => {
      const rs = cluster.replicaSets.find((r) => r.metadata.namespace === m[1] && r.metadata.name === m[2]);
      if (!rs) throw notFound('replicasets', m[2] ?? '', 'apps');
      respondObjects(req, res, 'replicasets', 'ReplicaSet', 'apps/v1', [rs], true, q);
    }],

    // `kubectl auth can-i`: the sandbox user may do everything.
    ['POST', /^\/apis\/authorization\.k8s\.io\/v1\/selfsubjectaccessreviews\/?$/, (_m, _req, res, _q, body) => {
      const spec = isObj(body) && isObj(body.spec) ? body.spec : {};
      send(res, 201, { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status: { allowed: true, reason: 'sandbox stub: the sandbox user may do everything' } });
    }],
  ];

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const query = Object.fromEntries(url.searchParams);
      const raw = await readBody(req);
      let body: unknown = undefined;
      if (raw) {
        try {
          body = JSON.parse(raw);
        } catch {
          body = raw;
        }
      }
      const entry: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query, body, contentType: req.headers['content-type'], status: 0, at: now() };
      recorded.push(entry);
      res.on('finish', () => {
        entry.status = res.statusCode;
      });
      try {
        // kubectl 1.32 does not send the bearer token over plain HTTP, so a missing header is normal here;
        // a wrong one still means a stale kubeconfig and is refused.
        const auth = req.headers.authorization;
        if (auth !== undefined && auth !== `Bearer ${token}`) throw new HttpError(401, 'Unauthorized', 'Unauthorized');
        // Watches never deliver events here; kubectl gets an open, quiet stream until it gives up.
        if (req.method === 'GET' && (query.watch === 'true' || query.watch === '1')) {
          res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
          res.flushHeaders();
          const timer = setTimeout(() => res.end(), Math.min(Number(query.timeoutSeconds ?? 300), 300) * 1000);
          res.on('close', () => clearTimeout(timer));
          return;
        }
        if (url.pathname.includes('/namespaces/')) {
          inFlight++;
          peak = Math.max(peak, inFlight);
          res.on('close', () => inFlight--);
          if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
        }
        const candidates = routes.filter(([, pattern]) => pattern.test(url.pathname));
        const route = candidates.find(([method]) => method === req.method);
        if (!route) {
          if (candidates.length) throw new HttpError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
          throw new HttpError(404, 'NotFound', 'the server could not find the requested resource');
        }
        const [, pattern, handler] = route;
        const m = Array.from(url.pathname.match(pattern) ?? [], (x) => (x === undefined ? '' : decodeURIComponent(x)));
        await handler(m, req, res, query, body);
      } catch (err) {
        const e = err instanceof HttpError ? err : new HttpError(500, 'InternalError', `sandbox stub error: ${(err as Error).message}`);
        if (!res.headersSent) send(res, e.code, statusObject(e));
        else res.end();
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  const url = `http://127.0.0.1:${port}`;

  const runDir = await mkdtemp(join(tmpdir(), 'runbook-kube-'));
  const homeDir = join(runDir, 'home');
  await mkdir(join(homeDir, '.kube'), { recursive: true });
  const kubeconfigPath = join(runDir, 'kubeconfig');
  await writeFile(
    kubeconfigPath,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'sandbox', cluster: { server: url } }],
      users: [{ name: 'sandbox-user', user: { token } }],
      contexts: [{ name: 'sandbox', context: { cluster: 'sandbox', user: 'sandbox-user', namespace: NAMESPACE } }],
      'current-context': 'sandbox',
      preferences: {},
    }),
    { mode: 0o600 },
  );

  let stopped = false;
  return {
    url,
    port,
    context: 'sandbox',
    namespace: NAMESPACE,
    kubeconfigPath,
    homeDir,
    env: { KUBECONFIG: kubeconfigPath, HOME: homeDir },
    requests: () => recorded.map((r) => ({ ...r })),
    mutations: () =>
      recorded.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method) && !/\/(selfsubjectaccessreviews|selfsubjectrulesreviews)\/?$/.test(r.path)).map((r) => ({ ...r })),
    clearRequests: () => {
      recorded.length = 0;
    },
    peakInFlight: () => peak,
    pods: () => clone(cluster.pods),
    deployment: (name = DEPLOYMENT) => {
      const d = cluster.deployments.find((x) => x.metadata.name === name);
      return d ? clone(d) : undefined;
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(runDir, { recursive: true, force: true });
    },
  };
}
