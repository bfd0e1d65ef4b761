import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getRun } from '../../server/runs/queries.ts';
import { useTestDatabase } from '../support/db.ts';
import { seedToyRaw } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

/**
 * submitRun never reads a file outside the pipeline roots (Vera's checkout and
 * VERA_PIPELINE_ROOTS), never blocks on a FIFO, and tells a caller without the right nothing
 * about which paths exist.
 */
const extraRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-sec-root-'));
const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-sec-elsewhere-'));
const t = useTestDatabase();
const v = useTestVera(t, { VERA_PIPELINE_ROOTS: extraRoot });
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) process.kill(c.pid!, 'SIGKILL');
  fs.rmSync(extraRoot, { recursive: true, force: true });
  fs.rmSync(elsewhere, { recursive: true, force: true });
});

// A task that needs nothing but itself (no zod), so it works from any root.
const OK_TASK = `export const ok = { description: 'ok', config: { safeParse: (v) => ({ success: true, data: v }), parse: (v) => v }, run: () => ({ out: { n: 1 } }) };\n`;
const PIPELINE = `tasks:
  count:
    class: ./tasks.mjs#ok
    dimensions: [instrument]
    connections:
      raw: { kind: input, datasetType: raw, dimensions: [instrument, visit, detector], storageClass: StructuredData, multiple: true }
      out: { kind: output, datasetType: secCount, dimensions: [instrument], storageClass: StructuredData }
`;

const SUBMIT = `mutation($f: String!, $y: String, $o: String!) {
  submitRun(pipelineFile: $f, pipelineYaml: $y, inputs: ["TestCam/raw"], output: $o) { run { name status } }
}`;

type Answer = Awaited<ReturnType<typeof v.gql>>;
const errorOf = (r: Answer) => r.errors?.[0] as { message: string; extensions: { code: string } } | undefined;

async function submit(file: string, token: string | undefined, yaml?: string, output = 'u/x/sec') {
  return v.gql<{ submitRun: { run: { name: string } } }>(SUBMIT, { f: file, y: yaml ?? null, o: output }, token);
}

async function waitForEnd(name: string) {
  for (;;) {
    const run = await getRun(t.db, name);
    if (run.status !== 'pending' && run.status !== 'running' && !v.vera.runs.isActive(name)) return run;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('submitRun and server file paths', () => {
  it('without a token, or with too small a role, says so before looking at the path: existing and missing files get the same answer', async () => {
    const { token: viewer } = await v.user('victor', 'viewer');
    const paths = ['test/fixtures/pipelines/toy.yaml', 'test/fixtures/pipelines/no-such.yaml', '/etc/passwd', '/no/such/file.yaml', '../../etc/passwd'];
    for (const [token, code] of [
      [undefined, 'UNAUTHENTICATED'],
      [viewer, 'FORBIDDEN'],
    ] as const) {
      const answers = await Promise.all(paths.map((p) => submit(p, token)));
      const errors = answers.map(errorOf);
      expect(errors.map((e) => e?.extensions.code)).toEqual(paths.map(() => code));
      expect(new Set(errors.map((e) => e?.message)).size).toBe(1);
      expect(errors[0]!.message).not.toContain('toy.yaml');
    }
  });

  it('refuses ../ paths, absolute paths outside the roots and symlinks out of a root, without reading them', async () => {
    const { token } = await v.user('dana', 'developer');
    fs.symlinkSync('/etc/passwd', path.join(extraRoot, 'passwd.yaml'));
    for (const file of ['../../etc/passwd', '/etc/passwd', path.join(extraRoot, 'passwd.yaml'), 'passwd.yaml', path.join(extraRoot, '../../etc/passwd')]) {
      const e = errorOf(await submit(file, token));
      expect(e?.extensions.code, file).toBe('PATH_ESCAPE');
      expect(e!.message).not.toMatch(/root:/);
      expect(e!.message).toContain('VERA_PIPELINE_ROOTS');
    }
  });

  it('a FIFO as pipeline file is refused at once and the server keeps answering', async () => {
    const { token } = await v.user('dana', 'developer');
    const fifo = path.join(extraRoot, 'fifo.yaml');
    execFileSync('mkfifo', [fifo]);
    // Should the FIFO be read after all, a writer ends the wait after a while, so the test fails
    // on the answer instead of freezing the test process for ever.
    children.push(spawn('sh', ['-c', `sleep 20; printf 'x' > '${fifo}'`], { stdio: 'ignore' }));
    const e = errorOf(await submit(fifo, token));
    expect(e?.extensions.code).toBe('BAD_INPUT');
    expect(e!.message).toContain('not a regular file');
    const after = await v.gql<{ runs: unknown[] }>('{ runs { name } }', {}, token);
    expect(after.errors).toBeUndefined();
    // A directory is no pipeline either.
    expect(errorOf(await submit(extraRoot, token))?.extensions.code).toBe('BAD_INPUT');
  });

  it('pipeline text sent with a name outside the roots is refused, and its task code never runs', async () => {
    const { actor, token } = await v.user('dana', 'developer');
    await seedToyRaw(t.db, v.vera.datastore, actor, { nVisits: 1, nDetectors: 1 });
    fs.writeFileSync(path.join(elsewhere, 'tasks.mjs'), `globalThis.veraProbeElsewhere = true;\n${OK_TASK}`);
    const e = errorOf(await submit(path.join(elsewhere, 'p.yaml'), token, PIPELINE));
    expect(e?.extensions.code).toBe('PATH_ESCAPE');
    expect(e!.message).toContain('VERA_PIPELINE_ROOTS');
    expect((globalThis as Record<string, unknown>).veraProbeElsewhere).toBeUndefined();
  });

  it('runs pipelines named inside the roots: relative to Vera checkout, or in VERA_PIPELINE_ROOTS, read or sent', async () => {
    const { actor, token } = await v.user('dana', 'developer');
    await seedToyRaw(t.db, v.vera.datastore, actor, { nVisits: 1, nDetectors: 1 });
    const toy = await submit('test/fixtures/pipelines/toy.yaml', token, undefined, 'u/dana/toy');
    expect(toy.errors).toBeUndefined();
    expect((await waitForEnd('u/dana/toy')).status).toBe('succeeded');

    fs.writeFileSync(path.join(extraRoot, 'tasks.mjs'), OK_TASK);
    fs.writeFileSync(path.join(extraRoot, 'count.yaml'), PIPELINE);
    const read = await submit(path.join(extraRoot, 'count.yaml'), token, undefined, 'u/dana/read');
    expect(read.errors).toBeUndefined();
    const sent = await submit(path.join(extraRoot, 'sent.yaml'), token, PIPELINE, 'u/dana/sent');
    expect(sent.errors).toBeUndefined();
    expect((await waitForEnd('u/dana/read')).status).toBe('succeeded');
    expect((await waitForEnd('u/dana/sent')).status).toBe('succeeded');

    const missing = errorOf(await submit('test/fixtures/pipelines/no-such.yaml', token));
    expect(missing?.extensions.code).toBe('NOT_FOUND');
  });
});
