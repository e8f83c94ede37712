/**
 * Pure text formatters shared by the interactive UI, the plain log and exports. No ink or React here:
 * importing this folder must stay cheap.
 */
export { argvText, commandLines, kubeWhere, quoteArg, type KubeWhere } from './command.js';
export { linesText, plain, type Line, type Tone } from './lines.js';
export { formatValue, sampleValue } from './number.js';
export { formatBytes, formatOutput, type FormattedOutput } from './output.js';
export { formatStepResult, stepSeconds, type ResultOptions } from './result.js';
export { formatRangeTable, formatTimeSpan, sparkline, SPARK_BLOCKS, type RangeOptions } from './sparkline.js';
export { formatNextSteps, formatSummary, nextCommands, summarizeRun, type RunSummary, type SummaryStep } from './summary.js';
export { formatSeriesTable, labelColumns, seriesValue, sortSeries, type TableOptions } from './table.js';
export { ELLIPSIS, padEnd, padStart, textWidth, truncate, wrapLine } from './text.js';
export { formatClock, formatDuration, formatLocal, formatSpan, formatUtc } from './time.js';
