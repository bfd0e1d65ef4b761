import { describe, expect, it } from 'vitest';
import { loadMetricsPackage, loadMetricsPackageFiles, readMetricsTree } from '../../server/metrics/verify/index.ts';
import { countRows, useTestDatabase } from '../support/db.ts';
import { useTestVera } from '../support/vera.ts';
import { VERIFY_METRICS } from '../metrics/verify/support.ts';

/**
 * importMetrics takes the metrics package as content, never a server path: the files' paths
 * are names inside the package, and one that climbs out with .. or is absolute is refused.
 */
const t = useTestDatabase();
const v = useTestVera(t);

const IMPORT = 'mutation($files: [MetricsFileInput!]!) { importMetrics(files: $files) { metrics specifications problems } }';
type Answer = Awaited<ReturnType<typeof v.gql>>;
const codeOf = (r: Answer) => r.errors?.[0]?.extensions.code;

const METRIC = 'PA1:\n  description: repeatability\n  unit: mmag\n  reference: {}\n  tags: []\n';
const SPEC = "name: design\nmetric: demo.PA1\nthreshold:\n  operator: '<='\n  value: 5\n  unit: mmag\n";

describe('importMetrics takes the package as content', () => {
  it('imports the real verify_metrics tree sent as files, as a directory import would', async () => {
    const { token } = await v.user('dana', 'developer');
    const files = readMetricsTree(VERIFY_METRICS);
    const pkg = loadMetricsPackage(VERIFY_METRICS);
    const r = await v.gql<{ importMetrics: { metrics: number; specifications: number; problems: string[] } }>(IMPORT, { files }, token);
    expect(r.errors).toBeUndefined();
    expect(r.data!.importMetrics).toEqual({ metrics: pkg.metrics.size, specifications: pkg.specs.specs.size, problems: [] });
    expect(await countRows(t.db, 'metrics')).toBe(pkg.metrics.size);
    // The in-memory loader resolves the same specifications, in the same order, as the directory walk.
    const fromFiles = loadMetricsPackageFiles([...files].reverse());
    expect([...fromFiles.metrics.keys()]).toEqual([...pkg.metrics.keys()]);
    expect([...fromFiles.specs.specs.entries()]).toEqual([...pkg.specs.specs.entries()]);
    expect(fromFiles.specs.duplicates).toEqual(pkg.specs.duplicates);
  });

  it('refuses paths that climb out, absolute paths and files outside the package layout; nothing is written', async () => {
    const { token } = await v.user('dana', 'developer');
    const cases: [string, string][] = [
      ['metrics/../../../etc/passwd.yaml', 'PATH_ESCAPE'],
      ['../metrics/demo.yaml', 'PATH_ESCAPE'],
      ['specs/demo/../../../x.yaml', 'PATH_ESCAPE'],
      ['/etc/metrics/demo.yaml', 'PATH_ESCAPE'],
      ['metrics\\demo.yaml', 'BAD_INPUT'],
      ['metrics/./demo.yaml', 'BAD_INPUT'],
      ['notes/demo.yaml', 'BAD_INPUT'],
    ];
    for (const [p, code] of cases) {
      const r = await v.gql(IMPORT, { files: [{ path: 'metrics/demo.yaml', text: METRIC }, { path: p, text: SPEC }] }, token);
      expect(codeOf(r), p).toBe(code);
      expect(r.errors![0]!.message).toContain(p);
    }
    const twice = await v.gql(IMPORT, { files: [{ path: 'metrics/demo.yaml', text: METRIC }, { path: 'metrics/demo.yaml', text: METRIC }] }, token);
    expect(codeOf(twice)).toBe('BAD_INPUT');
    expect(await countRows(t.db, 'metrics')).toBe(0);

    const ok = await v.gql(IMPORT, { files: [{ path: 'metrics/demo.yaml', text: METRIC }, { path: 'specs/demo/PA1.yaml', text: SPEC }] }, token);
    expect(ok.errors).toBeUndefined();
    expect(ok.data).toEqual({ importMetrics: { metrics: 1, specifications: 1, problems: [] } });
  });

  it('takes no server path any more, and needs a developer token', async () => {
    const { token } = await v.user('dana', 'developer');
    const byPath = await v.gql('mutation { importMetrics(path: "/etc") { metrics } }', {}, token);
    expect(byPath.data).toBeUndefined();
    expect(byPath.errors?.[0]?.message).toMatch(/path/);
    const anonymous = await v.gql(IMPORT, { files: [{ path: 'metrics/demo.yaml', text: METRIC }] });
    expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');
  });
});
