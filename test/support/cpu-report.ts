import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect } from 'vitest';

/**
 * With VERA_TEST_CPU_REPORT=FILE, each test file appends one JSON line to FILE: the CPU seconds
 * its process used, itself and the child processes it waited for (CLI children, git, Chromium).
 * Unlike wall time, this does not depend on how busy the machine was, so it ranks the files that
 * make CI slow (`node scripts/test-cpu-report.mjs FILE`). A file's share is what its fork used
 * since the previous file in that fork ended (or since the fork started): the whole process when
 * each file has a fresh fork, and still the file's own when a fork runs several files.
 * Servers the tests reach (PostgreSQL, Slurm's batch jobs) are not counted.
 */
const reportFile = process.env.VERA_TEST_CPU_REPORT;
const previous = globalThis as { veraCpuReportLast?: { self: number; children: number } };
if (reportFile) {
  afterAll(() => {
    // /proc/self/stat: fields 14-17 are utime, stime, cutime, cstime in clock ticks (100 Hz).
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = (i: number) => Number(fields[i - 3]) / 100;
    const now = { self: ticks(14) + ticks(15), children: ticks(16) + ticks(17) };
    const last = previous.veraCpuReportLast ?? { self: 0, children: 0 };
    previous.veraCpuReportLast = now;
    const file = path.relative(process.cwd(), expect.getState().testPath ?? 'unknown');
    const line = { file, self: now.self - last.self, children: now.children - last.children, database: process.env.DATABASE_URL ? 'postgres' : 'pglite' };
    fs.appendFileSync(reportFile, `${JSON.stringify(line)}\n`);
  });
}
