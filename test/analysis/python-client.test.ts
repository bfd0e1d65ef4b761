import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { writeCatalogParquet } from '../../pipelines/io/parquet.ts';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { createCollection, putDatasets, registerDatasetType } from '../../server/repo/index.ts';
import { cliEnv, runCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/db.ts';
import { PROJECT_ROOT } from '../support/git-repo.ts';
import { seedToyRaw } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);
const CLIENT = path.join(PROJECT_ROOT, 'clients/python/vera_client.py');
let server: VeraHttpServer | undefined;
const dirs: string[] = [];
afterAll(async () => {
  await server?.close();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function python(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('python3', [CLIENT, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const JOIN = `SELECT a.visit, a.detector, a.id, b.flux / a.flux AS ratio
  FROM cat a JOIN cat b USING (visit, detector, id)
  WHERE a.collection = 'u/alice/a' AND b.collection = 'u/alice/b' ORDER BY ALL`;

describe('the Python client (python3, standard library) against a real Vera on 127.0.0.1', () => {
  it('lists collections, finds and downloads datasets (checksum checked), and runs SQL with the same rows as the CLI', async () => {
    const { actor, token } = await v.user('alice', 'developer');
    await seedToyRaw(t.db, v.vera.datastore, actor, { nVisits: 2, nDetectors: 2 });
    await registerDatasetType(t.db, { name: 'cat', dimensions: ['visit', 'detector'], storageClass: 'Catalog' }, actor);
    for (const [run, scale] of [
      ['u/alice/a', 1],
      ['u/alice/b', 1.1],
    ] as const) {
      await createCollection(t.db, { name: run, type: 'RUN' }, actor);
      const items = [];
      for (const visit of [1, 2]) {
        for (const detector of [0, 1]) {
          const id = Int32Array.from([1, 2, 3]);
          const flux = Float64Array.from([100 * visit + detector, 200, 300].map((f) => f * scale));
          items.push({ datasetType: 'cat', dataId: { instrument: 'TestCam', visit, detector }, content: writeCatalogParquet({ id, flux }) });
        }
      }
      await putDatasets(t.db, v.vera.datastore, { run, items }, actor);
    }
    server = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0 });
    const env = { VERA_URL: server.url, VERA_TOKEN: token };
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-py-home-'));
    dirs.push(home);

    const cli = await runCli(['sql', JOIN, '--collections', 'u/alice/a,u/alice/b', '--format', 'json'], cliEnv(home, undefined, env));
    expect(cli.code, cli.stderr).toBe(0);
    const py = await python(['sql', JOIN, '--collections', 'u/alice/a,u/alice/b'], env);
    expect(py.code, py.stderr).toBe(0);
    const rows = JSON.parse(py.stdout) as { ratio: number }[];
    expect(rows).toHaveLength(12);
    expect(rows).toEqual(JSON.parse(cli.stdout));
    rows.forEach((r) => expect(r.ratio).toBeCloseTo(1.1, 12));
    const refused = await python(['sql', 'DROP VIEW cat', '--collections', 'u/alice/a'], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/SQL_REFUSED.*only a SELECT/);

    const names = (JSON.parse((await python(['collections'], env)).stdout) as { name: string }[]).map((c) => c.name);
    expect(names).toEqual(expect.arrayContaining(['u/alice/a', 'u/alice/b', 'TestCam/raw']));
    const found = JSON.parse((await python(['datasets', 'cat', '--collections', 'u/alice/b'], env)).stdout) as { id: string; path: string }[];
    expect(found).toHaveLength(4);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-py-'));
    dirs.push(dir);
    // Anonymous reading is on by default: no token needed to download.
    const got = await python(['download', found[0]!.id, dir], { ...env, VERA_TOKEN: '' });
    expect(got.code, got.stderr).toBe(0);
    const written = (JSON.parse(got.stdout) as { path: string }).path;
    expect(fs.readFileSync(written).equals(await v.vera.datastore.read(found[0]!.path))).toBe(true);
    expect(fs.readFileSync(written).subarray(0, 4).toString()).toBe('PAR1');

    // The HTTP route itself: checksum headers, a bad token refused, ids that are not UUIDs refused.
    const res = await fetch(`${server.url}/datasets/${found[0]!.id}/file`, { headers: { authorization: `Bearer ${token}` } });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('x-vera-checksum')).toBe(`sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`);
    expect(res.headers.get('digest')).toBe(`sha-256=${crypto.createHash('sha256').update(bytes).digest('base64')}`);
    expect(res.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect((await fetch(`${server.url}/datasets/${found[0]!.id}/file`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    for (const bad of ['..%2F..%2F..%2Fetc%2Fpasswd', '%2e%2e', 'not-a-uuid']) {
      const r = await fetch(`${server.url}/datasets/${bad}/file`);
      // 400 (not a UUID), or 404 where the URL parser folded the dots away: never the file.
      expect([400, 404], bad).toContain(r.status);
      expect(await r.text()).not.toMatch(/root:/);
    }

    // A file changed behind the registry's back: the client refuses it and leaves no file.
    const victim = found[1]!;
    const abs = v.vera.datastore.resolve(victim.path);
    const original = fs.readFileSync(abs);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 1] = tampered[tampered.length - 1]! ^ 0xff;
    fs.writeFileSync(abs, tampered);
    const bad = await python(['download', victim.id, path.join(dir, 'tampered.parquet')], env);
    fs.writeFileSync(abs, original);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/CHECKSUM_MISMATCH/);
    expect(fs.readdirSync(dir)).toEqual([path.basename(written)]);
  });
});
