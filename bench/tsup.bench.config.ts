/**
 * A fallback build of the CLI for the benchmarks, used only when the regular build fails because a command
 * module named in src/cli/main.ts does not exist yet (they are written concurrently). It is tsup.config.ts
 * itself, with missing `./commands/*.js` imports left external (only invoking those commands would fail),
 * no type declarations, and output in bench/.work/cli like the regular benchmark build.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'tsup';
import type { Options } from 'tsup';
import base from '../tsup.config.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const project = base as Options;

export default defineConfig({
  ...project,
  dts: false,
  outDir: join(root, 'bench/.work/cli'),
  esbuildPlugins: [
    ...(project.esbuildPlugins ?? []),
    {
      name: 'missing-commands-external',
      setup(build) {
        build.onResolve({ filter: /^\.\/commands\/[\w-]+\.js$/ }, (args) => {
          const source = join(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
          return existsSync(source) ? undefined : { path: args.path, external: true };
        });
      },
    },
  ],
});
