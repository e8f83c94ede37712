/** The pieces of the run screen. Each takes plain props (no store), so tests render them alone. */
import { useContext, type ReactNode } from 'react';
import { Box, Text } from 'ink';
import type { GateRequest } from '../exec/gate.js';
import type { RunMode, Targets } from '../timeline/events.js';
import { commandLines, kubeWhere } from './format/command.js';
import type { Line } from './format/lines.js';
import { formatClock, formatDuration, formatLocal, formatUtc } from './format/time.js';
import { padEnd, textWidth, truncate, wrapLine } from './format/text.js';
import { proseText, STATE_MARK, stateTone, type RunningStep, type StepView, type ViewableOutput } from './store.js';
import { ColorContext, Tinted } from './theme.js';
import { appendAll, maxOf } from '../format/extent.js';
import { KUBECTL_FAMILY } from '../steps/oc-verbs.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** The spinner frame for an elapsed time (derived from the clock, so a frozen clock draws a still frame). */
export function spinnerFrame(elapsedMs: number): string {
  return SPINNER[Math.floor(Math.max(0, elapsedMs) / 80) % SPINNER.length]!;
}

/** Lines, each in its tone. */
export function Lines(props: { lines: readonly Line[] }): ReactNode {
  return (
    <Box flexDirection="column">
      {props.lines.map((line, i) => (
        <Tinted key={i} tone={line.tone} wrap={line.copy ? 'wrap' : 'truncate-end'}>
          {line.text === '' ? ' ' : line.text}
        </Tinted>
      ))}
    </Box>
  );
}

const MODE_TONE: Record<RunMode, Line['tone']> = { live: 'fail', 'read-only': 'ok', 'dry-run': 'accent' };

/** Title, severity, mode and elapsed time; where the run points; the evaluation time. */
export function Header(props: {
  title: string;
  severity?: string | undefined;
  mode: RunMode;
  targets: Targets;
  at: Date | null;
  now: number;
  elapsedMs: number;
  width: number;
}): ReactNode {
  const { width } = props;
  const right = `${props.mode.toUpperCase()}  ${formatClock(props.elapsedMs)}`;
  const severity = props.severity ? `[${props.severity}]` : '';
  const room = width - textWidth(right) - 2 - (severity ? textWidth(severity) + 2 : 0);
  const left = truncate(`runbook · ${props.title}`, Math.max(10, room));
  const kube =
    props.targets.context || props.targets.namespace
      ? `kube ${props.targets.context ?? '(current context)'} / ${props.targets.namespace ?? '(default namespace)'}`
      : 'kube (current context)';
  const where = truncate(`prometheus ${props.targets.prometheus ?? '(none)'}  ·  ${kube}`, width);
  const instant = props.at ?? new Date(props.now);
  const at = truncate(`at ${props.at ? '' : 'now: '}${formatUtc(instant)}  ·  ${formatLocal(instant)}`, width);
  const severityTone = props.severity === 'critical' || props.severity === 'high' ? 'fail' : 'warn';
  return (
    <Box flexDirection="column" width={width}>
      <Box justifyContent="space-between" width={width}>
        <Text wrap="truncate-end">
          <Tinted tone="strong">{left}</Tinted>
          {severity ? '  ' : ''}
          {severity ? <Tinted tone={severityTone}>{severity}</Tinted> : null}
        </Text>
        <Tinted tone={MODE_TONE[props.mode]} bold>
          {right}
        </Tinted>
      </Box>
      <Tinted tone="dim">{where}</Tinted>
      <Tinted tone="dim">{at}</Tinted>
    </Box>
  );
}

/** `── Investigation › Pods and logs ───── step 7 of 12 ──` */
export function progressRule(section: readonly string[], index: number, total: number, width: number): string {
  const right = index >= 0 ? ` step ${index + 1} of ${total} ──` : ` ${total} steps ──`;
  const title = section.length > 0 ? ` ${section.join(' › ')} ` : ' ';
  const room = width - textWidth(right) - 2;
  const left = `──${truncate(title, Math.max(0, room))}`;
  return `${left}${'─'.repeat(Math.max(0, width - textWidth(left) - textWidth(right)))}${right}`;
}

