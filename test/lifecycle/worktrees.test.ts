import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from '../../server/db/client.ts';
import { addRepo, ensureWorktree } from '../../server/git/repos.ts';
import { createRun } from '../../server/runs/create.ts';
import { useTestDatabase } from '../support/db.ts';
import { makePipelineRepo } from '../support/git-repo.ts';
import { seedToyRaw, TOY_PIPELINE, toyPipelineText } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);
const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

const PRUNE = `mutation($yes: Boolean) { prune(yes: $yes) { dryRun bytesFreed worktrees { repo commit bytes } } }`;
type Report = { prune: { dryRun: boolean; bytesFreed: number; worktrees: { repo: string; commit: string; bytes: number }[] } };

describe('vera prune and build worktrees', () => {
  it('removes, for operators, a worktree older than the keep period that no run which may still execute uses', async () => {
    const op = await v.user('olga', 'operator');
    const dev = await v.user('dora', 'developer');
    const repo = await makePipelineRepo('prune-wt');
    cleanups.push(repo.remove);
    const sha = await repo.commit({ 'pipeline.yaml': 'tasks: {}\n', 'README': 'x'.repeat(5000) }, 'first');
    const tracked = await addRepo(t.db, v.vera.config.home, { url: repo.dir, name: 'pipes' }, op.actor);
    const dir = await ensureWorktree(v.vera.config.home, tracked, sha);
    const old = new Date(Date.now() - 30 * 86_400_000);
    fs.utimesSync(`${dir}.done`, old, old);

    // A run that may still execute takes its pipeline from the worktree: kept.
    await seedToyRaw(t.db, v.vera.datastore, op.actor);
    await createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output: 'u/olga/pending', where: 'visit = 1', executor: 'local' }, op.actor);
    await t.db.execute(sql`UPDATE runs SET pipeline_file = ${path.join(dir, 'pipeline.yaml')}, created_at = ${old.toISOString()}::timestamptz`);
    expect((await v.gql<Report>(PRUNE, { yes: true }, op.token)).data!.prune.worktrees).toEqual([]);
    expect(fs.existsSync(dir)).toBe(true);

    // Once that run succeeded, the worktree goes; a developer's prune never touches it.
    await t.db.execute(sql`UPDATE runs SET status = 'succeeded'`);
    expect((await v.gql<Report>(PRUNE, { yes: true }, dev.token)).data!.prune.worktrees).toEqual([]);
    const dry = (await v.gql<Report>(PRUNE, {}, op.token)).data!.prune;
    expect(dry.worktrees).toEqual([{ repo: 'pipes', commit: sha, bytes: expect.any(Number) }]);
    expect(dry.worktrees[0]!.bytes).toBeGreaterThanOrEqual(5000);
    expect(dry.bytesFreed).toBe(dry.worktrees[0]!.bytes);
    expect(fs.existsSync(dir)).toBe(true);

    const done = (await v.gql<Report>(PRUNE, { yes: true }, op.token)).data!.prune;
    expect(done.worktrees.map((w) => w.commit)).toEqual([sha]);
    expect(fs.existsSync(dir)).toBe(false);
    expect(fs.existsSync(`${dir}.done`)).toBe(false);
    const audit = await v.gql<{ auditLog: { action: string; subject: string }[] }>(`{ auditLog { action subject } }`, {}, op.token);
    expect(audit.data!.auditLog).toEqual([{ action: 'PRUNE_WORKTREE', subject: `pipes@${sha}` }]);

    // A later build of the commit checks it out again.
    expect(fs.existsSync(path.join(await ensureWorktree(v.vera.config.home, tracked, sha), 'pipeline.yaml'))).toBe(true);
  });
});
