// Records how long each test file took (seconds, by path relative to the repository) into the file named
// by FULCRUM_TEST_DURATIONS_OUT, merged with what is there. test/support/split-tests.js reads the merged
// numbers (test/integration/durations.json) to balance the shards of the next run.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';

export default class DurationReporter {
  onRunComplete(_contexts, results) {
    const out = process.env.FULCRUM_TEST_DURATIONS_OUT;
    if (!out) return;
    let durations = {};
    try {
      durations = JSON.parse(readFileSync(out, 'utf8'));
    } catch {
      // first run: start empty
    }
    for (const suite of results.testResults) {
      const seconds = (suite.perfStats.end - suite.perfStats.start) / 1000;
      durations[relative(process.cwd(), suite.testFilePath)] = Math.round(seconds * 10) / 10;
    }
    const sorted = Object.fromEntries(Object.entries(durations).sort(([a], [b]) => a.localeCompare(b)));
    writeFileSync(out, JSON.stringify(sorted, null, 2) + '\n');
  }
}
