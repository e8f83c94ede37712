/**
 * Ends a test run with one plain line, `tests: N passed, N failed, N skipped`, after vitest's own summary,
 * so CI systems that read a closing line count the tests whatever runner printed them.
 */
import type { Reporter, TestCase, TestModule } from 'vitest/node';

/** Counts test results and prints the closing line. */
export default class SummaryReporter implements Reporter {
  private passed = 0;
  private failed = 0;
  private skipped = 0;

  onTestCaseResult(testCase: TestCase): void {
    const state = testCase.result().state;
    if (state === 'passed') this.passed++;
    else if (state === 'failed') this.failed++;
    else this.skipped++;
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    // A module that failed to load has no test cases but must still count as a failure.
    const brokenModules = testModules.filter((m) => m.state() === 'failed' && [...m.children.allTests()].length === 0).length;
    const failed = this.failed + brokenModules + unhandledErrors.length;
    process.stdout.write(`\ntests: ${this.passed} passed, ${failed} failed, ${this.skipped} skipped\n`);
  }
}
