#!/usr/bin/env node
/**
 * The `runbook` command. Each sub-command lives in its own module and is imported only when it runs, so
 * `runbook --help` and `runbook lint` never load what `runbook run` needs (ink, React, execa).
 */
import { Command, CommanderError } from 'commander';
import { EXIT } from '../errors.js';
import { createRedactor } from '../secrets/redact.js';
import { VERSION } from '../version.js';
import { processIO } from './io.js';

const program = new Command()
  .name('runbook')
  .description('Incident runbooks as executable, checkable Markdown.')
  .version(VERSION)
  .showHelpAfterError('(run `runbook --help` for usage)')
  .exitOverride();

program
  .command('parse')
  .description('Print the parsed model of a runbook and its diagnostics.')
  .argument('<file>', 'runbook Markdown file')
  .option('--json', 'print the model as JSON')
  .action(async (file: string, options: { json?: boolean }) => {
    const { parseCommand } = await import('./commands/parse.js');
    process.exitCode = await parseCommand(file, options, processIO());
  });

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

program
  .command('run')
  .description('Run a runbook against live systems, stopping at a gate before anything that changes a system.')
  .argument('[file]', 'runbook Markdown file (found from the alert when omitted)')
  .option('--param <name=value>', 'set a runbook parameter (repeatable)', collect)
  .option('--prometheus <url>', 'Prometheus base URL (else front matter, RUNBOOK_PROMETHEUS_URL, .runbookrc)')
  .option('--tempo <url>', 'Grafana Tempo base URL for `trace` steps (else front matter `tempo:`)')
  .option('--jaeger <url>', 'Jaeger query base URL for `trace` steps (else front matter `jaeger:`)')
  .option('--loki <url>', 'Loki base URL for `logs` steps with `source=loki` (else front matter `loki:`)')
  .option('--context <name>', 'Kubernetes context (else front matter)')
  .option('--namespace <name>', 'Kubernetes namespace (else front matter)')
  .option('--kubeconfig <path>', 'kubeconfig file for kubectl')
  .option('--at <time>', 'evaluate every PromQL step at this instant: RFC 3339, relative like -2h, or `alert` (its startsAt)')
  .option('--dry-run', 'print the fully resolved plan; run nothing')
  .option('--read-only', 'run read-only steps, decline every gate')
  .option('--approve <step-id>', 'pre-approve the gate of this step, or `all` (repeatable)', collect)
  .option('--yes', 'answer yes to non-gate confirmations (never approves a gate)')
  .option('--timeline <path>', 'timeline file (default .runbook/runs/<UTC time>-<runbook>.jsonl)')
  .option('--max-response-bytes <n>', 'largest Prometheus response accepted (default 64m; else RUNBOOK_MAX_RESPONSE_BYTES)')
  .option('--concurrency <n>', 'reads in flight at once (default 1); gated steps and what follows them keep runbook order; 1: one step at a time')
  .option('--json', 'stream timeline events to stdout as JSON lines')
  .option('--exit-on-outcome', 'exit by the outcome: 0 mitigated or no-symptoms, 3 symptoms-confirmed, 4 not-recovered, 1 error or aborted, 130 interrupted')
  .option('--no-color', 'no colours in the output')
  .option('--alert <selector>', 'start from this firing alert: a name, a fingerprint, or Name{label="value"}')
  .option('--alertmanager <url>', 'Alertmanager base URL for --alert (else front matter, RUNBOOK_ALERTMANAGER_URL, .runbookrc)')
  .option('--alert-file <file>', 'start from the alert in this webhook payload or API v2 alert JSON (`-` for stdin)')
  .option('--runbooks <dir>', 'where to find the alert\'s runbook when no file is given (default runbooks/)')
  .action(async (file: string | undefined, options: Record<string, unknown>) => {
    const { runCommand } = await import('./commands/run.js');
    process.exitCode = await runCommand(file, options, processIO());
  });

