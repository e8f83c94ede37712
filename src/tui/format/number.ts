/** Sample values for people: the one rule in src/format/number.ts, re-exported for the UI's formatters. */
export { formatValue, sampleValue } from '../../format/number.js';
