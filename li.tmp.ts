import { readFileSync } from 'node:fs';
import { importRunbook } from './src/import/index.js';
const f = process.argv[2];
const r = importRunbook(readFileSync(f,'utf8'), { path: f });
console.log(r.output); console.log(JSON.stringify({steps:r.report.steps, prose:r.report.prose, params: r.report.params}));