/** The steps around the current one, each with its mark. */
export function StepList(props: { steps: readonly StepView[]; current: number; width: number; window?: number; title?: string }): ReactNode {
  const { steps, width } = props;
  const size = Math.min(props.window ?? 5, steps.length);
  const current = Math.max(0, props.current);
  const from = Math.max(0, Math.min(current - Math.floor(size / 2), steps.length - size));
  const visible = steps.slice(from, from + size);
  const idWidth = Math.min(24, maxOf(visible.map((s) => textWidth(s.id))) ?? -Infinity);
  // The document's own H1 repeats the runbook title from the header: leave it out of the section path.
  const path = steps[current]?.section ?? [];
  const section = path[0] === props.title ? path.slice(1) : path;
  return (
    <Box flexDirection="column" width={width}>
      <Tinted tone="dim">{progressRule(section, props.current, steps.length, width)}</Tinted>
      {from > 0 ? <Tinted tone="dim">{`  ⋮ ${from} earlier`}</Tinted> : null}
      {visible.map((step, i) => {
        const isCurrent = from + i === props.current;
        const text = truncate(`${isCurrent ? '▸' : ' '} ${STATE_MARK[step.state]} ${padEnd(truncate(step.id, idWidth), idWidth)}  ${step.title ?? ''}`, width);
        return (
          <Tinted key={step.id} tone={stateTone(step.state)} bold={isCurrent}>
            {text.trimEnd()}
          </Tinted>
        );
      })}
      {from + size < steps.length ? <Tinted tone="dim">{`  ⋮ ${steps.length - from - size} more`}</Tinted> : null}
    </Box>
  );
}

/** Prose wrapped to the width and cut after `maxLines` (the runbook is one keystroke away for the rest). */
export function proseLines(text: string, width: number, maxLines: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\n\s*\n/)) {
    if (lines.length > 0) lines.push('');
    appendAll(lines, wrapLine(paragraph.replace(/\s*\n\s*/g, ' ').trim(), width));
  }
  if (lines.length > maxLines) return [...lines.slice(0, maxLines - 1), `${truncate(lines[maxLines - 1] ?? '', width - 1)}…`];
  return lines;
}

/** The running step: title, its prose, what it runs, a spinner with elapsed time. */
export function StepCard(props: { step: StepView; running: RunningStep; now: number; width: number }): ReactNode {
  const { step, running, width } = props;
  const elapsed = props.now - running.startedAt;
  const right = `${spinnerFrame(elapsed)} ${formatDuration(elapsed)}`;
  const title = truncate(`● ${step.id} · ${step.kind}${step.title ? ` · ${step.title}` : ''}`, width - textWidth(right) - 1);
  const prose = proseLines(proseText(step.proseBefore), width - 2, 3);
  const command = running.command ? commandLines(running.command).flatMap((l) => wrapLine(l, width - 2, '    ')) : [];
  return (
    <Box flexDirection="column" width={width} marginTop={1}>
      <Box justifyContent="space-between" width={width}>
        <Tinted tone="accent" bold>
          {title}
        </Tinted>
        <Tinted tone="accent">{right}</Tinted>
      </Box>
      {prose.map((line, i) => (
        <Tinted key={`p${i}`} tone="dim">{`  ${line}`}</Tinted>
      ))}
      {command.slice(0, 8).map((line, i) => (
        <Tinted key={`c${i}`}>{`  ${line}`}</Tinted>
      ))}
      {command.length > 8 ? <Tinted tone="dim">{`  … ${command.length - 8} more lines`}</Tinted> : null}
      {running.verify ? <Tinted tone={running.verify.tone}>{`  ${running.verify.text}`}</Tinted> : null}
    </Box>
  );
}

/** The literal key prompt of a gate (tests and tmux scripts look for `[a]pprove`). */
export const GATE_KEYS = '[a]pprove  [s]kip  [q] abort';

/**
 * A confirmation gate: what will run, exactly (every argv word, wrapped, never cut), where (context and
 * namespace highlighted), and the keys. Nothing runs until one of them is pressed.
 */
export function GatePanel(props: { request: GateRequest; step: StepView | undefined; width: number }): ReactNode {
  const { request, step } = props;
  const color = useContext(ColorContext);
  const inner = props.width - 4;
  // Highlighted by inverse video in colour, by brackets without.
  const mark = (text: string): string => (color ? ` ${text} ` : `[${text}]`);
  const title = request.title ?? step?.title;
  const heading = `GATE  ${request.step}  (${request.kind}${request.gate === 'rollback' ? ', rollback' : ''})`;
  const prose = step && request.gate === 'step' ? proseLines(proseText(step.proseBefore), inner, 4) : [];
  const commands = request.commands.map((command, i) => ({
    lines: commandLines(command).flatMap((l) => wrapLine(l, inner - 2, '    ')),
    env: Object.entries(request.env[i] ?? {}).map(([k, v]) => truncate(`${k}=${v}`, inner - 6)),
    where: command.argv && KUBECTL_FAMILY.has(command.argv[0] ?? '') ? kubeWhere(command.argv, request.targets) : undefined,
    prometheus: command.query !== undefined ? request.targets.prometheus : undefined,
    local: command.argv !== undefined && !KUBECTL_FAMILY.has(command.argv[0] ?? ''),
  }));
  return (
    <Box
      flexDirection="column"
      width={props.width}
      borderStyle="double"
      {...(color ? { borderColor: 'yellow' } : {})}
      paddingX={1}
      marginTop={1}
    >
      <Tinted tone="warn" bold>
        {truncate(heading, inner)}
      </Tinted>
      {title ? <Tinted tone="strong">{truncate(title, inner)}</Tinted> : null}
      {prose.map((line, i) => (
        <Tinted key={`p${i}`} tone="dim">
          {line}
        </Tinted>
      ))}
      {request.reason ? <Tinted tone="dim">{truncate(`Why a gate: ${request.reason}`, inner)}</Tinted> : null}
      <Text> </Text>
      <Tinted tone="strong">{request.commands.length === 1 ? 'Will run, exactly:' : `Will run, exactly, in this order (${request.commands.length} commands):`}</Tinted>
      {commands.map((c, i) => (
        <Box key={i} flexDirection="column">
          {c.lines.map((line, j) => (
            <Tinted key={j} tone="accent">{`  ${line}`}</Tinted>
          ))}
          {c.env.map((line, j) => (
            <Tinted key={`e${j}`} tone="dim">{`    env ${line}`}</Tinted>
          ))}
          {c.where ? (
            <Text wrap="truncate-end">
              {'  where: context '}
              <Tinted tone="warn" bold inverse>
                {mark(c.where.context ?? '(current)')}
              </Tinted>
              {'  namespace '}
              <Tinted tone="warn" bold inverse>
                {mark(c.where.allNamespaces ? '(all namespaces)' : (c.where.namespace ?? '(default)'))}
              </Tinted>
            </Text>
          ) : null}
          {c.prometheus ? <Tinted tone="dim">{truncate(`  where: prometheus ${c.prometheus}`, inner)}</Tinted> : null}
          {c.local ? <Tinted tone="dim">{'  where: this machine'}</Tinted> : null}
        </Box>
      ))}
      <Text> </Text>
      <Tinted tone="warn" bold>
        {GATE_KEYS}
      </Tinted>
    </Box>
  );
}

