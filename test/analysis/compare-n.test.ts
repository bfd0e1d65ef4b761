import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { measurements } from '../../server/db/schema/index.ts';
import { startHttpServer } from '../../server/http/server.ts';
import { createCollection, findDatasets, getCollection, registerDatasetType, tagDatasets } from '../../server/repo/index.ts';
import { cliEnv, runCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/db.ts';
import { seedDimensions } from '../support/factories.ts';
import { registerIn } from '../support/repo-fixtures.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);

interface Comparison {
  base: { label: string };
  head: { label: string };
  rows: { metric: string; dataId: Record<string, unknown> | null; base: number | null; head: number | null; delta: number | null }[];
}

/**
 * Three collections with one metric on two visits: a base run, another run, and a release
 * (TAGGED) holding a third run's Measurement datasets. Values differ by known amounts.
 */
async function threeCollections(): Promise<{ token: string }> {
  const { actor, token } = await v.user('alice', 'developer');
  await seedDimensions(t.db, { nVisits: 2, nDetectors: 1 });
  await registerDatasetType(t.db, { name: 'metricvalue_demo_offset', dimensions: ['visit'], storageClass: 'Measurement' }, actor);
  const offsets = { 'u/alice/base': 1, 'u/alice/other': 3, 'u/alice/third': 6 } as const;
  for (const [run, offset] of Object.entries(offsets)) {
    const refs = await registerIn(t.db, actor, run, 'metricvalue_demo_offset', [{ instrument: 'TestCam', visit: 1 }, { instrument: 'TestCam', visit: 2 }]);
    const runId = (await getCollection(t.db, run)).id;
    await t.db.insert(measurements).values(
      refs.map((d, i) => ({
        metricName: 'demo.offset',
        value: offset + i * 0.5,
        unit: 'mmag',
        dataset: 'TestCam/raw',
        dataId: { visit: i + 1 },
        datasetId: d.id,
        runId,
        countsAs: 'branch' as const,
      })),
    );
  }
  await createCollection(t.db, { name: 'u/alice/release', type: 'TAGGED', doc: 'the third run, released' }, actor);
  const third = await findDatasets(t.db, { datasetType: 'metricvalue_demo_offset', collections: ['u/alice/third'] });
  await tagDatasets(t.db, 'u/alice/release', third.map((d) => d.id), actor);
  return { token };
}

describe('compare of N collections', () => {
  it('compares three collections (two runs and a release), each against the first, through GraphQL and the CLI', async () => {
    const { token } = await threeCollections();

    const r = await v.gql<{ compareCollections: Comparison[] }>(
      'query ($c: [String!]!) { compareCollections(collections: $c) { base { label } head { label } rows { metric dataId base head delta } } }',
      { c: ['u/alice/base', 'u/alice/other', 'u/alice/release'] },
    );
    expect(r.errors).toBeUndefined();
    const cmp = r.data!.compareCollections;
    // Not two: the third collection is compared too, in the order given.
    expect(cmp.map((c) => [c.base.label, c.head.label])).toEqual([
      ['u/alice/base', 'u/alice/other'],
      ['u/alice/base', 'u/alice/release'],
    ]);
    const perVisit = (c: Comparison) => c.rows.filter((x) => x.metric === 'demo.offset' && x.dataId !== null).sort((a, b) => Number(a.dataId!.visit) - Number(b.dataId!.visit));
    expect(perVisit(cmp[0]!).map((x) => [x.base, x.head, x.delta])).toEqual([
      [1, 3, 2],
      [1.5, 3.5, 2],
    ]);
    expect(perVisit(cmp[1]!).map((x) => [x.base, x.head, x.delta])).toEqual([
      [1, 6, 5],
      [1.5, 6.5, 5],
    ]);

    // The CLI prints one comparison per head, the release's included.
    const server = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0 });
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-compare-n-'));
    try {
      const out = await runCli(['compare', '--runs', 'u/alice/base,u/alice/other,u/alice/release', '--json'], cliEnv(home, undefined, { VERA_URL: server.url, VERA_TOKEN: token }));
      expect(out.code, out.stderr).toBe(0);
      const printed = JSON.parse(out.stdout) as Comparison[];
      expect(printed.map((c) => c.head.label)).toEqual(['u/alice/other', 'u/alice/release']);
    } finally {
      await server.close();
      fs.rmSync(home, { recursive: true, force: true });
    }

    const bad = await v.gql('{ compareCollections(collections: ["u/alice/base", "u/alice/nope", "u/alice/other"]) { head { label } } }');
    expect(bad.errors?.[0]?.extensions.code).toBe('UNKNOWN_RUN');
  });
});
