/**
 * Plain output of `runbook run`: one line per timeline event (readable in CI logs, no cursor movement),
 * and the printed plan of a dry run. Only strings are built here; the command writes them.
 */
import { redactDeep } from '../../secrets/redact.js';
import type { PlannedCheck, PlannedCommand, PlannedStep } from '../../exec/index.js';
import type { RecordedSeries, StepCommand, StepStatus, Targets, TimelineEvent } from '../../timeline/events.js';
import { formatValue } from '../../format/number.js';
import { mitigationText, type OutcomeReport, type OutcomeStep } from '../../exec/outcome.js';
import { appendAll } from '../../format/extent.js';

/** Rendering options. */
export interface PlainOptions {
  /** ASCII symbols instead of ✓ ✗ … (for terminals and CI logs that mangle UTF-8). */
  ascii?: boolean;
  /** Most output lines shown under a command step (default 20). */
  maxOutputLines?: number;
}

const SYMBOLS = {
  unicode: { ok: '✓', passed: '✓', failed: '✗', error: '✗', skipped: '–', declined: '–', aborted: '!', start: '▶', step: '·', gate: '?', end: '■', poll: '↻' },
  ascii: { ok: '+', passed: '+', failed: 'x', error: 'x', skipped: '-', declined: '-', aborted: '!', start: '>', step: '.', gate: '?', end: '#', poll: '~' },
} as const;

/** `10:20:00.123` (UTC) from an event's ISO time. */
function clock(time: string): string {
  return time.slice(11, 23);
}

/** A command on one line: the argv shell-quoted for reading (never executed), or the query collapsed. */
export function commandText(command: StepCommand): string {
  if (command.argv) return command.argv.map(displayWord).join(' ');
  const query = (command.query ?? '').replace(/\s+/g, ' ').trim();
  if (command.range) return `${query}  [${command.range.start} .. ${command.range.end}, step ${command.range.step}]`;
  return command.time ? `${query}  @ ${command.time}` : query;
}