/** The note being typed. */
export function NoteInput(props: { text: string; width: number; label?: string; hint?: string }): ReactNode {
  const label = props.label ?? 'Note: ';
  const hint = props.hint ?? '  Enter save · Esc cancel';
  const room = props.width - textWidth(label) - textWidth(hint) - 1;
  // Show the end of a long note: that is where the cursor is.
  const chars = [...props.text];
  const shown = chars.length > room ? `…${chars.slice(chars.length - room + 1).join('')}` : props.text;
  return (
    <Box marginTop={1} width={props.width}>
      <Text wrap="truncate-end">
        <Tinted tone="accent" bold>
          {label}
        </Tinted>
        {shown}
        <Tinted inverse>{'█'}</Tinted>
        <Tinted tone="dim">{hint}</Tinted>
      </Text>
    </Box>
  );
}

/** Every key, for `?`. */
export const HELP_LINES: readonly string[] = [
  'Keys',
  '  a        approve the gate (only at a gate)',
  '  s        skip the gated step',
  '  q        abort the run (only at a gate)',
  '  n        add a note to the timeline',
  '  :        run an ad-hoc step: kind and body, e.g. kubectl get pods -n payments (same gates)',
  '  o        scroll the latest command output (↑ ↓ PgUp PgDn, ← → older/newer, Esc close)',
  '  ?        show or hide this help',
  '  Ctrl-C   stop the running step and end the run (exit 130)',
];

/** The key help. */
export function Help(props: { width: number }): ReactNode {
  return (
    <Box flexDirection="column" marginTop={1} width={props.width}>
      {HELP_LINES.map((line, i) => (
        <Tinted key={i} tone={i === 0 ? 'strong' : undefined}>
          {truncate(line, props.width)}
        </Tinted>
      ))}
    </Box>
  );
}

/** A window onto a long command output. */
export function OutputViewer(props: { output: ViewableOutput; offset: number; height: number; index: number; count: number; width: number }): ReactNode {
  const { output, offset, height, width } = props;
  const lines = output.lines.slice(offset, offset + height);
  const range = output.lines.length === 0 ? 'no output' : `lines ${offset + 1}–${offset + lines.length} of ${output.lines.length}`;
  return (
    <Box flexDirection="column" marginTop={1} width={width}>
      <Tinted tone="strong">{truncate(`Output ${props.index + 1}/${props.count}: ${output.title}`, width)}</Tinted>
      {lines.map((line, i) => (
        <Tinted key={i}>{truncate(line, width) || ' '}</Tinted>
      ))}
      <Tinted tone="dim">{truncate(`${range} · ${output.footer} · ↑↓ PgUp PgDn scroll · ←→ other outputs · Esc close`, width)}</Tinted>
    </Box>
  );
}

/** The key hint under the live area. */
export function Footer(props: { width: number; gate: boolean; outputs: number; interrupting: boolean; adhoc?: boolean }): ReactNode {
  if (props.interrupting) return <Tinted tone="fail">Interrupting: stopping the running step…</Tinted>;
  const keys = [props.gate ? GATE_KEYS : undefined, 'n note', props.adhoc ? ': step' : undefined, props.outputs > 0 ? 'o output' : undefined, '? help', 'Ctrl-C stop'].filter(Boolean);
  return <Tinted tone="dim">{truncate(keys.join(' · '), props.width)}</Tinted>;
}
