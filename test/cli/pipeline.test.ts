import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../support/cli.ts';

const B = path.resolve(import.meta.dirname, '../fixtures/pipe_base');
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-pipeline-cli-'));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));
const env = { ...process.env, VERA_HOME: home, VERA_LOG_LEVEL: 'warn' };

describe('vera pipeline validate and show', () => {
  it('validate lists every problem and the Python tasks, exit 2; show prints the expanded selection', async () => {
    const bad = await runCli(['pipeline', 'validate', `${B}/mine/ap-no-sky-sources.yaml#filtering`, '--root', `${B}/ap_pipe`], env);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain('not runnable here (Python task classes): 2');
    expect(bad.stdout).toContain('filterDiaSource: lsst.ap.association.FilterDiaSourceCatalogTask');
    expect(bad.stderr).toContain('2 problems');
    expect(bad.stderr).toContain('no pipeline root provides $ANALYSIS_TOOLS_DIR');
    expect(bad.stderr).toContain('contract failed: detectAndMeasureDiaSource.doSkySources == filterDiaSource.doRemoveSkySources');

    const shown = await runCli(['pipeline', 'show', `${B}/ap_pipe/pipelines/HSC/ApPipe.yaml#apPipeSingleFrame`, '--root', `${B}/ap_pipe`], env);
    expect(shown.code).toBe(0);
    const doc = parse(shown.stdout) as { instrument: string; tasks: { label: string; config: Record<string, unknown> }[] };
    expect(doc.instrument).toBe('lsst.obs.subaru.HyperSuprimeCam');
    expect(doc.tasks.map((t) => t.label)).toEqual(['isr', 'calibrateImage']);
    expect(doc.tasks[1]!.config['id_generator.release_id']).toBe(0);
  });
});
