/**
 * Transition re-export: the model moved to src/model/ (the ground floor) and the step kinds to the registry
 * in src/steps/index.ts. Import from those; this file goes once nothing imports it.
 */
export type * from '../model/runbook.js';
export { STEP_KINDS, type StepKind } from '../steps/index.js';
