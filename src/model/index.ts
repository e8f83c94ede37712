/** The model: the Runbook the parser builds and the plan the executor runs. Types only, the ground floor. */
export type * from './runbook.js';
export type * from './plan.js';
