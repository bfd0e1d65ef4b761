import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipelineText } from '../../runner/pipeline/load.ts';
import { loadTaskConfig } from '../../runner/pipeline/task-config.ts';
import { PROJECT_ROOT } from '../support/git-repo.ts';

/**
 * A pipeline's task classes are checked before anything is imported: a class that is not a
 * relative module path inside the pipeline's root never runs. Each hostile module below would
 * set a global when imported; the assertions are that it was never set.
 */
const probes = globalThis as unknown as Record<string, unknown>;

// A task module that needs nothing but itself, so it works in any root.
const OK_TASK = `export const ok = { description: 'ok', config: { safeParse: (v) => ({ success: true, data: v }) }, run: () => ({ out: 1 }) };\n`;
const evilModule = (probe: string) => `globalThis.${probe} = true;\nexport const t = { description: 'evil', config: { safeParse: (v) => ({ success: true, data: v }) }, run: () => ({}) };\n`;

const pipelineWith = (cls: string) => `tasks:
  evil:
    class: ${JSON.stringify(cls)}
    dimensions: [instrument]
    connections:
      out: { kind: output, datasetType: secOut, dimensions: [instrument], storageClass: StructuredData }
`;

let inside: string; // a pipeline directory inside Vera's checkout
let outside: string; // somewhere else on the machine
let bareName: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  fs.mkdirSync(path.join(PROJECT_ROOT, '.test-tmp'), { recursive: true });
  inside = fs.mkdtempSync(path.join(PROJECT_ROOT, '.test-tmp', 'sec-classes-'));
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-sec-outside-'));
  for (const probe of ['veraProbeAbs', 'veraProbeFile', 'veraProbeDotDot', 'veraProbeLink']) fs.writeFileSync(path.join(outside, `${probe}.mjs`), evilModule(probe));
  fs.writeFileSync(path.join(inside, 'tasks.mjs'), OK_TASK);
  fs.mkdirSync(path.join(inside, 'sub'));
  fs.symlinkSync(path.join(outside, 'veraProbeLink.mjs'), path.join(inside, 'link.mjs'));
  fs.symlinkSync(path.join(inside, 'tasks.mjs'), path.join(inside, 'sub', 'alias.mjs'));
  fs.mkdirSync(path.join(inside, 'dir.mjs'));
  // A bare specifier resolves through node_modules: a package there that would run on import.
  bareName = `vera-security-probe-${process.pid}`;
  const pkg = path.join(PROJECT_ROOT, 'node_modules', bareName);
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: bareName, version: '1.0.0', type: 'module', main: 'index.js' }));
  fs.writeFileSync(path.join(pkg, 'index.js'), evilModule('veraProbeBare'));
});

