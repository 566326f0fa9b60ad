// Prints one plain closing line ("jest: 12 passed, 0 failed, 1 skipped") that CI tooling can read
// whatever the test runner, after Jest's own summary.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests, numFailedTests, numPendingTests, numRuntimeErrorTestSuites } = results;
    const failed = numFailedTests + numRuntimeErrorTestSuites;
    console.log(`\njest: ${numPassedTests} passed, ${failed} failed, ${numPendingTests} skipped`);
  }
}
