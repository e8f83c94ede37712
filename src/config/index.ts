/** `.runbookrc`: its schema and loader, shared by `runbook lint` and `runbook run`. */
export { CONFIG_FILE_NAMES, findConfigFile, formatKeyPath, formatSchemaErrors, loadConfig, parseConfig, schemaAjv, validateConfig } from './load.js';
export type { LoadedConfig } from './load.js';
export { RUNBOOKRC_SCHEMA, SEVERITIES } from './schema.js';
export type { RuleSetting, RunbookConfig, Severity } from './schema.js';