program
  .command('resume')
  .description('Continue an interrupted run from its timeline, appending to the same file.')
  .argument('<timeline>', 'timeline file (.jsonl) of the run')
  .option('--approve <step-id>', 'pre-approve the gate of this step, or `all` (repeatable)', collect)
  .option('--allow-changed', 'resume even though the runbook file changed since the run started')
  .option('--prometheus <url>', 'the run\'s Prometheus with credentials (http://user:pw@host); else RUNBOOK_PROMETHEUS_URL, .runbookrc')
  .option('--json', 'stream timeline events to stdout as JSON lines')
  .option('--no-color', 'no colours in the output')
  .action(async (timeline: string, options: Record<string, unknown>) => {
    const { resumeCommand } = await import('./commands/resume.js');
    process.exitCode = await resumeCommand(timeline, options, processIO());
  });

program
  .command('note')
  .description('Append a note to a run\'s timeline (works while the run is going on).')
  .argument('<timeline>', 'timeline file (.jsonl)')
  .argument('<text>', 'the note')
  .action(async (timeline: string, text: string) => {
    const { noteCommand } = await import('./commands/note.js');
    process.exitCode = await noteCommand(timeline, text, processIO());
  });

program
  .command('exec')
  .description('Run an ad-hoc step in a run\'s timeline (same gates; works while the run is going on).')
  .argument('<timeline>', 'timeline file (.jsonl) of the run')
  .argument('<kind>', 'step kind: promql, kubectl, check, mitigate, sh, trace, logs')
  .argument('[body...]', 'the step\'s body, after `--`')
  .option('--title <title>', 'title of the step (default: its first line)')
  .option('--id <id>', 'id of the step (default: made from its body)')
  .option('--approve', 'approve the step\'s gate (else anything that is not a read is declined)')
  .option('--new <title>', 'start a new timeline of ad-hoc steps for an incident without a runbook')
  .option('--prometheus <url>', 'with --new: Prometheus base URL')
  .option('--context <name>', 'with --new: Kubernetes context')
  .option('--namespace <name>', 'with --new: Kubernetes namespace')
  .option('--kubeconfig <path>', 'with --new: kubeconfig file for kubectl')
  .option('--at <time>', 'with --new: evaluate PromQL at this instant')
  .option('--json', 'print the step\'s events as JSON lines')
  .action(async (timeline: string, kind: string, body: string[], options: Record<string, unknown>) => {
    const { execCommand } = await import('./commands/exec.js');
    process.exitCode = await execCommand(timeline, kind, body, options, processIO());
  });

program
  .command('learn')
  .description('Propose the next version of a run\'s runbook from its timeline: ad-hoc steps inserted, what went wrong listed.')
  .argument('<timeline>', 'timeline file (.jsonl) of the run')
  .option('--write', 'apply the proposal to the runbook file')
  .option('--out <file>', 'write the proposed runbook here')
  .option('--allow-changed', 'learn even though the runbook changed since the run started')
  .action(async (timeline: string, options: Record<string, unknown>) => {
    const { learnCommand } = await import('./commands/learn.js');
    process.exitCode = await learnCommand(timeline, options, processIO());
  });

program
  .command('new')
  .description('Write a runbook from an incident that had none (a timeline of `runbook exec` ad-hoc steps).')
  .option('--from <timeline>', 'timeline file (.jsonl) of the incident')
  .option('--out <file>', 'write the runbook here (a new file) instead of stdout')
  .action(async (options: Record<string, unknown>) => {
    const { newCommand } = await import('./commands/new.js');
    process.exitCode = await newCommand(options, processIO());
  });

program
  .command('lint')
  .description('Check runbooks: schema, PromQL syntax, unsafe commands outside gates, structure.')
  .argument('[paths...]', 'files, folders or globs (default runbooks/**/*.md)')
  .option('--format <name>', 'stylish | json | sarif | github', 'stylish')
  .option('--config <path>', 'config file (default: .runbookrc found upward)')
  .option('--max-warnings <n>', 'fail when there are more warnings than this')
  .option('--cache', 'skip files unchanged since the last run')
  .option('--cache-location <path>', 'cache file (default .runbook/lint-cache.json)')
  .option('--postmortem', 'lint the files as postmortems')
  .action(async (paths: string[], options: Record<string, unknown>) => {
    const { lintCommand } = await import('./commands/lint.js');
    process.exitCode = await lintCommand(paths, options, processIO());
  });

