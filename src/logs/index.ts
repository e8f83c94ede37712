/** Logs: reading lines (JSON, logfmt, bracketed pairs) and a bounded summary of a stream. */
export { messagePattern, normalizeLevel, parseLine, parseLogfmt } from './parse.js';
export type { ParsedLine } from './parse.js';
export { LOG_BOUNDS, LogAggregator } from './aggregate.js';
export type { LogSummary } from './aggregate.js';
