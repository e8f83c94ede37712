import { describe, expect, it } from 'vitest';
import type { RecordedSeries, StepFinishedEvent, TimelineEvent } from '../../src/timeline/events.js';
import {
  commandLines,
  formatDuration,
  formatOutput,
  formatRangeTable,
  formatSeriesTable,
  formatStepResult,
  formatNextSteps,
  formatSummary,
  formatValue,
  kubeWhere,
  linesText,
  quoteArg,
  sparkline,
  stepSeconds,
  summarizeRun,
} from '../../src/tui/format/index.js';

const T = 1761474000; // 2025-10-26T10:20:00Z
const instant = (labels: Record<string, string>, value: string): RecordedSeries => ({ labels, value: [T, value] });

const errorRatios: RecordedSeries[] = [
  instant({ namespace: 'payments', job: 'api', service: 'checkout' }, '0.3912'),
  instant({ namespace: 'payments', job: 'api', service: 'payment' }, '0.41234'),
  instant({ namespace: 'payments', job: 'web', service: 'frontend' }, '0'),
  instant({ namespace: 'payments', job: 'api', service: 'gateway' }, 'NaN'),
];

describe('formatSeriesTable', () => {
  it('shows only labels that differ, sorts by value (NaN last), cuts at the limit and counts the rest', () => {
    expect(formatSeriesTable(errorRatios, { width: 80, limit: 3 }).join('\n')).toBe(
      ['job  service    value', 'api  payment   0.4123', 'api  checkout  0.3912', 'web  frontend       0', '… and 1 more series'].join('\n'),
    );
  });

  it('counts series the recorded result dropped (seriesTotal)', () => {
    expect(formatSeriesTable(errorRatios.slice(0, 2), { width: 80, total: 40 })).toEqual([
      'service    value',
      'payment   0.4123',
      'checkout  0.3912',
      '… and 38 more series',
    ]);
  });

  it('keeps every label of a single series, __name__ first', () => {
    expect(formatSeriesTable([instant({ namespace: 'payments', __name__: 'payment_gateway_up' }, '0')], { width: 80 })).toEqual([
      '__name__            namespace  value',
      'payment_gateway_up  payments       0',
    ]);
  });

  it('shows a label-less result as a value column, and no series as such', () => {
    expect(formatSeriesTable([instant({}, '0.0123')], { width: 80 })).toEqual([' value', '0.0123']);
    expect(formatSeriesTable([], { width: 80 })).toEqual(['no series']);
  });

  it('truncates the widest label column to fit the width, never the value', () => {
    const long = [instant({ pod: 'payment-gateway-7d9f8c6b5-abcde-very-long-name' }, '1'), instant({ pod: 'payment-gateway-2' }, '2')];
    const lines = formatSeriesTable(long, { width: 30 });
    expect(lines).toEqual(['pod                      value', 'payment-gateway-2            2', 'payment-gateway-7d9f8c…      1']);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(30);
  });
});

describe('sparkline', () => {
  it('maps the range onto eight levels', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
  });
  it('draws a flat line low and gaps blank', () => {
    expect(sparkline([1, 1, 1], 3)).toBe('▁▁▁');
    expect(sparkline([0, null, 7, NaN], 4)).toBe('▁ █ ');
  });
  it('buckets by maximum so a one-sample spike survives', () => {
    expect(sparkline([0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7], 6)).toBe('█▁▁▁▁█');
  });
});

describe('formatRangeTable', () => {
  const t0 = 1761469200; // 09:00Z
  const ramp = (base: number, slope: number, n: number): Array<[number, string]> =>
    Array.from({ length: n }, (_, i) => [t0 + i * 60, String(base + slope * i)] as [number, string]);

  it('draws one sparkline per series on a shared time grid, with min / max / last and the span', () => {
    const series: RecordedSeries[] = [
      { labels: { pod: 'gw-b' }, values: ramp(300e6, 0, 16).filter((_, i) => i < 6 || i > 9) },
      { labels: { pod: 'gw-a' }, values: ramp(400e6, 40e6, 16) },
    ];
    expect(formatRangeTable(series, { width: 80 }).join('\n')).toBe(
      [
        '2025-10-26 09:00:00 → 09:15:00 UTC · 15m · step 1m',
        'pod                      min   max  last',
        'gw-a  ▁▁▂▂▃▃▄▄▅▅▆▆▇▇██  400M    1G    1G',
        'gw-b  ▁▁▁▁▁▁    ▁▁▁▁▁▁  300M  300M  300M',
      ].join('\n'),
    );
  });

  it('squeezes long ranges into the width and says how many series were left out', () => {
    const series: RecordedSeries[] = [{ labels: { pod: 'a' }, values: ramp(0, 1, 240) }, { labels: { pod: 'b' }, values: ramp(0, 2, 240) }];
    const lines = formatRangeTable(series, { width: 60, limit: 1 });
    expect(lines[0]).toBe('2025-10-26 09:00:00 → 12:59:00 UTC · 3h59m · step 1m');
    expect(lines[2]).toMatch(/^b {4}▁▁▁▂[▁-█]*▇███ {4}0 {2}478 {3}478$/);
    expect([...lines[2]!].length).toBe(60);
    expect(lines[3]).toBe('… and 1 more series');
  });
});

