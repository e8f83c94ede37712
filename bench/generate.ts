/**
 * Deterministic generator of format-v1 runbooks for the benchmarks: front matter with params, the usual
 * sections, prose, lists, links, ```` ```promql ````/```` ```kubectl ````/```` ```check ```` steps and
 * `:::mitigate` containers. The same seed always gives byte-identical files.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng, hashSeed } from './prng.js';
import type { Rng } from './prng.js';

/** Bump when the output of the generator changes, so cached corpora are regenerated. */
export const GENERATOR_VERSION = 3;

/** The default seed of every corpus. */
export const DEFAULT_SEED = 20251026;

/** Size limits of one generated runbook. */
export interface RunbookShape {
  minLines: number;
  maxLines: number;
  minSteps: number;
  maxSteps: number;
}

/** The shape the issue asks for: 150–300 lines, 8–15 steps. */
export const DEFAULT_SHAPE: RunbookShape = { minLines: 150, maxLines: 300, minSteps: 8, maxSteps: 15 };

/** One generated runbook. */
export interface GeneratedRunbook {
  /** File name, e.g. `rb-00017-orders-api.md`. */
  name: string;
  text: string;
  /** Lines of `text` (newline characters; the text ends with one). */
  lines: number;
  /** Steps written (a mitigate container counts as one step). */
  steps: number;
}

/** What a corpus folder holds; written as `manifest.json` beside the files. */
export interface CorpusManifest {
  generatorVersion: number;
  seed: number;
  files: number;
  lines: number;
  bytes: number;
  steps: number;
  /** Set for the single-file corpus. */
  singleFile?: string;
}

// ---------------------------------------------------------------------------------------------------------
// Vocabulary. Ops-flavoured words so prose has the length distribution of real runbooks.

const SYSTEMS = [
  'checkout', 'payment', 'orders', 'inventory', 'search', 'catalog', 'cart', 'shipping', 'billing', 'ledger',
  'identity', 'session', 'notification', 'email', 'pricing', 'recommendation', 'review', 'media', 'upload',
  'export', 'report', 'ingest', 'scheduler', 'webhook', 'gateway', 'auth', 'profile', 'loyalty', 'fraud', 'tax',
] as const;
const ROLES = ['api', 'worker', 'gateway', 'consumer', 'frontend', 'service', 'proxy', 'indexer', 'cache', 'router'] as const;
const PROBLEMS = [
  ['high error rate', 'HighErrorRate'], ['high latency', 'HighLatency'], ['queue backlog', 'QueueBacklog'],
  ['crash loop', 'CrashLooping'], ['memory leak', 'MemoryHigh'], ['connection pool exhaustion', 'PoolExhausted'],
  ['certificate expiry', 'CertificateExpiring'], ['disk pressure', 'DiskPressure'], ['replica lag', 'ReplicaLag'],
  ['timeout', 'Timeout'], ['saturation', 'Saturated'], ['dropped messages', 'MessagesDropped'],
] as const;
const SEVERITIES = ['critical', 'high', 'warning'] as const;
const NOUNS = [
  'request', 'pod', 'replica', 'deployment', 'node', 'connection', 'queue', 'consumer', 'partition', 'cache',
  'dashboard', 'alert', 'threshold', 'upstream', 'dependency', 'rollout', 'limit', 'budget', 'error ratio',
  'latency', 'retry', 'timeout', 'circuit breaker', 'load balancer', 'database', 'index', 'shard', 'lease',
  'heartbeat', 'customer', 'on-call engineer', 'incident channel', 'status page', 'traffic', 'canary',
] as const;
const VERBS = [
  'rises', 'drops', 'stalls', 'recovers', 'spikes', 'flaps', 'saturates', 'degrades', 'times out', 'retries',
  'backs off', 'restarts', 'drains', 'fails over', 'queues', 'climbs', 'levels off', 'doubles',
] as const;
const ADJECTIVES = [
  'steady', 'sudden', 'slow', 'sharp', 'gradual', 'intermittent', 'sustained', 'brief', 'noisy', 'linear',
  'expected', 'unusual', 'healthy', 'degraded', 'partial', 'full', 'regional', 'upstream', 'downstream',
] as const;
const ADVICE = [
  'Compare the last hour with the same hour yesterday before drawing conclusions.',
  'If the graph is flat, the exporter may be down; check the scrape target first.',
  'Write what you see into the incident channel so the next responder does not repeat it.',
  'Do not restart anything yet: the state of the pods is evidence.',
  'A single noisy pod is not an outage; look at the aggregate before acting.',
  'When in doubt, escalate early; a second pair of eyes is cheap.',
  'Note the time you started investigating; the timeline export uses it.',
  'Errors that start at the same minute in several services point at a shared dependency.',
  'A deploy in the last thirty minutes is the most likely cause; check the rollout history.',
  'Keep the customer-facing status page in sync with what you know.',
] as const;

