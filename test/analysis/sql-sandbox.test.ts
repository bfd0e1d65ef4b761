import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeCatalogParquet } from '../../pipelines/io/parquet.ts';
import { closeSqlSandboxes, runSql, type SqlFile, type SqlView } from '../../server/analysis/sql.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-sql-sandbox-'));
const LIMITS = { maxRows: 1000, timeoutMs: 60_000 };

/** A catalog whose refIds start at `first`, so each row tells which file it came from. */
function catalog(name: string, first: number, more: Record<string, Float64Array> = {}): string {
  const file = path.join(dir, `${name}.parquet`);
  const refId = Int32Array.from({ length: 3 }, (_, i) => first + i);
  fs.writeFileSync(file, writeCatalogParquet({ refId, psfFlux: Float64Array.from([1, 2, 3]), ...more }));
  return file;
}

afterAll(() => {
  closeSqlSandboxes();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('runSql views and kept sandboxes', () => {
  it('gives each row its own file’s data ID and collection, sees a new file at once, and a kept sandbox stays read-only', async () => {
    const files: SqlFile[] = [
      { path: catalog('a1', 100), columns: { collection: 'a', visit: 1, band: 'g' } },
      { path: catalog('a2', 200), columns: { collection: 'a', visit: 2, band: 'r' } },
      // A catalog column named like a data-ID column is left out: the data ID wins.
      { path: catalog('b1', 300, { extra: Float64Array.from([7, 8, 9]), visit: Float64Array.from([99, 99, 99]) }), columns: { collection: 'b', visit: 1 } },
    ];
    const views: SqlView[] = [{ name: 'src', files }];
    const q = 'SELECT collection, visit, band, refId, extra FROM src ORDER BY refId';
    const first = await runSql(views, q, LIMITS);
    expect(first.rows.map((r) => r.slice(0, 4))).toEqual([
      ['a', 1, 'g', 100], ['a', 1, 'g', 101], ['a', 1, 'g', 102],
      ['a', 2, 'r', 200], ['a', 2, 'r', 201], ['a', 2, 'r', 202],
      ['b', 1, null, 300], ['b', 1, null, 301], ['b', 1, null, 302],
    ]);
    // union_by_name across collections: a column only some files have is NULL elsewhere.
    expect(first.rows.map((r) => r[4])).toEqual([null, null, null, null, null, null, 7, 8, 9]);
    const onlyB = await runSql(views, "SELECT count(*) AS n FROM src WHERE collection = 'b'", LIMITS);
    expect(onlyB.rows).toEqual([[3]]);

    // The same views again (a kept sandbox): still no file but the catalogs.
    await expect(runSql(views, "SELECT * FROM read_csv('/etc/passwd')", LIMITS)).rejects.toMatchObject({ code: 'SQL_REFUSED' });
    await expect(runSql(views, 'DROP VIEW src', LIMITS)).rejects.toMatchObject({ code: 'SQL_REFUSED' });
    expect((await runSql(views, 'SELECT count(*) FROM src', LIMITS)).rows).toEqual([[9]]);

    // A new dataset is a new file list: its rows appear in the next query.
    const more: SqlView[] = [{ name: 'src', files: [...files, { path: catalog('b2', 400), columns: { collection: 'b', visit: 2 } }] }];
    const after = await runSql(more, "SELECT visit, min(refId) AS lo FROM src WHERE collection = 'b' GROUP BY visit ORDER BY visit", LIMITS);
    expect(after.rows).toEqual([[1, 300], [2, 400]]);
  }, 120_000);
});
