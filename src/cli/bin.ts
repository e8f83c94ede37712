#!/usr/bin/env node
/**
 * The `runbook` executable. It turns on V8's compile cache before any of our modules load (Node ≥ 22.1 has
 * `module.enableCompileCache`; on Node 20 this is a no-op), so a warm start skips compiling our chunks again.
 */
import module from 'node:module';

const enable = (module as { enableCompileCache?: () => unknown }).enableCompileCache;
if (typeof enable === 'function') {
  try {
    enable();
  } catch {
    // A cache directory we cannot write is no reason to fail a command.
  }
}

await import('./main.js');
