import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, describe, expect, it } from 'vitest';
import { createToken } from '../../server/auth/index.ts';
import type { Database } from '../../server/db/client.ts';
import { Datastore } from '../../server/repo/index.ts';
import { cliEnv, runCli, serveProcess, type ServeProcess, stopServe } from '../support/cli.ts';
import { makeActor } from '../support/factories.ts';
import { seedToyRaw } from '../support/runs.ts';
import { openPgliteDir, useTestDatabase } from '../support/db.ts';

/**
 * A team's pipelines live in their own repository, with their own package.json, outside Vera's
 * tree: their tasks import only the task API (`vera/task`), and `vera build` runs them on a
 * real `vera serve`, which resolves that API for the build's worktree and its worker threads.
 */
const t = useTestDatabase();
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-standalone-'));
let server: ServeProcess | undefined;
afterAll(async () => {
  await stopServe(server);
  fs.rmSync(scratch, { recursive: true, force: true });
});

const FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'survey-pipelines', version: '1.0.0', private: true, type: 'module' }, null, 2),
  'tasks/brightness.ts': `import { defineTask, single, z } from 'vera/task';

export const brightness = defineTask({
  description: 'scales each raw value into a dataset type of our own',
  config: z.object({ factor: z.number().default(3) }).strict(),
  connections: {
    raw: { kind: 'input', storageClass: 'StructuredData' },
    bright: { kind: 'output', storageClass: 'StructuredData' },
  },
  run(inputs, config) {
    const raw = single<{ value: number }>(inputs, 'raw');
    return { bright: { value: raw.value.value * config.factor, by: 'survey-pipelines' } };
  },
});
`,
  'pipelines/survey.yaml': `description: a pipeline from outside Vera
tasks:
  brightness:
    class: ../tasks/brightness.ts#brightness
    dimensions: [instrument, visit, detector]
    connections:
      raw: { kind: input, datasetType: raw, dimensions: [instrument, visit, detector], storageClass: StructuredData }
      bright: { kind: output, datasetType: surveyBrightness, dimensions: [instrument, visit, detector], storageClass: StructuredData }
`,
  'vera.yaml': `runs:
  - name: survey
    pipeline: pipelines/survey.yaml
    dataset: TestCam/raw
    on: [push]
`,
};

describe('a pipelines repository of its own', () => {
  it('builds with vera build: its tasks import only vera/task, and write a new dataset type', async () => {
    const repoDir = path.join(scratch, 'survey-pipelines');
    fs.mkdirSync(repoDir);
    const git = simpleGit({ baseDir: repoDir });
    await git.init(['--initial-branch=master']);
    await git.addConfig('user.email', 'dev@example.org');
    await git.addConfig('user.name', 'Pipeline Developer');
    for (const [rel, text] of Object.entries(FILES)) {
      fs.mkdirSync(path.dirname(path.join(repoDir, rel)), { recursive: true });
      fs.writeFileSync(path.join(repoDir, rel), text);
    }
    await git.add('.');
    await git.commit('Survey pipelines');

    // A VERA_HOME outside Vera's tree too, with TestCam raws and an admin, before the server starts.
    const home = path.join(scratch, 'home');
    const database: Database = t.url ? t.database : await openPgliteDir(path.join(home, 'db'));
    const admin = await makeActor(database.db, 'admin', 'admin');
    await seedToyRaw(database.db, new Datastore(path.join(home, 'datastore')), admin, { nVisits: 2, nDetectors: 2 });
    const { token } = await createToken(database.db, admin.id, 'test');
    if (!t.url) await database.close();

    server = await serveProcess(cliEnv(home, t.url, {}));
    const env = cliEnv(home, t.url, { VERA_URL: server.url, VERA_TOKEN: token });
    const added = await runCli(['repos', 'add', repoDir, '--name', 'survey'], env);
    expect(added.code, added.stderr).toBe(0);
    const built = await runCli(['build', 'survey', 'master', '--ref', 'refs/heads/master', '--json'], env);
    expect(built.code, built.stderr + server.stderr()).toBe(0);
    const build = JSON.parse(built.stdout) as { status: string; runs: { name: string }[] };
    expect(build.status).toBe('succeeded');

    const run = build.runs[0]!.name;
    const listed = await runCli(['datasets', 'surveyBrightness', '--collections', run, '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    const datasets = JSON.parse(listed.stdout) as { dataId: { visit: number; detector: number }; path: string }[];
    expect(datasets).toHaveLength(4);
    for (const d of datasets) {
      const value = JSON.parse(fs.readFileSync(path.join(home, 'datastore', d.path), 'utf8')) as { value: number; by: string };
      // seedToyRaw's raw value is 10 * visit + detector; the task's default factor is 3.
      expect(value).toEqual({ value: 3 * (10 * d.dataId.visit + d.dataId.detector), by: 'survey-pipelines' });
    }
  });
});