program
  .command('export')
  .description('Turn a run\'s timeline into a blameless postmortem, an executed notebook, or JSON.')
  .argument('<timeline>', 'timeline file (.jsonl)')
  .option('--format <name>', 'postmortem | notebook | json | otlp', 'postmortem')
  .option('--out <file>', 'write here instead of stdout (charts are written beside it)')
  .option('--prometheus <url>', 'Prometheus to fetch chart data from (default: the run\'s)')
  .option('--anonymize', 'replace user names with roles such as "responder 1"')
  .option('--endpoint <url>', 'otlp: collector base URL; posts to <url>/v1/traces (default: $OTEL_EXPORTER_OTLP_ENDPOINT)')
  .option('--header <k=v>', 'otlp: request header, repeatable (adds to $OTEL_EXPORTER_OTLP_HEADERS)', (v: string, all: string[] = []) => [...all, v])
  .action(async (timeline: string, options: Record<string, unknown>) => {
    const { exportCommand } = await import('./commands/export.js');
    process.exitCode = await exportCommand(timeline, options, processIO());
  });

program
  .command('import')
  .description('Turn prose runbooks into format-v1 runbooks with typed steps.')
  .argument('<paths...>', 'Markdown files or folders')
  .option('--out <dir>', 'write converted runbooks into this folder')
  .option('--write', 'convert the files in place')
  .option('--report <format>', 'print the conversion report as `json`')
  .action(async (paths: string[], options: Record<string, unknown>) => {
    const { importCommand } = await import('./commands/import.js');
    process.exitCode = await importCommand(paths, options, processIO());
  });

program
  .command('coverage')
  .description('Report alerting rules without a runbook, runbooks answering no rule, runbook_urls resolving to no file.')
  .argument('[paths...]', 'runbook files, folders or globs (default runbooks/)')
  .option('--rules <path>', 'Prometheus rule file, PrometheusRule manifest, or a folder of them (repeatable)', collect)
  .option('--runbook-url <pattern>', 'published runbook URL with `{path}` (else .runbookrc `runbookUrl`)')
  .option('--format <name>', 'stylish | json | sarif | github', 'stylish')
  .option('--config <path>', 'config file (default: .runbookrc found upward)')
  .action(async (paths: string[], options: Record<string, unknown>) => {
    const { coverageCommand } = await import('./commands/coverage.js');
    process.exitCode = await coverageCommand(paths, options, processIO());
  });

program
  .command('alerts')
  .description('List the firing alerts of an Alertmanager with the runbook that answers each.')
  .argument('[paths...]', 'runbook files, folders or globs (default runbooks/)')
  .option('--alertmanager <url>', 'Alertmanager base URL (else RUNBOOK_ALERTMANAGER_URL, .runbookrc `alertmanager`)')
  .option('--json', 'print the alerts as JSON')
  .action(async (paths: string[], options: Record<string, unknown>) => {
    const { alertsCommand } = await import('./commands/alerts.js');
    process.exitCode = await alertsCommand(paths, options, processIO());
  });

program
  .command('serve')
  .description('Answer Alertmanager webhooks: run each newly firing alert\'s runbook read-only, timelines under --out.')
  .argument('[paths...]', 'runbook files, folders or globs (default runbooks/)')
  .option('--listen <host:port>', 'where to listen (default 127.0.0.1:9095: loopback)')
  .option('--out <dir>', 'folder for the timelines of the runs')
  .option('--token <token>', 'require Authorization: Bearer <token> on POST /webhook (else RUNBOOK_SERVE_TOKEN)')
  .option('--max-runs <n>', 'most runs at once (default 4)')
  .option('--prometheus <url>', 'Prometheus base URL for the runs')
  .option('--context <name>', 'Kubernetes context for the runs')
  .option('--namespace <name>', 'Kubernetes namespace for the runs')
  .option('--kubeconfig <path>', 'kubeconfig file for kubectl')
  .action(async (paths: string[], options: Record<string, unknown>) => {
    const { serveCommand } = await import('./commands/serve.js');
    process.exitCode = await serveCommand(paths, options, processIO());
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version are "errors" to commander with exit code 0.
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  const code = typeof (error as { exitCode?: unknown })?.exitCode === 'number' ? (error as { exitCode: number }).exitCode : EXIT.failure;
  // Usage errors quote the values they refuse, and a refused value can be a secret.
  const message = createRedactor()(error instanceof Error ? error.message : String(error));
  process.stderr.write(`runbook: ${message}\n`);
  if (process.env.RUNBOOK_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return code;
}