describe('commands', () => {
  it('quotes only what needs quoting', () => {
    expect(['get', 'app=payment-gateway', "it's", 'a b', '{.x}'].map(quoteArg)).toEqual(['get', 'app=payment-gateway', `'it'\\''s'`, `'a b'`, `'{.x}'`]);
  });
  it('shows argv, sh scripts line by line, and PromQL with its instant', () => {
    expect(commandLines({ argv: ['kubectl', 'rollout', 'restart', 'deployment/payment-gateway', '-n', 'payments'] })).toEqual([
      '$ kubectl rollout restart deployment/payment-gateway -n payments',
    ]);
    expect(commandLines({ argv: ['sh', '-c', 'echo one\necho "$RUNBOOK_X"\n'] })).toEqual(['$ sh -c', '    echo one', '    echo "$RUNBOOK_X"']);
    expect(commandLines({ query: 'up == 0\n', time: '2025-10-26T10:20:00.000Z' })).toEqual(['up == 0', '# at 2025-10-26T10:20:00.000Z']);
  });
  it('reads where kubectl acts from its flags, else the targets', () => {
    expect(kubeWhere(['kubectl', '--context', 'prod', 'get', 'pods', '--namespace=web'], { context: 'sandbox', namespace: 'payments' })).toEqual({
      context: 'prod',
      namespace: 'web',
    });
    expect(kubeWhere(['kubectl', 'get', 'pods'], { context: 'sandbox', namespace: 'payments' })).toEqual({ context: 'sandbox', namespace: 'payments' });
  });
});

