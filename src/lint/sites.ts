/**
 * Where the commands and queries of a runbook are: every kubectl/sh command line and every PromQL body,
 * whether written as a step, as a check, or inside a mitigation. Rules walk these instead of each
 * re-deriving the mitigate layout.
 */
import type { Attributes, Position, Runbook, Step } from '../parse/model.js';
import { splitCommandLine, type CommandLine } from '../steps/command-line.js';

// Several rules walk the same sites and split the same command lines: each is computed once per runbook.
const commandSiteMemo = new WeakMap<Runbook, readonly CommandSite[]>();
const promqlSiteMemo = new WeakMap<Runbook, readonly PromqlSite[]>();
const commandLineMemo = new Map<string, CommandLine>();

/** splitCommandLine(body), computed once per body (rules must not change the result). */
export function commandLine(body: string): Readonly<CommandLine> {
  let line = commandLineMemo.get(body);
  if (!line) {
    // Bounded: a long run over many files must not keep every body it saw.
    if (commandLineMemo.size >= 2000) commandLineMemo.clear();
    line = splitCommandLine(body);
    commandLineMemo.set(body, line);
  }
  return line;
}

/** One command body: a `kubectl`/`sh` step, a `check` with `run=`, or a mitigation's action or rollback. */
export interface CommandSite {
  step: Step;
  runner: 'kubectl' | 'sh';
  /** What the body is to its step. */
  role: 'step' | 'check' | 'action' | 'rollback';
  body: string;
  /** Offset of `body` in the source. */
  bodyStart: number;
  attributes: Attributes;
  /** The fence or block the body belongs to (its first line is where attributes are written). */
  position: Position;
  /** True inside a `mitigate`: the executor asks for approval before running it. */
  gated: boolean;
}

/** One PromQL body: a `promql` step, a PromQL `check`, or a mitigation's PromQL check. */
export interface PromqlSite {
  step: Step;
  role: 'step' | 'check' | 'mitigate-check';
  body: string;
  bodyStart: number;
  attributes: Attributes;
  position: Position;
}

/** Every command body of the runbook, in document order. */
export function commandSites(runbook: Runbook): readonly CommandSite[] {
  let sites = commandSiteMemo.get(runbook);
  if (!sites) commandSiteMemo.set(runbook, (sites = findCommandSites(runbook)));
  return sites;
}

function findCommandSites(runbook: Runbook): CommandSite[] {
  const sites: CommandSite[] = [];
  for (const step of runbook.steps) {
    const base = { step, attributes: step.attributes, position: step.position };
    if (step.kind === 'kubectl' || step.kind === 'sh') {
      sites.push({ ...base, runner: step.kind, role: 'step', body: step.body, bodyStart: step.bodyPosition.start.offset, gated: false });
    } else if (step.kind === 'check' && isRunner(step.attributes.run)) {
      sites.push({ ...base, runner: step.attributes.run, role: 'check', body: step.body, bodyStart: step.bodyPosition.start.offset, gated: false });
    } else if (step.kind === 'mitigate' && step.mitigation) {
      const { actions, rollback, check } = step.mitigation;
      for (const [role, list] of [['action', actions], ['rollback', rollback]] as const) {
        for (const action of list) {
          sites.push({
            step,
            runner: action.kind,
            role,
            body: action.body,
            bodyStart: action.bodyPosition.start.offset,
            attributes: action.attributes,
            position: action.position,
            gated: true,
          });
        }
      }
      if (check && isRunner(check.attributes.run)) {
        sites.push({
          step,
          runner: check.attributes.run,
          role: 'check',
          body: check.body,
          bodyStart: check.bodyPosition.start.offset,
          attributes: check.attributes,
          position: check.position,
          // The verifying check runs after approval of the mitigation, but it is meant to only read.
          gated: false,
        });
      }
    }
  }
  return sites;
}

/** Every PromQL body of the runbook, in document order. */
export function promqlSites(runbook: Runbook): readonly PromqlSite[] {
  let sites = promqlSiteMemo.get(runbook);
  if (!sites) promqlSiteMemo.set(runbook, (sites = findPromqlSites(runbook)));
  return sites;
}

function findPromqlSites(runbook: Runbook): PromqlSite[] {
  const sites: PromqlSite[] = [];
  for (const step of runbook.steps) {
    const base = { step, attributes: step.attributes, position: step.position, body: step.body, bodyStart: step.bodyPosition.start.offset };
    if (step.kind === 'promql') sites.push({ ...base, role: 'step' });
    else if (step.kind === 'check' && isPromqlCheck(step.attributes)) sites.push({ ...base, role: 'check' });
    else if (step.kind === 'mitigate' && step.mitigation?.check && isPromqlCheck(step.mitigation.check.attributes)) {
      const check = step.mitigation.check;
      sites.push({
        step,
        role: 'mitigate-check',
        body: check.body,
        bodyStart: check.bodyPosition.start.offset,
        attributes: check.attributes,
        position: check.position,
      });
    }
  }
  return sites;
}

function isRunner(value: string | undefined): value is 'kubectl' | 'sh' {
  return value === 'kubectl' || value === 'sh';
}

/** A check queries Prometheus unless it runs a command or asserts on an earlier step's result. */
function isPromqlCheck(attributes: Attributes): boolean {
  return attributes.run === undefined && attributes.of === undefined;
}
