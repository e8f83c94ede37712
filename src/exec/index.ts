/** The executor's public surface: run a runbook, plan it, and the gate interface a UI implements. */
export { parseAt } from './at.js';
export { assertCommand, assertQuery, type AssertionOutcome } from './assert.js';
export { CaptureError, evaluateCaptures, parseCaptures, type CaptureSpec } from './capture.js';
export {
  captureMarker,
  exitCodeForRun,
  preflight,
  PreflightError,
  runRunbook,
  validateApprovals,
  type ExecDeps,
  type RunOptions,
  type RunResult,
  type StepOutcome,
  type TimelineSink,
} from './executor.js';
export { approvalGate, isPreApproved, toVerdict, type Gate, type GateAnswer, type GateRequest, type GateVerdict } from './gate.js';
export { matchesWhole, parseParamArguments, resolveParams } from './params.js';
export {
  commandsOf,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_VERIFY,
  PlanError,
  planStep,
  stepCommand,
  type PlanContext,
  type PlannedCheck,
  type PlannedCommand,
  type PlannedProcess,
  type PlannedQuery,
  type PlannedStep,
} from './plan.js';
export { spawnProcess, type ProcessResult, type SpawnFn, type SpawnRequest } from './process.js';
export { createPrometheusDriver, PrometheusQueryError, runQuery, type PrometheusClientFactory, type PrometheusQueryClient } from './prometheus.js';
export { envNameFor, RenderError, renderKubectlArgv, renderShellScript, withKubeTarget } from './render.js';
export {
  readResumeState,
  remainingSteps,
  priorOutcomes,
  resumeGate,
  resumeRunbook,
  mayHaveRunWarning,
  ResumeError,
  type ResumeState,
  type ResumeOptions,
  type InterruptedStep,
} from './resume.js';
export { assessRun, checkRoles, mitigationText, OUTCOME_EXIT_CODES, secondsText, type AppliedMitigation, type CheckRole, type OutcomeReport, type OutcomeStep, type RunOutcome } from './outcome.js';
