import type { Reporter, TestModule } from 'vitest/node';
import { SHARED_PARTS, SHARED_SKIP_MARK, hasShared } from './shared.js';

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
      const missing = SHARED_PARTS.filter((p) => !hasShared(p)).map((p) => `../shared/${p}`);
      process.stdout.write(`\nskipped ${sharedGroups} test group(s) that read ${missing.join(', ')}: not found beside this clone (the corpus is not distributed with x12pas; CI runs them)\n`);
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
