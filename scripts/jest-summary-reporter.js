// Prints one plain closing line after Jest's own summary: `jest: N passed, N failed, N skipped`.
'use strict';
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests: passed, numFailedTests: failed, numPendingTests: skipped } = results;
    const broken = results.numRuntimeErrorTestSuites ?? 0;
    process.stdout.write(
      `\njest: ${passed} passed, ${failed + broken} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
    );
  }
}
module.exports = SummaryReporter;
