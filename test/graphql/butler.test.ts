import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/db.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const importRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-import-root-'));
const v = useTestVera(t, { VERA_IMPORT_ROOTS: importRoot });
afterAll(() => fs.rmSync(importRoot, { recursive: true, force: true }));

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/butler');
const IMPORT = `mutation($yaml: String!, $universe: String, $root: String) {
  importButlerExport(yaml: $yaml, file: "base.yaml", universe: $universe, datastoreRoot: $root) { records { element count veraTable } datasets }
}`;

describe('importButlerExport', () => {
  it('is for operators; reads a datastore root only inside VERA_IMPORT_ROOTS; butlerExport gives the records back', async () => {
    const yaml = fs.readFileSync(path.join(FIXTURES, 'base.yaml'), 'utf8');
    const dev = await v.user('dev', 'developer');
    const ops = await v.user('ops', 'operator');
    const refused = await v.gql(IMPORT, { yaml }, dev.token);
    expect(refused.errors?.[0]?.extensions.code).toBe('FORBIDDEN');

    const escape = await v.gql(IMPORT, { yaml, root: os.tmpdir() }, ops.token);
    expect(escape.errors?.[0]?.extensions.code).toBe('PATH_ESCAPE');
    expect(escape.errors?.[0]?.message).toContain('VERA_IMPORT_ROOTS');

    const ok = await v.gql<{ importButlerExport: { records: { element: string; count: number }[] } }>(IMPORT, { yaml, root: importRoot }, ops.token);
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.importButlerExport.records).toEqual([
      { element: 'instrument', count: 1, veraTable: true },
      { element: 'physical_filter', count: 3, veraTable: true },
      { element: 'detector', count: 4, veraTable: true },
    ]);
    const exported = await v.gql<{ butlerExport: string }>('{ butlerExport }', {}, dev.token);
    expect(exported.data!.butlerExport).toContain('class_name: lsst.pipe.base.Instrument');
    expect(exported.data!.butlerExport).toContain('purpose: WAVEFRONT');
  });
});
