/**
 * `runbook import`: prose runbooks (Hugo/Jekyll Markdown with shell and PromQL fences) to format v1.
 */
export type { ImportOptions, ImportResult } from './convert.js';
export { importRunbook } from './convert.js';
export type {
  Candidate, Conversion, FileReport, ImportedKind, ImportedParam, ImportedStepKind, ImportedStep, ImportReport, ImportTotals, ProseFence, ProseReason, Range,
} from './report.js';
export { IMPORTED_KINDS, PROSE_REASONS, summarise, totalsOf } from './report.js';
