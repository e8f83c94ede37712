/** The tool version, recorded in every timeline's `run.started`. Kept in step with package.json by a test. */
export const VERSION = '0.1.0';