describe('step results', () => {
  const finished = (patch: Partial<StepFinishedEvent>): StepFinishedEvent => ({
    v: 1, seq: 5, time: '2025-10-26T10:20:01.000Z', run: 'r1', type: 'step.finished', step: 's', status: 'ok', durationMs: 12, ...patch,
  });

  it('a failed check shows FAIL and the offending series', () => {
    const event = finished({
      status: 'failed',
      summary: 'FAIL: 2 of 3 series violate < 0.01',
      violations: [instant({ service: 'payment' }, '0.41234'), instant({ service: 'checkout' }, '0.3912')],
    });
    expect(linesText(formatStepResult(event, 'check', { width: 78 }))).toBe(
      ['FAIL: 2 of 3 series violate < 0.01', '  service    value', '  payment   0.4123', '  checkout  0.3912'].join('\n'),
    );
    expect(formatStepResult(event, 'check', { width: 78 })[0]!.tone).toBe('fail');
  });

  it('a passed check is one PASS line', () => {
    const lines = formatStepResult(finished({ status: 'passed', summary: '1 series, max 0.002' }), 'check', { width: 78 });
    expect(lines).toEqual([{ text: 'PASS  1 series, max 0.002', tone: 'ok' }]);
  });

  it('kubectl output: lines, exit code, truncation and the lines left for the viewer', () => {
    const excerpt = Array.from({ length: 5 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const event = finished({ output: { exitCode: 1, excerpt, truncated: true, bytes: 70_000 } });
    expect(linesText(formatStepResult(event, 'kubectl', { width: 78, maxOutputLines: 3 }))).toBe(
      ['line 1', 'line 2', 'line 3', '… 2 more lines (press o to scroll)', 'exit 1 · 70 kB · truncated: the first 35 B are shown'].join('\n'),
    );
  });

  it('an error shows its cause', () => {
    expect(formatStepResult(finished({ status: 'error', error: 'bad_data: parse error' }), 'promql', { width: 78 })).toEqual([
      { text: 'ERROR  bad_data: parse error', tone: 'fail' },
    ]);
  });

  it('reads a Prometheus step', () => {
    expect([stepSeconds('60'), stepSeconds('1m'), stepSeconds('1m30s'), stepSeconds('x')]).toEqual([60, 60, 90, undefined]);
  });

  it('formats output and durations', () => {
    expect(formatOutput({ exitCode: 0, excerpt: '', truncated: false, bytes: 0 }, 80)).toEqual({ lines: [], footer: 'no output · exit 0 · 0 B' });
    expect([850, 4230, 65_000, 7_380_000].map(formatDuration)).toEqual(['850ms', '4.2s', '1m 05s', '2h 03m']);
  });
});

describe('run summary', () => {
  const base = { v: 1 as const, time: '2025-10-26T10:20:00.000Z', run: 'r1' };
  const events: TimelineEvent[] = [
    { ...base, seq: 1, type: 'step.started', step: 'payment-error-ratio', kind: 'check', gated: false },
    { ...base, seq: 2, type: 'step.finished', step: 'payment-error-ratio', status: 'failed', durationMs: 20, summary: 'FAIL: 1 of 1 series violate < 0.01' },
    { ...base, seq: 3, type: 'step.started', step: 'request-rate', kind: 'promql', gated: false },
    { ...base, seq: 4, type: 'step.finished', step: 'request-rate', status: 'ok', durationMs: 8 },
    { ...base, seq: 5, type: 'gate.decided', step: 'restart-gateway', decision: 'approved', by: 'ana', how: 'interactive' },
    { ...base, seq: 6, type: 'step.started', step: 'restart-gateway', kind: 'mitigate', gated: true },
    { ...base, seq: 7, type: 'step.finished', step: 'restart-gateway', status: 'passed', durationMs: 31_000 },
    { ...base, seq: 8, type: 'gate.decided', step: 'scale-up', decision: 'skipped', by: 'ana', how: 'interactive' },
    { ...base, seq: 9, type: 'step.finished', step: 'scale-up', status: 'skipped', durationMs: 0 },
    { ...base, seq: 10, type: 'note', text: 'paged DB team', by: 'ana' },
    {
      ...base, seq: 11, type: 'run.finished', status: 'failed', durationMs: 133_000,
      counts: { ok: 1, passed: 1, failed: 1, error: 0, skipped: 1, declined: 0, aborted: 0 },
    },
  ];

  it('names counts, failed checks, mitigations applied and the exact next commands', () => {
    const summary = summarizeRun(events, { 'payment-error-ratio': 'Payment error ratio under 1%', 'restart-gateway': 'Restart the payment gateway' });
    expect(linesText(formatSummary(summary, { timelinePath: '.runbook/runs/2025-10-26T10-20-00Z-payment.jsonl', width: 80 }))).toBe(
      [
        // The outcome first (#20), whole: the mitigation has no verify.polled here, so it counts as unverified.
        'Outcome: mitigated — Mitigated by `restart-gateway`, applied, no verification of its own',
        'Run finished: failed in 2m 13s',
        '  1 ok · 1 passed · 1 failed · 1 skipped · 0 declined · 1 note',
        'Failed checks:',
        '  ✗ payment-error-ratio  Payment error ratio under 1% — FAIL: 1 of 1 series vio…',
        'Mitigations applied:',
        '  ✓ restart-gateway  Restart the payment gateway — passed',
        'Not run (gate):',
        '  - scale-up — skipped',
        'Timeline: .runbook/runs/2025-10-26T10-20-00Z-payment.jsonl',
      ].join('\n'),
    );
    expect(formatNextSteps('.runbook/runs/2025-10-26T10-20-00Z-payment.jsonl')).toEqual([
      { text: 'Write the postmortem:', tone: 'strong' },
      { text: '  runbook export .runbook/runs/2025-10-26T10-20-00Z-payment.jsonl --format postmortem --out postmortem.md', tone: 'accent', copy: true },
      { text: 'Resume this run:', tone: 'strong' },
      { text: '  runbook resume .runbook/runs/2025-10-26T10-20-00Z-payment.jsonl', tone: 'accent', copy: true },
    ]);
  });

  it('puts the outcome first once the run finished: symptoms confirmed (warn) when nothing was applied, none before the end', () => {
    const readOnly: TimelineEvent[] = [
      events[0]!,
      events[1]!,
      { ...base, seq: 3, type: 'gate.decided', step: 'restart-gateway', decision: 'declined', by: 'ana', how: 'read-only' },
      { ...base, seq: 4, type: 'step.finished', step: 'restart-gateway', status: 'declined', durationMs: 0 },
      { ...base, seq: 5, type: 'run.finished', status: 'failed', durationMs: 1_000, counts: { ok: 0, passed: 0, failed: 1, error: 0, skipped: 0, declined: 1, aborted: 0 } },
    ];
    const [first, second] = formatSummary(summarizeRun(readOnly), { width: 80 });
    expect(first).toEqual({
      text: 'Outcome: symptoms-confirmed — Symptoms confirmed: `payment-error-ratio`; nothing was applied (`restart-gateway` not run)',
      tone: 'warn',
      copy: true,
    });
    expect(second!.text).toBe('Run finished: failed in 1.0s');
    expect(summarizeRun(readOnly.slice(0, 4)).outcome).toBeUndefined();
    expect(formatSummary(summarizeRun(readOnly.slice(0, 4)), { width: 80 })[0]!.text).toBe('Run finished: interrupted');
  });

  it('quotes a timeline path with spaces in the commands', () => {
    const lines = linesText(formatNextSteps('my runs/x.jsonl'));
    expect(lines).toContain(`runbook resume 'my runs/x.jsonl'`);
  });
});
