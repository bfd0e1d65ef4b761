#!/usr/bin/env node
// Sums and ranks the per-file CPU seconds a test run wrote with VERA_TEST_CPU_REPORT=FILE
// (test/support/cpu-report.ts): the files that cost CI the most, whatever the load was.
//
//   VERA_TEST_CPU_REPORT=/tmp/cpu.jsonl npm test && node scripts/test-cpu-report.mjs /tmp/cpu.jsonl [top]
import fs from 'node:fs';

const [file, topArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/test-cpu-report.mjs FILE [top]');
  process.exit(2);
}
const rows = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const top = Number(topArg ?? 25);
for (const database of [...new Set(rows.map((r) => r.database))]) {
  const mine = rows.filter((r) => r.database === database).map((r) => ({ ...r, total: r.self + r.children }));
  mine.sort((a, b) => b.total - a.total);
  const sum = mine.reduce((s, r) => s + r.total, 0);
  console.log(`${database}: ${mine.length} files, ${sum.toFixed(0)} CPU s (${(sum / 60).toFixed(1)} CPU min)`);
  for (const r of mine.slice(0, top)) {
    console.log(`  ${r.total.toFixed(1).padStart(7)} s  ${((100 * r.total) / sum).toFixed(1).padStart(5)}%  (self ${r.self.toFixed(1)}, children ${r.children.toFixed(1)})  ${r.file}`);
  }
}
