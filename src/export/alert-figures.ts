/**
 * The postmortem of a run started from an alert (`alert.received` in the timeline): the alert in the
 * summary, an alert row first in the timeline table, and key figures measured from the alert's `startsAt`
 * instead of the run's start.
 */
import type { AlertReceivedEvent, AlertResolvedEvent, TimelineEvent } from '../timeline/events.js';
import { formatDuration, type Incident, type KeyFigure } from './incident.js';
import { cell, code, table } from './markdown.js';

/** The alert the run came from, if any. */
export function alertOf(incident: Pick<Incident, 'events'>): AlertReceivedEvent | undefined {
  return incident.events.find((e): e is AlertReceivedEvent => e.type === 'alert.received');
}

/**
 * When the alert resolved: the `endsAt` of `alert.resolved`. Only an explicit resolution counts: an active
 * alert's own `endsAt` is Alertmanager's moving guess.
 */
export function alertResolvedMs(incident: Pick<Incident, 'events'>): number | undefined {
  const resolved = incident.events.find((e): e is AlertResolvedEvent => e.type === 'alert.resolved');
  const ends = Date.parse(resolved?.endsAt ?? '');
  return Number.isNaN(ends) ? undefined : ends;
}

/** `Name{a="1"}` with the `alertname` left out. */
export function alertText(alert: Pick<AlertReceivedEvent, 'name' | 'labels'>): string {
  const labels = Object.entries(alert.labels)
    .filter(([k]) => k !== 'alertname')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  return `${alert.name}{${labels}}`;
}

/** The summary row's text. */
export function alertSummaryLine(alert: AlertReceivedEvent): string {
  const parts = [code(alertText(alert))];
  if (alert.annotations.summary) parts.push(`— ${alert.annotations.summary}`);
  parts.push(`— firing since ${alert.startsAt}`);
  if (alert.generatorURL) parts.push(`([rule](${alert.generatorURL}))`);
  return parts.join(' ');
}

/** The first row of the timeline table: the alert starting to fire. */
export function alertTimelineRow(alert: AlertReceivedEvent, clock: (ms: number) => string): string[] {
  return [clock(Date.parse(alert.startsAt)), '—', 'alert', cell(`Alert ${code(alert.name)} started firing${alert.annotations.summary ? `: ${alert.annotations.summary}` : ''}`), cell(code(alertText(alert)))];
}

/** The key figures table measured from the alert's start. */
export function alertKeyFigures(incident: Incident, alert: AlertReceivedEvent, clock: (ms: number) => string, describe: (e: TimelineEvent) => string): string {
  const firedMs = Date.parse(alert.startsAt);
  const row = (name: string, figure: KeyFigure | undefined, missing: string): string[] =>
    figure
      ? [name, formatDuration(Date.parse(figure.event.time) - firedMs), clock(Date.parse(figure.event.time)), cell(`#${figure.event.seq} ${describe(figure.event)}`)]
      : [name, '—', '—', missing];
  const started = incident.events.find((e) => e.type === 'run.started');
  const { detection, mitigation, resolution } = incident.figures;
  const resolvedMs = alertResolvedMs(incident);
  const resolvedEvent = incident.events.find((e) => e.type === 'alert.resolved');
  return [
    table(
      ['Figure', 'After the alert fired', 'At (UTC)', 'Event'],
      [
        row('Time to acknowledge (run started)', started ? { event: started, afterMs: 0 } : undefined, 'the run did not start'),
        row('Time to detect (first failing check)', detection, 'no check failed'),
        row('Time to mitigate (first approved mitigation)', mitigation, 'no mitigation was approved'),
        row('Time to recover (first passing verification)', resolution, 'no verification passed'),
        resolvedMs !== undefined
          ? ['Time to resolve (alert resolved)', formatDuration(resolvedMs - firedMs), clock(resolvedMs), cell(resolvedEvent ? `#${resolvedEvent.seq} ${describe(resolvedEvent)}` : 'the alert\'s endsAt')]
          : ['Time to resolve (alert resolved)', '—', '—', 'the alert had not resolved when the timeline ends'],
      ],
    ),
    `Measured from when the alert ${code(alert.name)} started firing (${clock(firedMs)} UTC, its \`startsAt\`).`,
  ].join('\n\n');
}
