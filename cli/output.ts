/** Terminal output helpers shared by CLI commands: aligned tables and JSON. */

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export type Cell = string | number | boolean | null | undefined;

/** Prints rows as a left-aligned table with a header, numbers right-aligned. */
export function printTable(headers: string[], rows: Cell[][]): void {
  process.stdout.write(formatTable(headers, rows));
}

export function formatTable(headers: string[], rows: Cell[][]): string {
  const text = rows.map((r) => r.map((c) => (c === null || c === undefined ? '' : String(c))));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] == null));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(headers), line(widths.map((w) => '-'.repeat(w))), ...text.map(line)];
  return `${out.join('\n')}\n`;
}

/** A data ID as `visit=1 detector=2`. */
export function dataIdText(dataId: unknown): string {
  return Object.entries((dataId ?? {}) as Record<string, unknown>)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}
