#!/usr/bin/env node
// Fails unless the Playwright JSON report shows browser tests that ran and passed.
import { readFileSync } from 'node:fs';

const file = 'test-results/e2e.json';
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
  console.error(`browser tests did not run: cannot read ${file} (${e.message})`);
  process.exit(1);
}
const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats ?? {};
console.log(`browser tests: ${expected} passed, ${unexpected} failed, ${flaky} flaky, ${skipped} skipped`);
if (expected === 0 || unexpected > 0 || skipped > 0) {
  console.error('browser tests did not all run and pass');
  process.exit(1);
}
