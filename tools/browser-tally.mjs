// A test-runner reporter that prints, once the run is over, one line per browser with how many tests it
// passed, failed and skipped, and how many files failed as a whole (e.g. a page that never loaded), so a run
// over several browsers says what each of them did. .ci/run repeats these lines.

function countTests(suite, tally) {
  for (const test of suite.tests) {
    if (test.skipped) tally.skipped++;
    else if (test.passed) tally.passed++;
    else tally.failed++;
  }
  for (const child of suite.suites) countTests(child, tally);
}

export function browserTally() {
  return {
    stop({ sessions }) {
      const tallies = new Map();
      for (const session of sessions) {
        const name = session.browser.name;
        if (!tallies.has(name)) tallies.set(name, { passed: 0, failed: 0, skipped: 0, filesFailed: 0 });
        const tally = tallies.get(name);
        if (session.testResults) countTests(session.testResults, tally);
        if (!session.passed) tally.filesFailed++;
      }
      for (const [name, { passed, failed, skipped, filesFailed }] of tallies) {
        console.log(`browser ${name}: ${passed} passed, ${failed} failed, ${skipped} skipped, ${filesFailed} test files failed`);
      }
    },
  };
}
