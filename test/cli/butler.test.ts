import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BUTLER_TAGS } from '../../server/repo/butler/tagged.ts';
import { cliEnv, prepareCliHome, runCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/db.ts';

const t = useTestDatabase();
const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/butler');
const homes: string[] = [];
afterAll(() => {
  for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
});

describe('vera import and vera export', () => {
  it('imports a real butler export with its universe, exports it again, and lists every problem of a bad one (exit 2)', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-butler-cli-'));
    homes.push(home);
    await prepareCliHome(home, t.url);
    const env = cliEnv(home, t.url);
    const imported = await runCli(['import', path.join(FIXTURES, 'ci_hsc-subset.yaml'), '--universe', path.join(FIXTURES, 'dimensions.yaml')], env);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('visit_detector_region 33 (kept)');
    expect(imported.stdout).toContain('1 collections, 1 dataset types, 33 datasets (0 files copied)');
    expect(imported.stdout).toMatch(/kept fields with no Vera column: .*/);

    const out = path.join(home, 'exported.yaml');
    const exported = await runCli(['export', '-o', out], env);
    expect(exported.code).toBe(0);
    const doc = parse(fs.readFileSync(out, 'utf8'), { customTags: BUTLER_TAGS }) as { version: string; data: { type: string; records?: unknown[] }[] };
    expect(doc.version).toBe('1.0.2');
    expect(doc.data.filter((d) => d.type === 'dataset').flatMap((d) => d.records)).toHaveLength(33);

    const bad = await runCli(['import', path.join(FIXTURES, 'datasets.yaml'), '--universe', path.join(FIXTURES, 'dimensions.yaml')], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('datasets.yaml:');
    expect(bad.stderr.match(/path placeholder is used twice/g)?.length).toBe(12);
    // base.yaml, which defines them, was not imported here.
    expect(bad.stderr).toContain("datasets of type 'bias': the type is neither in the file nor registered");
  });
});