function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function camel(text: string): string {
  return text.split(/[^a-z0-9]+/i).filter(Boolean).map(cap).join('');
}

/** The system a runbook is about; every name in the file derives from it. */
interface Subject {
  system: string;
  role: string;
  /** e.g. `orders-api`. */
  service: string;
  /** Metric-friendly, e.g. `orders_api`. */
  metric: string;
  container: string;
  problem: string;
  alert: string;
}

function subject(rng: Rng): Subject {
  const system = rng.pick(SYSTEMS);
  const role = rng.pick(ROLES);
  const [problem, alertSuffix] = rng.pick(PROBLEMS);
  const service = `${system}-${role}`;
  return {
    system, role, service, problem,
    metric: service.replaceAll('-', '_'),
    container: rng.pick([role, system, 'app', 'server']),
    alert: `${camel(service)}${alertSuffix}`,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Prose.

function sentence(rng: Rng, s: Subject): string {
  const noun = rng.pick(NOUNS);
  const other = rng.pick(NOUNS);
  switch (rng.int(0, 9)) {
    case 0: return `When the ${noun} ${rng.pick(VERBS)}, the ${s.service} ${rng.pick(VERBS)} within a few minutes.`;
    case 1: return `A ${rng.pick(ADJECTIVES)} change in ${noun} usually means the ${other} is the problem, not ${s.service} itself.`;
    case 2: return `Check the \`${s.metric}_${rng.pick(['requests_total', 'errors_total', 'queue_depth', 'inflight'])}\` series before touching the ${other}.`;
    case 3: return `During the last incident the ${noun} stayed ${rng.pick(ADJECTIVES)} for ${rng.int(3, 40)} minutes while the ${other} ${rng.pick(VERBS)}.`;
    case 4: return rng.pick(ADVICE);
    case 5: return `See the [${rng.pick(['dashboard', 'service page', 'design notes', 'previous postmortem'])}](${link(rng, s)}) for the ${rng.pick(ADJECTIVES)} baseline of the ${noun}.`;
    case 6: return `The ${s.system} team owns the ${noun}; page \`${s.system}-oncall\` if the ${other} is involved.`;
    case 7: return `Expect ${rng.int(2, 12)} replicas in normal operation and up to ${rng.int(13, 40)} at peak, each holding a ${rng.pick(ADJECTIVES)} share of the ${noun}s.`;
    case 8: return `Latency above ${rng.int(200, 900)} ms at the ${rng.pick(['p95', 'p99', 'median'])} is **not** normal for ${s.service}, even at peak ${other}.`;
    default: return `If the ${noun} and the ${other} both ${rng.pick(VERBS).replace(/s$/, '').replace(/s /, ' ')}, treat it as a ${rng.pick(ADJECTIVES)} dependency failure.`;
  }
}

function link(rng: Rng, s: Subject): string {
  switch (rng.int(0, 3)) {
    case 0: return `https://grafana.example.com/d/${(hashSeed(s.service) % 100000).toString(36)}/${s.service}`;
    case 1: return `https://backstage.example.com/catalog/default/component/${s.service}`;
    case 2: return `https://wiki.example.com/postmortems/${2020 + rng.int(0, 5)}-${s.service}`;
    default: return `https://docs.example.com/${s.system}/architecture#${rng.pick(NOUNS).replaceAll(' ', '-')}`;
  }
}

/** Greedy word wrap (inline code and links stay whole because they contain no spaces at the break points we use). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Wraps prose at a width under markdownlint's default 80 columns, so peers don't flood on line length. */
const WRAP = 80;

/** A paragraph of exactly `lines` lines. */
function paragraph(rng: Rng, s: Subject, lines: number): string[] {
  let text = '';
  let wrapped: string[] = [];
  while (wrapped.length <= lines) {
    text = text ? `${text} ${sentence(rng, s)}` : sentence(rng, s);
    wrapped = wrap(text, WRAP);
  }
  const out = wrapped.slice(0, lines);
  // End the cut paragraph at a sentence end on its last line when there is one; otherwise drop a trailing
  // word that might open a link or code span, so the cut never leaves unbalanced Markdown.
  let last = out[lines - 1]!;
  const end = last.lastIndexOf('. ');
  if (end > last.length * 0.6) last = last.slice(0, end + 1);
  else last = last.replace(/\s*\S*[[`(*]\S*$/, '').replace(/[,;:]?$/, '');
  out[lines - 1] = /[.!?]$/.test(last) ? last : `${last || 'See above'}.`;
  return out;
}

/** A bullet list of `items` one-line items. */
function list(rng: Rng, s: Subject, items: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < items; i++) {
    let text = sentence(rng, s);
    while (text.length > WRAP - 2) text = sentence(rng, s);
    out.push(`- ${text}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Steps.

/** Hands out step ids unique within one file. */
class IdPool {
  private readonly used = new Set<string>();
  constructor(private readonly suffix: string) {}
  take(base: string): string {
    let id = `${base}${this.suffix}`;
    for (let n = 2; this.used.has(id); n++) id = `${base}${this.suffix}-${n}`;
    this.used.add(id);
    return id;
  }
}

const NS = '{{namespace}}';
const DEPLOY = '{{deployment}}';

interface Query {
  id: string;
  title: string;
  body: string[];
  attrs?: string;
}

function promqlQuery(rng: Rng, s: Subject): Query {
  const sel = `namespace="${NS}",service="${s.service}"`;
  const window = rng.pick(['1m', '5m', '10m', '15m']);
  switch (rng.int(0, 9)) {
    case 0: return { id: 'request-rate', title: `Request rate of ${s.service} by endpoint`, body: [`sum by (endpoint) (rate(http_requests_total{${sel}}[${window}]))`] };
    case 1: return {
      id: 'error-ratio', title: `Error ratio of ${s.service}`,
      body: [`sum(rate(http_requests_total{${sel},status=~"5.."}[${window}]))`, '  /', `sum(rate(http_requests_total{${sel}}[${window}]))`],
    };
    case 2: return {
      id: 'p95-latency', title: `p95 latency of ${s.service} (seconds)`,
      body: ['histogram_quantile(0.95,', `  sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[${window}])))`],
    };
    case 3: return {
      id: 'memory', title: `Memory of the ${s.container} container`, attrs: 'range=1h step=1m',
      body: [`max by (pod) (container_memory_usage_bytes{namespace="${NS}",container="${s.container}"})`],
    };
    case 4: return {
      id: 'restarts', title: 'Container restarts in the last hour',
      body: [`sum by (pod) (increase(kube_pod_container_status_restarts_total{namespace="${NS}",container="${s.container}"}[1h]))`],
    };
    case 5: return {
      id: 'cpu', title: 'Top pods by CPU',
      body: [`topk(5, sum by (pod) (rate(container_cpu_usage_seconds_total{namespace="${NS}",container="${s.container}"}[${window}])))`],
    };
    case 6: return { id: 'queue-depth', title: `Queue depth of ${s.service}`, body: [`max by (queue) (${s.metric}_queue_depth{namespace="${NS}"})`] };
    case 7: return {
      id: 'saturation', title: 'Connection pool saturation',
      body: [`sum(${s.metric}_pool_connections{namespace="${NS}",state="busy"})`, '  /', `sum(${s.metric}_pool_connections{namespace="${NS}"})`],
    };
    case 8: return { id: 'targets-up', title: 'Scrape targets up', body: [`avg_over_time(up{namespace="${NS}",job="${s.service}"}[${window}])`] };
    default: return {
      id: 'throughput-change', title: 'Throughput compared with a day ago',
      body: [`sum(rate(http_requests_total{${sel}}[${window}]))`, '  /', `sum(rate(http_requests_total{${sel}}[${window}] offset 1d))`],
    };
  }
}

function checkQuery(rng: Rng, s: Subject): Query {
  const sel = `namespace="${NS}",service="${s.service}"`;
  switch (rng.int(0, 3)) {
    case 0: return {
      id: 'errors-under-1pct', title: `${cap(s.service)} errors under 1%`, attrs: 'expect="< 0.01"',
      body: [`sum(rate(http_requests_total{${sel},status=~"5.."}[5m]))`, '  /', `sum(rate(http_requests_total{${sel}}[5m]))`],
    };
    case 1: return {
      id: 'latency-ok', title: 'p99 latency under 800 ms', attrs: 'expect="< 0.8"',
      body: ['histogram_quantile(0.99,', `  sum by (le) (rate(http_request_duration_seconds_bucket{${sel}}[5m])))`],
    };
    case 2: return { id: 'all-up', title: 'Every target is up', body: [`up{namespace="${NS}",job="${s.service}"} == 0`] };
    default: return {
      id: 'memory-headroom', title: 'Memory under 90% of the limit', attrs: 'expect="< 0.9"',
      body: [
        `max(container_memory_usage_bytes{namespace="${NS}",container="${s.container}"})`, '  /',
        `max(kube_pod_container_resource_limits{namespace="${NS}",container="${s.container}",resource="memory"})`,
      ],
    };
  }
}

function kubectlQuery(rng: Rng, s: Subject): Query {
  switch (rng.int(0, 5)) {
    case 0: return { id: 'pods', title: `${cap(s.service)} pods`, body: [`kubectl get pods -n ${NS} -l app=${DEPLOY} -o wide`] };
    case 1: return { id: 'logs', title: 'Recent logs', body: [`kubectl logs -n ${NS} -l app=${DEPLOY} --tail=${rng.pick([50, 100, 200])}`] };
    case 2: return { id: 'describe', title: 'Deployment status', body: [`kubectl describe deployment/${DEPLOY} -n ${NS}`] };
    case 3: return { id: 'events', title: 'Events in the namespace', body: [`kubectl get events -n ${NS} --sort-by=.lastTimestamp`] };
    case 4: return { id: 'rollout-history', title: 'Rollout history', body: [`kubectl rollout history deployment/${DEPLOY} -n ${NS}`] };
    default: return { id: 'hpa', title: 'Autoscaler state', body: [`kubectl get hpa -n ${NS} -o wide`] };
  }
}

function fence(kind: string, id: string | undefined, attrs: string, body: string[]): string[] {
  const parts = [id ? `#${id}` : '', attrs].filter(Boolean).join(' ');
  return [parts ? `\`\`\`${kind} {${parts}}` : `\`\`\`${kind}`, ...body, '```'];
}

function stepFence(kind: 'promql' | 'check' | 'kubectl', q: Query, ids: IdPool): string[] {
  return fence(kind, ids.take(q.id), [`title="${q.title}"`, q.attrs ?? ''].filter(Boolean).join(' '), q.body);
}

function mitigation(rng: Rng, s: Subject, ids: IdPool): string[] {
  const sel = `namespace="${NS}",service="${s.service}"`;
  const replicas = rng.int(4, 12);
  const options: { id: string; title: string; why: string; action: string; rollback?: string }[] = [
    { id: 'restart', title: `Restart ${s.service}`, why: 'A rolling restart replaces every pod and frees leaked connections.', action: `kubectl rollout restart deployment/${DEPLOY} -n ${NS}` },
    {
      id: 'scale-out', title: `Scale ${s.service} out to ${replicas} replicas`, why: 'More replicas spread the load while the cause is found.',
      action: `kubectl scale deployment/${DEPLOY} -n ${NS} --replicas=${replicas}`, rollback: `kubectl scale deployment/${DEPLOY} -n ${NS} --replicas=${rng.int(2, 3)}`,
    },
    { id: 'rollback-deploy', title: 'Roll back the last deploy', why: 'The previous ReplicaSet is known good; undo returns to it.', action: `kubectl rollout undo deployment/${DEPLOY} -n ${NS}` },
    {
      id: 'disable-feature', title: 'Turn off the new code path', why: 'The feature flag falls back to the old path without a deploy.',
      action: `kubectl set env deployment/${DEPLOY} -n ${NS} ${s.metric.toUpperCase()}_NEW_PATH=off`,
      rollback: `kubectl set env deployment/${DEPLOY} -n ${NS} ${s.metric.toUpperCase()}_NEW_PATH=on`,
    },
  ];
  const m = rng.pick(options);
  const lines = [
    `:::mitigate{#${ids.take(m.id)} title="${m.title}"}`,
    ...wrap(`${m.why} ${sentence(rng, s)}`, WRAP),
    '',
    ...fence('kubectl', undefined, '', [m.action]),
    '',
  ];
  if (m.rollback) lines.push(...fence('kubectl', undefined, 'rollback', [m.rollback]), '');
  lines.push(
    ...fence('check', undefined, `expect="< 0.01" within=${rng.pick(['1m', '2m', '5m'])} every=${rng.pick(['5s', '10s', '15s'])}`, [
      `sum(rate(http_requests_total{${sel},status=~"5.."}[1m]))`, '  /', `sum(rate(http_requests_total{${sel}}[1m]))`,
    ]),
    ':::',
  );
  return lines;
}

// ---------------------------------------------------------------------------------------------------------
// Documents.

/** Lines of one Markdown block (paragraph, list, fence, container, heading); blocks are joined by blank lines. */
type Block = string[];

interface Section {
  blocks: Block[];
}

/** Counts the lines of blocks joined by blank lines with a final newline. */
function countLines(blocks: readonly Block[]): number {
  let total = blocks.length - 1;
  for (const block of blocks) total += block.length;
  return total;
}

function frontMatter(rng: Rng, s: Subject, title: string): Block {
  const dns = '"[a-z0-9]([-a-z0-9]*[a-z0-9])?"';
  return [
    '---',
    `title: ${title}`,
    `service: ${s.service}`,
    `severity: ${rng.pick(SEVERITIES)}`,
    'alerts:',
    `  - ${s.alert}`,
    `  - ${camel(s.service)}${rng.pick(['Down', 'SLOBurn', 'ErrorBudget'])}`,
    'owners:',
    `  - ${s.system}-oncall`,
    'params:',
    '  namespace:',
    `    description: Kubernetes namespace of the ${s.system} system`,
    `    default: ${s.system}`,
    `    pattern: ${dns}`,
    '  deployment:',
    `    description: Deployment that runs ${s.service}`,
    `    default: ${s.service}`,
    `    pattern: ${dns}`,
    '---',
  ];
}

/** The body of one incident playbook: sections with `steps` steps. `depth` is the level of its top headings. */
function chapter(rng: Rng, s: Subject, ids: IdPool, steps: number, depth: number, tag: string): Section[] {
  const h = (level: number, text: string): Block => [`${'#'.repeat(depth + level)} ${text}${tag}`];
  const mitigations = rng.int(1, 2);
  const checks = rng.int(2, 3);
  const kubectl = rng.int(2, Math.min(4, steps - mitigations - checks - 1));
  const promql = steps - mitigations - checks - kubectl;
  const traffic = Math.ceil(promql / 2);
  const p = (): Block => paragraph(rng, s, rng.int(1, 3));

  const sections: Section[] = [];
  sections.push({ blocks: [h(0, 'Symptoms'), list(rng, s, rng.int(2, 4))] });
  sections.push({ blocks: [h(0, 'Detection'), p(), stepFence('check', checkQuery(rng, s), ids)] });

  const investigation: Block[] = [h(0, 'Investigation'), p(), h(1, 'Traffic and errors')];
  for (let i = 0; i < traffic; i++) investigation.push(p(), stepFence('promql', promqlQuery(rng, s), ids));
  investigation.push(h(1, 'Saturation'));
  for (let i = traffic; i < promql; i++) investigation.push(p(), stepFence('promql', promqlQuery(rng, s), ids));
  if (promql === traffic) investigation.push(p());
  investigation.push(h(1, 'Pods and logs'));
  let k = kubectl;
  if (k >= 2 && rng.chance(0.5)) {
    // A capture and a later step that uses it, as real runbooks do with pod names.
    const podId = ids.take('pod-name');
    investigation.push(fence('kubectl', podId, 'title="Name of the first pod" capture="pod=$.items[0].metadata.name"', [`kubectl get pods -n ${NS} -l app=${DEPLOY} -o json`]));
    investigation.push(p(), fence('kubectl', ids.take('pod-logs'), 'title="Logs of that pod"', [`kubectl logs {{steps.${podId}.pod}} -n ${NS} --tail=100`]));
    k -= 2;
  }
  for (let i = 0; i < k; i++) investigation.push(p(), stepFence('kubectl', kubectlQuery(rng, s), ids));
  sections.push({ blocks: investigation });

  const diagnosis: Block[] = [h(0, 'Diagnosis'), p()];
  for (let i = 0; i < checks - 2; i++) diagnosis.push(stepFence('check', checkQuery(rng, s), ids), p());
  sections.push({ blocks: diagnosis });

  const mitigation_: Block[] = [h(0, 'Mitigation'), p()];
  for (let i = 0; i < mitigations; i++) mitigation_.push(mitigation(rng, s, ids));
  sections.push({ blocks: mitigation_ });
  sections.push({ blocks: [h(0, 'Resolution'), p(), stepFence('check', checkQuery(rng, s), ids)] });
  sections.push({ blocks: [h(0, 'Prevention'), list(rng, s, rng.int(2, 4))] });
  const refs = [`- [Dashboard](${link(rng, s)})`, `- [Service catalog](${link(rng, s)})`, `- [Previous postmortem](${link(rng, s)})`];
  sections.push({ blocks: [h(0, 'References'), refs.slice(0, rng.int(1, 3))] });
  return sections;
}

/** Adds prose paragraphs and lists at random places until the blocks have exactly `target` lines. */
function pad(rng: Rng, s: Subject, head: Block[], sections: Section[], flexible: Block, target: number): void {
  const all = (): Block[] => [...head, ...sections.flatMap((section) => section.blocks)];
  let remaining = target - countLines(all());
  while (remaining >= 2) {
    let size = Math.min(rng.int(2, 8), remaining - 1);
    if (remaining - (size + 1) === 1) size = remaining - 1;
    const section = rng.pick(sections);
    const at = rng.int(1, section.blocks.length);
    // Two lists in a row would merge into one loose list; keep them apart.
    const afterList = section.blocks[at - 1]?.[0]?.startsWith('- ') ?? false;
    const beforeList = section.blocks[at]?.[0]?.startsWith('- ') ?? false;
    const useList = rng.chance(0.3) && !afterList && !beforeList;
    section.blocks.splice(at, 0, useList ? list(rng, s, size) : paragraph(rng, s, size));
    remaining -= size + 1;
  }
  if (remaining === 1) flexible.push(...paragraph(rng, s, 1));
}

/** Generates runbook number `index` of a corpus. */
export function generateRunbook(seed: number, index: number, shape: RunbookShape = DEFAULT_SHAPE): GeneratedRunbook {
  const rng = createRng(hashSeed(`${seed}:runbook:${index}`));
  const s = subject(rng);
  const title = `${cap(s.service)} ${s.problem}`;
  const steps = rng.int(shape.minSteps, shape.maxSteps);
  const ids = new IdPool('');
  const intro = paragraph(rng, s, rng.int(2, 3));
  const head: Block[] = [frontMatter(rng, s, title), [`# ${title}`], intro];
  const sections = chapter(rng, s, ids, steps, 2, '');
  const skeleton = countLines([...head, ...sections.flatMap((section) => section.blocks)]);
  const target = Math.max(rng.int(shape.minLines, shape.maxLines), skeleton);
  pad(rng, s, head, sections, intro, target);
  const text = `${[...head, ...sections.flatMap((section) => section.blocks)].map((b) => b.join('\n')).join('\n\n')}\n`;
  const number = String(index).padStart(5, '0');
  return { name: `rb-${number}-${s.service}.md`, text, lines: target, steps };
}

/**
 * One very long runbook (a whole team's playbook in one file): many incident chapters under H2 headings,
 * step ids unique across the file, exactly `lines` lines.
 */
export function generateLargeRunbook(seed: number, lines: number): GeneratedRunbook {
  const rng = createRng(hashSeed(`${seed}:large:${lines}`));
  const s = subject(rng);
  const title = `${cap(s.system)} platform playbook`;
  const intro = paragraph(rng, s, 3);
  const head: Block[] = [frontMatter(rng, s, title), [`# ${title}`], intro];
  const sections: Section[] = [];
  let steps = 0;
  for (let n = 1; ; n++) {
    const sub = { ...subject(rng.fork(n)), system: s.system };
    const stepCount = rng.int(DEFAULT_SHAPE.minSteps, DEFAULT_SHAPE.maxSteps);
    const chapterSections: Section[] = [{ blocks: [[`## ${cap(sub.service)} ${sub.problem} (playbook ${n})`], paragraph(rng, sub, 2)] }];
    chapterSections.push(...chapter(rng, sub, new IdPool(`-${n}`), stepCount, 3, ` (${n})`));
    // Each chapter also gets prose, like the files of the corpora (about 225 lines per chapter).
    const chapterTarget = countLines(chapterSections.flatMap((section) => section.blocks)) + rng.int(60, 120);
    const before = countLines([...head, ...sections.flatMap((section) => section.blocks)]);
    if (before + 1 + chapterTarget > lines) break;
    pad(rng, sub, [], chapterSections, chapterSections[0]!.blocks[1]!, chapterTarget);
    sections.push(...chapterSections);
    steps += stepCount;
  }
  pad(rng, s, head, sections, intro, lines);
  const text = `${[...head, ...sections.flatMap((section) => section.blocks)].map((b) => b.join('\n')).join('\n\n')}\n`;
  return { name: `large-${lines}-lines.md`, text, lines, steps };
}

async function readManifest(dir: string): Promise<CorpusManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as CorpusManifest;
  } catch {
    return undefined;
  }
}

/** Options of {@link ensureCorpus}. */
export interface CorpusOptions {
  /** Number of files; ignored when `largeLines` is set. */
  files?: number;
  /** Generate one runbook of this many lines instead of a corpus of files. */
  largeLines?: number;
  seed: number;
}

/**
 * Writes a corpus into `dir` (`*.md` plus `manifest.json`) unless the manifest says it is already there for
 * the same generator version, seed and size.
 */
export async function ensureCorpus(dir: string, options: CorpusOptions): Promise<CorpusManifest> {
  const existing = await readManifest(dir);
  const wantFiles = options.largeLines === undefined ? (options.files ?? 0) : 1;
  if (
    existing && existing.generatorVersion === GENERATOR_VERSION && existing.seed === options.seed &&
    existing.files === wantFiles && (options.largeLines === undefined || existing.lines === options.largeLines)
  ) {
    return existing;
  }
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const manifest: CorpusManifest = { generatorVersion: GENERATOR_VERSION, seed: options.seed, files: 0, lines: 0, bytes: 0, steps: 0 };
  const add = async (runbook: GeneratedRunbook): Promise<void> => {
    await writeFile(join(dir, runbook.name), runbook.text);
    manifest.files++;
    manifest.lines += runbook.lines;
    manifest.bytes += Buffer.byteLength(runbook.text);
    manifest.steps += runbook.steps;
  };
  if (options.largeLines !== undefined) {
    const large = generateLargeRunbook(options.seed, options.largeLines);
    await add(large);
    manifest.singleFile = large.name;
  } else {
    for (let i = 1; i <= wantFiles; i++) await add(generateRunbook(options.seed, i));
  }
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
