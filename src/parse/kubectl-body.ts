/**
 * kubectl bodies: one command line, no shell. Reuses the step kind's own splitter and maps its body offsets
 * into the file so every problem is positioned.
 */
import { splitCommandLine } from '../steps/command-line.js';
import type { Reporter } from './diagnostics.js';

/** Maps an offset in a body to an offset in the file. */
export type BodyOffsetMap = (offset: number) => number;

/** Reports shell syntax and extra command lines in a kubectl body. Returns true when the body is clean. */
export function checkKubectlBody(body: string, toFile: BodyOffsetMap, report: Reporter): boolean {
  const { words, problems } = splitCommandLine(body);
  for (const problem of problems) {
    report.error('kubectl-shell-syntax', problem.message, toFile(problem.start), toFile(problem.end));
  }
  for (let i = 1; i < words.length; i++) {
    // Words are on different command lines when the gap between them has a newline that is not a `\` continuation.
    const gap = body.slice(words[i - 1]!.end, words[i]!.start).replace(/\\\r?\n/g, '');
    if (gap.includes('\n')) {
      const second = words[i]!;
      let lineEnd = body.indexOf('\n', second.start);
      if (lineEnd === -1) lineEnd = body.length;
      else if (body[lineEnd - 1] === '\r') lineEnd--;
      report.error(
        'kubectl-multiple-commands',
        'Found a second command line in a kubectl step, which runs exactly one command; ' +
          'end the line with `\\` to continue it, split the commands into separate steps, or use an `sh` step',
        toFile(second.start),
        toFile(lineEnd),
      );
      break;
    }
  }
  return problems.length === 0;
}
