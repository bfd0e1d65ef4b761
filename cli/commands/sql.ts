import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { DuckDBInstance } from '@duckdb/node-api';
import { runSql, SQL_DEFAULT_ROWS, SQL_MAX_ROWS, viewsOfDirectory, type SqlColumn, type SqlResult, type SqlValue } from '../../server/analysis/sql.ts';
import { VeraError } from '../../server/errors.ts';
import { splitList, withClient } from '../context.ts';
import { formatTable } from '../output.ts';
import { graphql } from '../generated/gql.ts';

const SQL_QUERY = graphql(`
  query Sql($query: String!, $collections: [String!]!, $limit: Int, $timeoutSeconds: Int) {
    sql(query: $query, collections: $collections, limit: $limit, timeoutSeconds: $timeoutSeconds) {
      columns { name type } rows truncated views { name files }
    }
  }
`);

const FORMATS = ['table', 'csv', 'json', 'parquet'] as const;
type Format = (typeof FORMATS)[number];

export function register(program: Command): void {
  program
    .command('sql')
    .description('run one SELECT with DuckDB over the Parquet catalogs of collections (each dataset type a view), or of a local directory')
    .argument('<query>', 'one SELECT or WITH ... SELECT statement, e.g. "SELECT collection, count(*) FROM src GROUP BY 1"')
    .option('--collections <names>', 'collections (RUN, TAGGED, CHAINED), comma-separated; queried on the server')
    .option('--dir <path>', 'a local directory of Parquet: each file (or sub-directory of files) is a view; queried here')
    .option('--format <format>', `output: ${FORMATS.join(', ')}`, 'table')
    .option('--output <file>', 'write to this file instead of standard output (needed for parquet)')
    .option('--limit <n>', `at most this many rows (default ${SQL_DEFAULT_ROWS}, at most ${SQL_MAX_ROWS})`)
    .option('--timeout <seconds>', 'stop the query after this long', '30')
    .action(async (query: string, opts: { collections?: string; dir?: string; format: string; output?: string; limit?: string; timeout: string }) => {
      const format = opts.format as Format;
      if (!FORMATS.includes(format)) throw new VeraError('BAD_INPUT', `--format must be one of ${FORMATS.join(', ')}, got '${opts.format}'`);
      if (format === 'parquet' && !opts.output) throw new VeraError('BAD_INPUT', '--format parquet needs --output <file>');
      const limit = opts.limit !== undefined ? positiveInt(opts.limit, '--limit', SQL_MAX_ROWS) : SQL_DEFAULT_ROWS;
      const timeout = positiveInt(opts.timeout, '--timeout', 300);
      if (Boolean(opts.collections) === Boolean(opts.dir)) throw new VeraError('BAD_INPUT', 'give either --collections a,b,... (catalogs on the server) or --dir <path> (local Parquet)');
      let result: SqlResult;
      if (opts.dir) {
        result = await runSql(viewsOfDirectory(opts.dir), query, { maxRows: limit, timeoutMs: timeout * 1000 });
      } else {
        const collections = splitList(opts.collections!);
        const { sql } = await withClient((c) => c.request(SQL_QUERY, { query, collections, limit, timeoutSeconds: timeout }));
        // Rows are JSON lists (the schema's JSON scalar), in column order.
        result = { columns: sql.columns, rows: sql.rows as unknown as SqlValue[][], truncated: sql.truncated };
      }
      if (result.truncated) process.stderr.write(`more rows matched: only the first ${limit} are shown (--limit)\n`);
      if (format === 'parquet') return writeParquet(result, opts.output!);
      const text = format === 'csv' ? toCsv(result) : format === 'json' ? `${JSON.stringify(toObjects(result), null, 2)}\n` : formatTable(result.columns.map((c) => c.name), result.rows);
      if (opts.output) fs.writeFileSync(opts.output, text);
      else process.stdout.write(text);
    });
}

function positiveInt(s: string, flag: string, max: number): number {
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < 1 || n > max) throw new VeraError('BAD_INPUT', `${flag} must be an integer between 1 and ${max}, got '${s}'`);
  return n;
}

/** Rows as objects keyed by column name, as `--format json` prints them. */
export function toObjects(r: SqlResult): Record<string, unknown>[] {
  return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])));
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(r: SqlResult): string {
  return [r.columns.map((c) => csvCell(c.name)), ...r.rows.map((row) => row.map(csvCell))].map((l) => `${l.join(',')}\n`).join('');
}

const SCALAR_TYPE = /^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\)|VARCHAR|DATE|TIMESTAMP|TIMESTAMP WITH TIME ZONE)$/;

/** The result written as Parquet with its column types (nested types as their JSON text). */
async function writeParquet(r: SqlResult, out: string): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-sql-'));
  try {
    const json = path.join(tmp, 'rows.json');
    fs.writeFileSync(json, JSON.stringify(toObjects(r)));
    const columns = r.columns.map((c: SqlColumn) => `${quote(c.name)}: ${quote(SCALAR_TYPE.test(c.type) ? c.type : 'VARCHAR')}`).join(', ');
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    try {
      const select = r.rows.length ? `SELECT * FROM read_json(${quote(json)}, format = 'array', columns = {${columns}})` : `SELECT ${r.columns.map((c) => `NULL::${SCALAR_TYPE.test(c.type) ? c.type : 'VARCHAR'} AS "${c.name.replace(/"/g, '""')}"`).join(', ')} LIMIT 0`;
      await conn.run(`COPY (${select}) TO ${quote(path.resolve(out))} (FORMAT parquet)`);
    } finally {
      conn.closeSync();
      instance.closeSync();
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;
