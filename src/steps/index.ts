/**
 * The step-kind registry: every kind of format v1, one file each, in an explicit map sorted by name (never
 * discovered from the filesystem). Parser, planner, lint, import, docs tables and JSON Schemas read it;
 * nothing outside src/steps/ switches over kinds.
 */
import { check } from './check.js';
import type { StepDefinition, StepRole } from './definition.js';
import { kubectl } from './kubectl.js';
import { logs } from './logs.js';
import { mitigate } from './mitigate.js';
import { promql } from './promql.js';
import { sh } from './sh.js';
import { trace } from './trace.js';

export type {
  AttributeProblem,
  AttributeSpec,
  BodySpec,
  CommandSiteShape,
  PlanTools,
  PromqlSiteShape,
  StepDefinition,
  StepRole,
} from './definition.js';
export { defineStepKind } from './definition.js';
export { checkAttributes as checkAttributeSpecs } from './check.js';
export { actionAttributes } from './mitigate.js';

/** Every built-in step kind and its definition, sorted by name. */
export const STEP_DEFINITIONS = { check, kubectl, logs, mitigate, promql, sh, trace } as const satisfies Readonly<Record<string, StepDefinition>>;

/** A built-in step kind of format v1. */
export type StepKind = keyof typeof STEP_DEFINITIONS;

/** Every built-in step kind, sorted by name. */
export const STEP_KINDS = Object.keys(STEP_DEFINITIONS) as readonly StepKind[];

// Kinds registered at run time (tests, embedders): looked up after the built-ins, never replacing one.
const registered = new Map<string, StepDefinition>();

/** The definition of `kind`, or undefined when no such kind is registered. */
export function stepDefinition(kind: string): StepDefinition | undefined {
  return Object.hasOwn(STEP_DEFINITIONS, kind) ? STEP_DEFINITIONS[kind as StepKind] : registered.get(kind);
}

/** The definition of a step's kind; throws for a kind nobody registered (the parser produces none). */
export function definitionOf(kind: string): StepDefinition {
  const definition = stepDefinition(kind);
  if (!definition) throw new Error(`Unknown step kind \`${kind}\` (not registered in src/steps/index.ts)`);
  return definition;
}

/**
 * What a kind's steps are to the summaries (outcome, TUI, postmortem, incident export): its definition's `role`,
 * or undefined for a kind nobody registered (a timeline written with one this build does not know).
 */
export function stepRole(kind: string | undefined): StepRole | undefined {
  return kind === undefined ? undefined : stepDefinition(kind)?.role;
}

/** True when `name` is a registered step kind. */
export function isStepKind(name: string): name is StepKind {
  return stepDefinition(name) !== undefined;
}

/** Every registered kind's name: the built-ins, then run-time registrations in order. */
export function stepKinds(): readonly string[] {
  return registered.size === 0 ? STEP_KINDS : [...STEP_KINDS, ...registered.keys()];
}

/** Every registered definition, in the order of stepKinds(). */
export function stepDefinitions(): readonly StepDefinition[] {
  return stepKinds().map(definitionOf);
}

/**
 * Adds a kind at run time (a test's throwaway kind, an embedder's own). Returns a function that removes it.
 * A built-in kind cannot be replaced.
 */
export function registerStepKind(definition: StepDefinition): () => void {
  if (stepDefinition(definition.kind)) throw new Error(`Step kind \`${definition.kind}\` is already registered`);
  registered.set(definition.kind, definition);
  return () => {
    if (registered.get(definition.kind) === definition) registered.delete(definition.kind);
  };
}
