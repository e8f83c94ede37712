import type { StepKind } from '../parse/model.js';
import { check } from './check.js';
import type { StepDefinition } from './definition.js';
import { kubectl } from './kubectl.js';
import { logs } from './logs.js';
import { mitigate } from './mitigate.js';
import { promql } from './promql.js';
import { sh } from './sh.js';
import { trace } from './trace.js';

export type { AttributeProblem, AttributeSpec, StepDefinition } from './definition.js';
export { checkAttributes as checkAttributeSpecs } from './check.js';
export { actionAttributes } from './mitigate.js';

/** Every step kind and its definition. Explicit, never discovered from the filesystem. */
export const STEP_DEFINITIONS: Readonly<Record<StepKind, StepDefinition>> = { check, kubectl, logs, mitigate, promql, sh, trace };

/** True when `name` is a step kind of format v1. */
export function isStepKind(name: string): name is StepKind {
  return Object.hasOwn(STEP_DEFINITIONS, name);
}