/** A word as a person would type it: bare when it is plain, else single-quoted (display only). */
export function displayWord(word: string): string {
  if (/^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function labelsText(series: RecordedSeries): string {
  const labels = Object.entries(series.labels)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  const value = series.value?.[1] ?? series.values?.[series.values.length - 1]?.[1];
  return `${series.labels.__name__ ?? ''}{${labels}}${value !== undefined ? ` ${formatValue(value)}` : ''}`;
}

/** The line(s) for one event; extra lines (output, violations) are indented under the first. */
export function formatEvent(event: TimelineEvent, options: PlainOptions = {}): string {
  const s = options.ascii ? SYMBOLS.ascii : SYMBOLS.unicode;
  const t = clock(event.time);
  const maxLines = options.maxOutputLines ?? 12;
  const indent = (lines: string[]): string[] => lines.map((l) => `${' '.repeat(16)}${l}`);
  switch (event.type) {
    case 'run.started': {
      const where = targetsText(event.targets);
      return `${t}  ${s.start} run  ${event.runbook.title}  mode=${event.mode}${event.at ? ` at=${event.at}` : ''}${where ? `  ${where}` : ''}`;
    }
    case 'step.started':
      return `${t}  ${s.step} ${event.step}  ${event.kind}${event.gated ? ' (gated)' : ''}${event.command ? `  ${commandText(event.command)}` : ''}`;
    case 'gate.decided': {
      const what = event.gate === 'rollback' ? 'rollback gate' : 'gate';
      return `${t}  ${s.gate} ${event.step}  ${what} ${event.decision} (${event.how}) by ${event.by}`;
    }
    case 'step.finished': {
      const lines = [
        `${t}  ${s[event.status as StepStatus]} ${event.step}  ${event.status}  ${event.summary ?? ''}${event.error ? `${event.summary ? '  ' : ''}${event.error}` : ''}`.trimEnd(),
      ];
      if (event.violations?.length) lines.push(...indent(event.violations.slice(0, maxLines).map(labelsText)));
      if (event.output?.excerpt) {
        const out = event.output.excerpt.replace(/\n$/, '').split('\n');
        lines.push(...indent(out.slice(0, maxLines).map((l) => `| ${l}`)));
        if (out.length > maxLines || event.output.truncated) appendAll(lines, indent([`| … (${event.output.bytes} bytes in all)`]));
      }
      return lines.join('\n');
    }
    case 'action.finished':
      return `${t}  ${event.status === 'ok' ? s.ok : s.error} ${event.step}  ${event.role} ${event.index + 1} ${event.status}  ${commandText(event.command)}${event.error ? `  ${event.error}` : ''}`;
    case 'verify.polled':
      return `${t}  ${s.poll} ${event.step}  verify #${event.attempt} ${event.passed ? 'passed' : 'not yet'}  ${event.summary ?? ''}`.trimEnd();
    case 'note':
      return `${t}  ${s.step} note by ${event.by}: ${event.text}`;
    case 'alert.resolved':
      return `${t}  ${s.ok} alert  ${event.name} resolved at ${event.endsAt}`;
    case 'step.added':
      return `${t}  ${s.step} ${event.step}  ad-hoc ${event.kind} step added by ${event.by}${event.after ? ` after ${event.after}` : ''}`;
    case 'alert.received': {
      const labels = Object.entries(event.labels)
        .filter(([k]) => k !== 'alertname')
        .map(([k, v]) => `${k}="${v}"`)
        .join(', ');
      return `${t}  ${s.aborted} alert  ${event.name}{${labels}} firing since ${event.startsAt}  from ${event.source}`;
    }
    case 'run.finished': {
      const counts = Object.entries(event.counts)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ');
      return `${t}  ${s.end} run ${event.status}  ${counts || 'no steps'}  (${(event.durationMs / 1000).toFixed(1)}s)`;
    }
  }
}

function targetsText(targets: Targets): string {
  return [
    targets.prometheus ? `prometheus=${targets.prometheus}` : undefined,
    targets.context ? `context=${targets.context}` : undefined,
    targets.namespace ? `namespace=${targets.namespace}` : undefined,
    targets.kubeconfig ? `kubeconfig=${targets.kubeconfig}` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
}

/** What the plan header states. */
export interface PlanHeader {
  title: string;
  path: string;
  at: Date | null;
  targets: Targets;
  params: Record<string, string>;
  timeline?: string;
  /**
   * Applied to every value before it is quoted for display: once quoted, a newline reads `\n`, and a rule
   * anchored at a word or line start (`Cookie:`, `-p'…'`) no longer sees its anchor.
   */
  redact?: (text: string) => string;
}

/** The fully resolved plan of a dry run, for people. */
export function renderPlan(plan: readonly PlannedStep[], header: PlanHeader): string {
  const out: string[] = [];
  out.push(`Plan: ${header.title} (${header.path})  [dry run: nothing is executed]`);
  const params = Object.entries(header.params);
  const r = header.redact ?? ((text: string) => text);
  if (params.length) out.push(`Params: ${params.map(([k, v]) => `${k}=${JSON.stringify(r(v))}`).join(' ')}`);
  out.push(`Prometheus: ${header.targets.prometheus ?? '(none)'}  at ${header.at ? header.at.toISOString() : 'now (when each query runs)'}`);
  out.push(
    `Kubernetes: context ${header.targets.context ?? '(kubeconfig default)'}  namespace ${header.targets.namespace ?? '(kubeconfig default)'}` +
      (header.targets.kubeconfig ? `  kubeconfig ${header.targets.kubeconfig}` : ''),
  );
  out.push('');
  plan.forEach((step, i) => {
    out.push(`${i + 1}. ${step.id}  ${step.kind}  ${step.gated ? `GATED (${step.reason ?? 'changes a system'})` : 'read-only'}${step.title ? `  — ${step.title}` : ''}`);
    if (step.command) out.push(...commandLines(step.command, '   ', r));
    if (step.check) out.push(...checkLines(step.check, '   ', r));
    if (step.logs) {
      const l = step.logs;
      if (l.process) out.push(...commandLines(l.process, '   ', r));
      else out.push(`   loki ${l.loki}  ${l.query}`);
      out.push(`   window ${l.windowMs / 60_000} min, limit ${l.limit}${l.match ? `, match /${l.match.source}/` : ''}`);
    }
    if (step.trace) {
      const t = step.trace;
      out.push(`   ${t.backend} ${t.url}  ${t.traceId !== undefined ? `trace ${t.traceId}` : `search ${t.search} (${t.pick} within ${t.windowMs / 60_000} min)`}`);
    }
    if (step.mitigation) {
      step.mitigation.actions.forEach((a, n) => out.push(`   action ${n + 1}:`, ...commandLines(a, '     ', r)));
      if (step.mitigation.verify) {
        out.push(`   verify (every ${step.mitigation.everyMs / 1000}s within ${step.mitigation.withinMs / 1000}s):`, ...checkLines(step.mitigation.verify, '     ', r));
      }
      step.mitigation.rollback.forEach((a, n) => out.push(`   rollback ${n + 1} (own gate):`, ...commandLines(a, '     ', r)));
    }
    if (step.captures.length) out.push(`   captures: ${step.captures.map((c) => `${c.name}=${c.source}`).join('; ')}`);
    if (step.onFail === 'stop') out.push('   on-fail: stop');
  });
  if (header.timeline) out.push('', `Timeline: ${header.timeline}`);
  return `${out.join('\n')}\n`;
}

function checkLines(check: PlannedCheck, pad: string, r: (text: string) => string): string[] {
  const rule = [
    check.expectation ? `expect ${check.expectation.source.trim()}` : check.command?.runner === 'promql' || check.of ? 'alert-style: passes when no series' : undefined,
    check.command && check.command.runner !== 'promql' ? `expect-exit ${check.expectExit}` : undefined,
    check.match ? `match /${check.match.source}/` : undefined,
  ].filter(Boolean);
  const lines = check.of !== undefined ? [`${pad}of: ${check.of}`] : check.command ? commandLines(check.command, pad, r) : [];
  return [...lines, `${pad}${rule.join(', ')}`];
}

function commandLines(command: PlannedCommand, pad: string, r: (text: string) => string): string[] {
  if (command.runner === 'promql') {
    const when = command.at ? command.at.toISOString() : 'now';
    return [
      `${pad}query: ${command.query.replace(/\n/g, `\n${pad}       `)}`,
      `${pad}target: prometheus ${command.prometheus ?? '(none)'}  ${command.range ? `range ${command.range.ms / 1000}s ending ${when}, step ${command.range.stepSeconds}s` : `at ${when}`}`,
    ];
  }
  const lines = [`${pad}argv: ${JSON.stringify(redactDeep(command.argv, r))}`];
  const env = Object.entries(command.env).filter(([k]) => k !== 'KUBECONFIG');
  if (env.length) lines.push(`${pad}env: ${env.map(([k, v]) => `${k}=${JSON.stringify(r(v))}`).join(' ')}`);
  if (command.runner === 'kubectl') {
    const t = command.target ?? {};
    lines.push(`${pad}target: kube context ${t.context ?? '(default)'}  namespace ${t.namespace ?? '(default)'}${t.kubeconfig ? `  kubeconfig ${t.kubeconfig}` : ''}`);
  }
  lines.push(`${pad}timeout: ${command.timeoutMs / 1000}s`);
  return lines;
}

/**
 * The end of a plain run, outcome first: `Outcome: mitigated — Mitigated by \`restart-gateway\`, verified
 * 35 s after approval`, then the symptoms confirmed, the mitigations with their verification time, and what
 * still fails or errored.
 */
export function renderOutcome(report: OutcomeReport, options: PlainOptions = {}): string {
  const s = options.ascii ? SYMBOLS.ascii : SYMBOLS.unicode;
  const line = (mark: string, item: OutcomeStep, text?: string) =>
    `  ${mark} ${item.step}${item.title ? `  ${item.title}` : ''}${text ?? (item.summary ? ` — ${item.summary}` : '')}`;
  const out = [`Outcome: ${report.outcome} — ${report.headline}`];
  if (report.confirmed.length) out.push('Symptoms confirmed:', ...report.confirmed.map((item) => line(s.failed, item, ` — confirmed${item.summary ? `: ${item.summary}` : ''}`)));
  if (report.notSeen.length) out.push('Symptoms not seen:', ...report.notSeen.map((item) => line(s.passed, item, ' — not seen')));
  if (report.mitigations.length) {
    out.push('Mitigations:', ...report.mitigations.map((m) => line(m.result === 'verified' || m.result === 'unverified' ? s.ok : s.failed, m, ` — ${mitigationText(m)}`)));
  }
  if (report.notApplied.length) out.push('Not applied:', ...report.notApplied.map((item) => line(s.skipped, item, ` — ${item.status}`)));
  if (report.stillFailing.length) out.push('Still failing:', ...report.stillFailing.map((item) => line(s.failed, item)));
  if (report.errors.length) out.push('Errors:', ...report.errors.map((item) => line(s.error, item)));
  return `${out.join('\n')}\n`;
}
