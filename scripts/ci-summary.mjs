#!/usr/bin/env node
// Sums vitest JSON reports (plus extra checks such as typecheck) into the
// plain "N passed, N failed" line CI reads. A missing report counts as a
// failure so a suite that crashed before reporting cannot pass silently.
import { existsSync, readFileSync } from 'node:fs';

const args = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--extra-pass') {
    passed += Number(args[++i] ?? 0);
    continue;
  }
  if (a === '--extra-fail') {
    failed += Number(args[++i] ?? 0);
    continue;
  }
  if (!existsSync(a)) {
    console.log(`missing report: ${a}`);
    failed += 1;
    continue;
  }
  const r = JSON.parse(readFileSync(a, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // Files that failed to load report no tests; count each as a failure.
  for (const f of r.testResults ?? []) {
    if (f.status === 'failed' && (f.assertionResults ?? []).length === 0) {
      failed += 1;
    }
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
