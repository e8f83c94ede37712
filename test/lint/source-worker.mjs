// The lint worker from source, for tests: product code never loads tsx (a devDependency), so the tests that
// run lintFiles with worker threads from src/ hand it this entry (LintFilesOptions.workerEntry).
import { register } from 'tsx/esm/api';

register();
await import('../../src/lint/worker.ts');