afterAll(() => {
  for (const c of children) if (c.exitCode === null) process.kill(c.pid!, 'SIGKILL');
  fs.rmSync(inside, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
  fs.rmSync(path.join(PROJECT_ROOT, 'node_modules', bareName), { recursive: true, force: true });
});

async function refusal(cls: string, file = path.join(inside, 'p.yaml')) {
  return loadPipelineText(pipelineWith(cls), file).then(
    () => {
      throw new Error(`class ${cls} was accepted`);
    },
    (e) => e as { code: string; message: string; details: Record<string, unknown> },
  );
}

describe('task classes are checked before anything is imported', () => {
  it('a data: class never runs', async () => {
    const e = await refusal('data:text/javascript,globalThis.veraProbeData=true#t');
    expect(probes.veraProbeData).toBeUndefined();
    expect(e.code).toBe('PIPELINE_INVALID');
    expect(e.message).toContain("task 'evil'");
    expect(e.message).toContain('data:text/javascript');
    expect(e.details).toMatchObject({ task: 'evil' });
  });

  it('an absolute module path and a file: URL never run', async () => {
    const abs = await refusal(`${path.join(outside, 'veraProbeAbs.mjs')}#t`);
    expect(probes.veraProbeAbs).toBeUndefined();
    expect(abs.code).toBe('PIPELINE_INVALID');
    expect(abs.message).toContain("task 'evil'");
    const url = await refusal(`file://${path.join(outside, 'veraProbeFile.mjs')}#t`);
    expect(probes.veraProbeFile).toBeUndefined();
    expect(url.code).toBe('PIPELINE_INVALID');
  });

  it('a bare package specifier and a node: builtin never load', async () => {
    const bare = await refusal(`${bareName}#t`);
    expect(probes.veraProbeBare).toBeUndefined();
    expect(bare.code).toBe('PIPELINE_INVALID');
    expect(bare.message).toContain(bareName);
    const builtin = await refusal('node:child_process#exec');
    expect(builtin.code).toBe('PIPELINE_INVALID');
    expect(builtin.message).toMatch(/relative/);
  });

  it('a relative path that climbs out of the root with .. never runs', async () => {
    const rel = path.relative(inside, path.join(outside, 'veraProbeDotDot.mjs'));
    expect(rel.startsWith('..')).toBe(true);
    const e = await refusal(`./${rel}#t`);
    expect(probes.veraProbeDotDot).toBeUndefined();
    expect(e.code).toBe('PIPELINE_INVALID');
    expect(e.message).toContain('outside');
  });

  it('a symlink inside the root that points out of it never runs', async () => {
    const e = await refusal('./link.mjs#t');
    expect(probes.veraProbeLink).toBeUndefined();
    expect(e.code).toBe('PIPELINE_INVALID');
    expect(e.message).toContain('outside');
  });

  it('a directory or a FIFO is not a task module; the FIFO is never opened', async () => {
    expect((await refusal('./dir.mjs#t')).message).toContain('not a regular file');
    const fifo = path.join(inside, 'fifo.mjs');
    execFileSync('mkfifo', [fifo]);
    // Should the FIFO be opened after all, a writer feeds it a module after a while, so the
    // test fails on the probe instead of hanging for ever.
    const writer = spawn('sh', ['-c', `sleep 20; printf 'globalThis.veraProbeFifo = true; export const t = 1;' > '${fifo}'`], { stdio: 'ignore' });
    children.push(writer);
    const e = await refusal('./fifo.mjs#t');
    expect(e.code).toBe('PIPELINE_INVALID');
    expect(e.message).toContain('not a regular file');
    expect(probes.veraProbeFifo).toBeUndefined();
  });

  it('other extensions are refused too', async () => {
    fs.writeFileSync(path.join(inside, 'tasks.json'), '{}');
    expect((await refusal('./tasks.json#t')).code).toBe('PIPELINE_INVALID');
  });

  it('relative classes inside the root still load: .. within it, and symlinks that stay inside', async () => {
    const p = await loadPipelineText(pipelineWith('../tasks.mjs#ok'), path.join(inside, 'sub', 'p.yaml'));
    expect(p.tasks[0]!.modulePath).toBe(fs.realpathSync(path.join(inside, 'tasks.mjs')));
    const q = await loadPipelineText(pipelineWith('./alias.mjs#ok'), path.join(inside, 'sub', 'p.yaml'));
    expect(q.tasks[0]!.modulePath).toBe(fs.realpathSync(path.join(inside, 'tasks.mjs')));
  });

  it("inside Vera's checkout, only its task directories hold task modules: not its entry points", async () => {
    // A module elsewhere in the checkout (like bin/vera.js or bench/run.ts, which act when imported).
    const scratch = path.join(PROJECT_ROOT, '.scratch');
    fs.mkdirSync(scratch, { recursive: true });
    const probe = path.join(scratch, `veraProbeCheckout-${process.pid}.mjs`);
    fs.writeFileSync(probe, evilModule('veraProbeCheckout'));
    try {
      const e = await refusal(`./${path.relative(inside, probe)}#t`);
      expect(probes.veraProbeCheckout).toBeUndefined();
      expect(e.code).toBe('PIPELINE_INVALID');
      expect(e.message).toContain('task directories');
      expect((await refusal(`./${path.relative(inside, path.join(PROJECT_ROOT, 'bin/vera.js'))}#main`)).code).toBe('PIPELINE_INVALID');
    } finally {
      fs.rmSync(probe, { force: true });
    }
    // Vera's own task code stays reachable from a test repository (wired as isr declares its connections).
    const isrPipeline = `tasks:
  isr:
    class: ./${path.relative(inside, path.join(PROJECT_ROOT, 'pipelines/drp/isr.ts'))}#isr
    dimensions: [instrument, visit, detector]
    connections:
      raw: { kind: input, datasetType: raw, dimensions: [instrument, visit, detector], storageClass: Image }
      bias: { kind: calibration, datasetType: bias, dimensions: [instrument, detector], storageClass: Image }
      flat: { kind: calibration, datasetType: flat, dimensions: [instrument, physical_filter, detector], storageClass: Image }
      exposure: { kind: output, datasetType: postISRCCD, dimensions: [instrument, visit, detector], storageClass: Exposure }
`;
    const p = await loadPipelineText(isrPipeline, path.join(inside, 'p.yaml'));
    expect(p.tasks[0]!.modulePath).toBe(fs.realpathSync(path.join(PROJECT_ROOT, 'pipelines/drp/isr.ts')));
  });

  it('a pipeline outside every root is refused; an extra root (VERA_PIPELINE_ROOTS) allows it, and only inside it', async () => {
    fs.writeFileSync(path.join(outside, 'tasks.mjs'), OK_TASK);
    const file = path.join(outside, 'p.yaml');
    const e = await loadPipelineText(pipelineWith('./tasks.mjs#ok'), file).catch((err) => err);
    expect(e.code).toBe('PATH_ESCAPE');
    expect(e.message).toContain('VERA_PIPELINE_ROOTS');
    const p = await loadPipelineText(pipelineWith('./tasks.mjs#ok'), file, {}, { roots: [outside] });
    expect(p.tasks[0]!.exportName).toBe('ok');
    // From that root, Vera's own checkout is out of reach.
    const rel = path.relative(outside, path.join(inside, 'tasks.mjs'));
    const escape = await loadPipelineText(pipelineWith(`./${rel}#ok`), file, {}, { roots: [outside] }).catch((err) => err);
    expect(escape.code).toBe('PIPELINE_INVALID');
  });

  it('a recorded task class is imported again (rerun) only when it is an absolute module path', async () => {
    const e = await loadTaskConfig('data:text/javascript,globalThis.veraProbeRerun=true#t', {}, {}, 'evil').catch((err) => err);
    expect(probes.veraProbeRerun).toBeUndefined();
    expect(e.code).toBe('PIPELINE_INVALID');
  });
});
