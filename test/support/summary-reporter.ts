import type { Reporter, TestModule } from 'vitest/node';
import { SHARED_SKIP_MARK } from './shared.js';

/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, that any CI can read; before
 * it, when groups were skipped for want of ../shared, one line saying how many and why.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    let sharedGroups = 0;
    for (const m of testModules) {
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++;
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failed++;
        else skipped++;
        if (s === 'skipped' && t.name.startsWith(SHARED_SKIP_MARK)) sharedGroups++;
      }
    }
    if (sharedGroups > 0) {
      process.stdout.write(`\n${sharedGroups} test group(s) skipped: they read ../shared (corpus, FHIR packages), which is not beside this clone\n`);
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
