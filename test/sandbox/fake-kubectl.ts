/**
 * Prologues for fake kubectl scripts. A run sends every ungated kubectl command through a read-only
 * `kubectl proxy` started with the kubectl on PATH (src/exec/runners/kubectl-proxy.ts), so a fake kubectl
 * must play that part too: `proxy` announces an address and waits until stopped, `config view` (the
 * context's namespace) prints nothing. Neither is recorded as a call of the fake.
 */

/** For `#!/bin/sh` fakes: put right after the shebang line. */
export const SH_FAKE_PROXY = `case "$1" in
  proxy) echo "Starting to serve on 127.0.0.1:9"; exec sleep 600 ;;
  config) exit 1 ;;
esac
`;

/** For `#!/usr/bin/env node` fakes: put right after the shebang line. */
export const NODE_FAKE_PROXY = `if (process.argv[2] === 'proxy') { process.stdout.write('Starting to serve on 127.0.0.1:9\\n'); setInterval(() => {}, 1 << 30); }
else if (process.argv[2] === 'config') process.exit(1);
else {
`;
/** Closes {@link NODE_FAKE_PROXY}: put at the end of the script. */
export const NODE_FAKE_PROXY_END = '\n}\n';
