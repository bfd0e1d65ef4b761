import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefaultDashboards, parseDashboard, readDefaultDashboards, type DashboardInput } from '../../server/dashboards/index.ts';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { cliEnv, runCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/db.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);

function mine(slug: string, title = 'My dashboard'): DashboardInput {
  return {
    slug,
    title,
    variables: [{ name: 'metric', kind: 'metric' }],
    rows: [{ panels: [{ id: 'series', title: '$metric', type: 'timeseries', query: { source: 'series', metric: '$metric', dataset: 'TestCam/raw', branches: ['master'] } }] }],
  };
}

describe('dashboard model', () => {
  it('accepts every shipped dashboard and fills defaults', () => {
    const shipped = readDefaultDashboards();
    expect(shipped.map((d) => d.slug).sort()).toEqual(['runs', 'verification']);
    const d = parseDashboard(mine('x'));
    expect(d.rows[0]!.heightPx).toBe(300);
    expect(d.rows[0]!.panels[0]!.width).toBe(12);
    expect(d.variables[0]!.multi).toBe(false);
  });

  it('names every problem with its path: unknown variables, wrong sources, duplicate ids, stats without a reducer', () => {
    const bad = {
      slug: 'Bad Slug',
      title: 'x',
      rows: [
        {
          panels: [
            { id: 'a', title: 'a', type: 'heatmap', query: { source: 'series', metric: '$nope', dataset: 'd', branches: ['master'] } },
            { id: 'a', title: 'b', type: 'stat', query: { source: 'runs' } },
          ],
        },
      ],
    };
    const err = (() => {
      try {
        parseDashboard(bad);
      } catch (e) {
        return e as { code: string; details: { problems: string[] } };
      }
      throw new Error('accepted');
    })();
    expect(err.code).toBe('BAD_INPUT');
    const problems = err.details.problems.join('\n');
    expect(problems).toContain('slug:');
    expect(problems).toContain('rows.0.panels.0.query.source: a heatmap panel draws dataIds queries, not series');
    expect(problems).toContain('rows.0.panels.0.query: $nope is not a variable of this dashboard');
    expect(problems).toContain("rows.0.panels.1.id: panel id 'a' is used twice");
    expect(problems).toContain('rows.0.panels.1.reduce: a stat panel on runs needs reduce: count, failed');
  });
});

