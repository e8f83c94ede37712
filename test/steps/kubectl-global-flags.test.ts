/**
 * The global-flag table (src/steps/kubectl-global-flags.ts) is what `kubectl options` of the kubectl on PATH
 * says: a kubectl upgrade that adds a flag or changes one's arity fails here, so the classifier never
 * guesses at a flag.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { KUBECTL_GLOBAL_FLAGS, parseKubectlOptions } from '../../src/steps/kubectl-global-flags.js';

describe('kubectl global flags', () => {
  it('match `kubectl options` of the kubectl on PATH', async () => {
    const { stdout } = await promisify(execFile)('kubectl', ['options'], { env: { PATH: process.env.PATH ?? '', HOME: '/nonexistent' } });
    const parsed = parseKubectlOptions(stdout);
    expect(parsed.length).toBeGreaterThan(20);
    expect(parsed).toEqual(KUBECTL_GLOBAL_FLAGS);
  });

  it('parses short forms, booleans and empty defaults', () => {
    const text = "    -n, --namespace='':\n\tIf present\n\n    --insecure-skip-tls-verify=false:\n\tx\n\n    --vmodule=:\n\ty\n";
    expect(parseKubectlOptions(text)).toEqual([
      { long: 'insecure-skip-tls-verify', value: false },
      { long: 'namespace', short: 'n', value: true },
      { long: 'vmodule', value: true },
    ]);
  });
});
