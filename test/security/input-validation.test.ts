import { describe, expect, it } from 'vitest';
import { LIST_LIMITS } from '../../server/graphql/limits.ts';
import { createRun } from '../../server/runs/create.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor, seedDimensions } from '../support/factories.ts';
import { seedToyRaw, TOY_PIPELINE, toyPipelineText } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

/**
 * Arguments the probe sent that gave INTERNAL: negative, zero and huge limits, and data ID
 * values of the wrong type. Each is a stable code naming the argument, and nothing reaches SQL.
 */
const t = useTestDatabase();
const v = useTestVera(t);

async function firstError(query: string, variables?: Record<string, unknown>) {
  const r = await v.gql(query, variables);
  expect(r.errors, JSON.stringify(r)).toBeDefined();
  return r.errors![0]!;
}

describe('limit arguments', () => {
  const cases: [string, string, string][] = [
    ['Query.datasets', 'datasets(datasetType: "raw", collections: ["TestCam/raw"], limit: $l) { id }', 'datasets'],
    ['Query.measuredDataIds', 'measuredDataIds(metric: "m", dataset: "d", limit: $l)', 'measuredDataIds'],
    ['Query.measurements', 'measurements(limit: $l) { id }', 'measurements'],
    ['Query.runs', 'runs(limit: $l) { name }', 'runs'],
    ['Query.builds', 'builds(limit: $l) { id }', 'builds'],
    ['Query.metricOverview', 'metricOverview(points: $l) { metric }', 'metricOverview'],
  ];

  it.each(cases)('%s: negative, zero and over-the-maximum values are BAD_INPUT naming the argument', async (coordinate, selection) => {
    const max = LIST_LIMITS[coordinate as keyof typeof LIST_LIMITS].max;
    for (const l of [-5, -1, 0, max + 1, 2 ** 31 - 1]) {
      const e = await firstError(`query($l: Int) { ${selection} }`, { l });
      expect(e.extensions, `${coordinate} ${l}`).toMatchObject({ code: 'BAD_INPUT', field: coordinate, value: l, max });
      expect(e.message).toContain(String(l));
    }
  });

  it('Run.quanta: a bad limit on a nested list is BAD_INPUT too; a good one works', async () => {
    const op = await makeActor(t.db, 'op', 'operator');
    await seedToyRaw(t.db, v.vera.datastore, op, { nVisits: 1, nDetectors: 2 });
    await createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output: 'u/op/toy', executor: 'local' }, op);
    const q = 'query($l: Int) { run(name: "u/op/toy") { quanta(limit: $l) { id } } }';
    for (const l of [-1, 0, LIST_LIMITS['Run.quanta'].max + 1]) {
      expect((await firstError(q, { l })).extensions).toMatchObject({ code: 'BAD_INPUT', field: 'Run.quanta', value: l });
    }
    const ok = await v.gql<{ run: { quanta: unknown[] } }>(q, { l: 2 });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.run.quanta).toHaveLength(2);
  });

  it('valid limits still answer, including the largest the web app asks for', async () => {
    const r = await v.gql('{ measurements(limit: 20000) { id } runs(limit: 1000) { name } measuredDataIds(metric: "m", dataset: "d", limit: 1) }');
    expect(r.errors).toBeUndefined();
  });
});

describe('dimensionRecords data IDs', () => {
  it('values of the wrong type are DATA_ID_INVALID naming the dimension, not INTERNAL', async () => {
    await seedDimensions(t.db, { nVisits: 2, nDetectors: 2 });
    const q = 'query($d: String!, $id: JSON) { dimensionRecords(dimension: $d, dataId: $id) }';
    const bad: [string, unknown, string][] = [
      ['visit', { visit: 'abc' }, 'visit'],
      ['visit', { instrument: 'TestCam', visit: 1.5 }, 'visit'],
      ['visit', { instrument: 7 }, 'instrument'],
      ['detector', { instrument: 'TestCam', detector: 2 ** 40 }, 'detector'],
      ['detector', { detector: true }, 'detector'],
      ['visit', { visit: null }, 'visit'],
    ];
    for (const [dimension, dataId, culprit] of bad) {
      const e = await firstError(q, { d: dimension, id: dataId });
      expect(e.extensions, JSON.stringify(dataId)).toMatchObject({ code: 'DATA_ID_INVALID', dimension: culprit });
    }
    for (const dataId of ['abc', [1, 2], 5]) {
      expect((await firstError(q, { d: 'visit', id: dataId })).extensions).toMatchObject({ code: 'DATA_ID_INVALID' });
    }
    expect((await firstError(q, { d: 'visit', id: { band: 'g' } })).extensions).toMatchObject({ code: 'UNKNOWN_DIMENSION' });

    const ok = await v.gql<{ dimensionRecords: { id: number }[] }>(q, { d: 'visit', id: { instrument: 'TestCam', visit: 2 } });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.dimensionRecords.map((r) => r.id)).toEqual([2]);
  });
});