describe('dashboards over GraphQL', () => {
  it('loads the shipped dashboards as builtins and lists them', async () => {
    await loadDefaultDashboards(t.db);
    const res = await v.gql<{ dashboards: { slug: string; owner: string | null; builtin: boolean }[]; dashboard: { definition: { rows: unknown[] } } }>(
      `{ dashboards { slug owner builtin } dashboard(slug: "verification") { definition } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.dashboards).toEqual([
      { slug: 'runs', owner: null, builtin: true },
      { slug: 'verification', owner: null, builtin: true },
    ]);
    expect(res.data!.dashboard.definition.rows.length).toBe(readDefaultDashboards().find((d) => d.slug === 'verification')!.rows.length);
    expect((await v.gql<{ dashboard: null }>(`{ dashboard(slug: "nope") { slug } }`)).data!.dashboard).toBeNull();
  });

  it('developers save and delete their own dashboards; others may not; admins may', async () => {
    const bob = await v.user('bob', 'developer');
    const alice = await v.user('alice', 'developer');
    const viewer = await v.user('val', 'viewer');
    const admin = await v.user('root', 'admin');
    const save = (d: unknown, token?: string) => v.gql<{ saveDashboard: { slug: string; owner: string; title: string } }>(`mutation($d: JSON!) { saveDashboard(definition: $d) { slug owner title } }`, { d }, token);
    const del = (slug: string, token?: string) => v.gql<{ deleteDashboard: { restored: boolean } }>(`mutation($s: String!) { deleteDashboard(slug: $s) { slug restored } }`, { s: slug }, token);

    expect((await save(mine('bobs'), bob.token)).data!.saveDashboard).toEqual({ slug: 'bobs', owner: 'bob', title: 'My dashboard' });
    expect((await save(mine('bobs', 'Renamed'), bob.token)).data!.saveDashboard.title).toBe('Renamed');
    expect((await save(mine('bobs'), alice.token)).errors![0]!.extensions.code).toBe('NOT_OWNER');
    expect((await save(mine('vals'), viewer.token)).errors![0]!.extensions.code).toBe('FORBIDDEN');
    expect((await save(mine('anon'))).errors![0]!.extensions.code).toBe('UNAUTHENTICATED');
    expect((await save({ slug: 'broken', title: 'x', rows: [] }, bob.token)).errors![0]!.extensions.code).toBe('BAD_INPUT');
    expect((await del('bobs', alice.token)).errors![0]!.extensions.code).toBe('NOT_OWNER');
    expect((await save(mine('bobs', 'By admin'), admin.token)).data!.saveDashboard).toEqual({ slug: 'bobs', owner: 'bob', title: 'By admin' });
    expect((await del('bobs', bob.token)).data!.deleteDashboard.restored).toBe(false);
    expect((await v.gql<{ dashboard: null }>(`{ dashboard(slug: "bobs") { slug } }`)).data!.dashboard).toBeNull();
    expect((await del('bobs', bob.token)).errors![0]!.extensions.code).toBe('NOT_FOUND');
  });

  it('builtins: only admins edit them, an edit survives a restart, deleting one restores the shipped version', async () => {
    await loadDefaultDashboards(t.db);
    const bob = await v.user('bob', 'developer');
    const admin = await v.user('root', 'admin');
    const shipped = readDefaultDashboards().find((d) => d.slug === 'runs')!;
    const edited = { ...shipped, title: 'Runs (edited)' };
    const save = (token: string) => v.gql<{ saveDashboard: { owner: string; builtin: boolean } }>(`mutation($d: JSON!) { saveDashboard(definition: $d) { owner builtin } }`, { d: edited }, token);
    expect((await save(bob.token)).errors![0]!.extensions.code).toBe('FORBIDDEN');
    expect((await save(admin.token)).data!.saveDashboard).toEqual({ owner: 'root', builtin: true });

    await loadDefaultDashboards(t.db);
    const get = () => v.gql<{ dashboard: { title: string; owner: string | null; builtin: boolean } }>(`{ dashboard(slug: "runs") { title owner builtin } }`);
    expect((await get()).data!.dashboard).toEqual({ title: 'Runs (edited)', owner: 'root', builtin: true });

    const restored = await v.gql<{ deleteDashboard: { restored: boolean } }>(`mutation { deleteDashboard(slug: "runs") { restored } }`, {}, admin.token);
    expect(restored.data!.deleteDashboard.restored).toBe(true);
    expect((await get()).data!.dashboard).toEqual({ title: shipped.title, owner: null, builtin: true });
  });
});

describe('vera dashboards export / import', () => {
  let server: VeraHttpServer;
  let dir: string;
  beforeAll(async () => {
    server = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-dash-cli-'));
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exports a dashboard as JSON that imports back, and refuses an invalid file with the reason', async () => {
    await loadDefaultDashboards(t.db);
    const { token } = await v.user('bob', 'developer');
    const env = cliEnv(dir, undefined, { VERA_URL: server.url, VERA_TOKEN: token });

    const exported = await runCli(['dashboards', 'export', 'verification'], env);
    expect(exported.code, exported.stderr).toBe(0);
    const definition = JSON.parse(exported.stdout) as DashboardInput;
    expect(definition).toEqual(readDefaultDashboards().find((d) => d.slug === 'verification'));

    const file = path.join(dir, 'mine.json');
    fs.writeFileSync(file, JSON.stringify({ ...definition, slug: 'bobs-verification', title: 'Bob looks at things' }));
    const imported = await runCli(['dashboards', 'import', file], env);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain('saved dashboard bobs-verification');
    const listed = await runCli(['dashboards', 'list', '--json'], env);
    expect((JSON.parse(listed.stdout) as { slug: string; owner: string }[]).find((d) => d.slug === 'bobs-verification')!.owner).toBe('bob');

    fs.writeFileSync(file, JSON.stringify({ ...definition, slug: 'x', rows: [] }));
    const refused = await runCli(['dashboards', 'import', file], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('rows');
    expect((await runCli(['dashboards', 'export', 'nope'], env)).code).toBe(4);
  });
});
