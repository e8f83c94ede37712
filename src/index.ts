/**
 * runbook's public API. The CLI is a thin layer over these functions.
 */
export type * from './model/index.js';
export { parseRunbook } from './parse/index.js';
export type { ParseOptions, ParseResult } from './parse/index.js';
export { STEP_DEFINITIONS, STEP_KINDS, defineStepKind, isStepKind, registerStepKind, stepDefinition } from './steps/index.js';
export type { StepDefinition, StepKind } from './steps/index.js';
export { isReadOnlyKubectl, kubectlVerb } from './steps/kubectl-verbs.js';
export { splitCommandLine } from './steps/command-line.js';
export { findPlaceholders, renderTemplate } from './steps/template.js';
export { parseExpect } from './steps/expect.js';
export type * from './timeline/events.js';
export { EXIT, InvalidInputError, UsageError } from './errors.js';
export { VERSION } from './version.js';
export { lintRunbook, lintFiles, RULES } from './lint/index.js';
export { loadConfig } from './config/index.js';
export type { RunbookConfig } from './config/index.js';
export { runRunbook } from './exec/index.js';
export { openTimeline, readTimeline } from './timeline/index.js';
export { exportTimeline } from './export/index.js';
export { importRunbook } from './import/index.js';
