import { defineConfig } from 'tsup';

export default defineConfig({
  // The lint worker is its own entry: worker_threads load it by file name next to the lint chunk.
  entry: { index: 'src/index.ts', cli: 'src/cli/bin.ts', 'lint-worker': 'src/lint/worker.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: true,
  // Code splitting keeps ink/React in their own chunk, loaded only by an interactive run.
  splitting: true,
});
