/**
 * kubectl bodies: one command line, no shell. Reuses the step kind's own splitter and maps its body offsets
 * into the file so every problem is positioned.
 */
import { splitCommandLine } from './command-line.js';
import type { BodyOffsetMap, BodyReporter } from './definition.js';

/** Reports shell syntax and extra command lines in a kubectl body. Returns true when the body is clean. */
export function checkKubectlBody(body: string, toFile: BodyOffsetMap, report: BodyReporter): boolean {
  const { words, problems } = splitCommandLine(body);
  for (const problem of problems) {
    report.error('kubectl-shell-syntax', problem.message, toFile(problem.start), toFile(problem.end));
  }
  for (let i = 1; i < words.length; i++) {
    // Words are on different command lines when the gap between them has a line break that is not a `\`
    // continuation. A lone `\r` is a line break too (for Markdown and every position): the splitter reads it as
    // a space, so without this, what an editor shows as two command lines would run as one command.
    const gap = body.slice(words[i - 1]!.end, words[i]!.start).replace(/\\\r?\n/g, '');
    if (/[\r\n]/.test(gap)) {
      const second = words[i]!;
      const lineEnd = second.start + /[\r\n]|$/.exec(body.slice(second.start))!.index;
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
