/**
 * Where the commands and queries of a runbook are: every kubectl/sh command line and every PromQL body,
 * whether written as a step, as a check, or inside a mitigation. Rules walk these instead of each
 * re-deriving the mitigate layout.
 */
import type { Runbook, Step } from '../model/index.js';
import { splitCommandLine, type CommandLine } from '../steps/command-line.js';
import { stepDefinition, type CommandSiteShape, type PromqlSiteShape, type StepDefinition } from '../steps/index.js';

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
export interface CommandSite extends CommandSiteShape {
  step: Step;
}

/** One PromQL body: a `promql` step, a PromQL `check`, or a mitigation's PromQL check. */
export interface PromqlSite extends PromqlSiteShape {
  step: Step;
}

/** Every command body of the runbook, in document order. */
export function commandSites(runbook: Runbook): readonly CommandSite[] {
  let sites = commandSiteMemo.get(runbook);
  if (!sites) commandSiteMemo.set(runbook, (sites = findSites(runbook, (d, step) => d.lint?.commands?.(step))));
  return sites;
}

/** Every PromQL body of the runbook, in document order. */
export function promqlSites(runbook: Runbook): readonly PromqlSite[] {
  let sites = promqlSiteMemo.get(runbook);
  if (!sites) promqlSiteMemo.set(runbook, (sites = findSites(runbook, (d, step) => d.lint?.promql?.(step))));
  return sites;
}

// Each kind says which of its bodies lint sees (src/steps/<kind>.ts `lint`); a kind without any has none.
function findSites<S>(runbook: Runbook, of: (definition: StepDefinition, step: Step) => readonly S[] | undefined): Array<S & { step: Step }> {
  const sites: Array<S & { step: Step }> = [];
  for (const step of runbook.steps) {
    const definition = stepDefinition(step.kind);
    for (const site of (definition && of(definition, step)) ?? []) sites.push({ step, ...site });
  }
  return sites;
}
