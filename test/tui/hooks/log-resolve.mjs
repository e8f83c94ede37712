/**
 * `node --import <this file>`: logs every module URL the process resolves, one per line, to the file named
 * by RUNBOOK_RESOLVE_LOG. Used to prove which commands load ink and React (see ../lazy-load.test.ts).
 */
import { register } from 'node:module';

const log = process.env.RUNBOOK_RESOLVE_LOG;
if (log) register('./log-resolve-hooks.mjs', import.meta.url, { data: { log } });
