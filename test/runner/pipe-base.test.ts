import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateContract, NotEvaluable, parseContract } from '../../runner/pipeline/contract-expr.ts';
import { validatePipeBase } from '../../runner/pipeline/pipe-base.ts';

const B = path.resolve(import.meta.dirname, '../fixtures/pipe_base');
const ROOTS = [`${B}/drp_pipe`, `${B}/ap_pipe`, `${B}/mine`];

describe('pipe_base pipelines from the field', () => {
  it("reads drp_pipe's HSC pipelines_check through three levels of imports, listing every unresolved import at once", async () => {
    const r = await validatePipeBase(`${B}/drp_pipe/pipelines/HSC/pipelines_check.yaml`, { roots: ROOTS });
    expect(r.pipeline.instrument).toBe('lsst.obs.subaru.HyperSuprimeCam');
    // `include: [processCcd]` keeps the processCcd subset's tasks of the imported HSC DRP.
    expect(r.selected).toEqual(['isr', 'calibrateImage']);
    expect(r.pipeline.tasks.get('isr')!.config.get('doAmpOffset')).toBe(true); // HSC's override over DRP-full's isr
    expect(r.notRunnable).toEqual([
      { label: 'isr', class: 'lsst.ip.isr.IsrTask' },
      { label: 'calibrateImage', class: 'lsst.pipe.tasks.calibrateImage.CalibrateImageTask' },
    ]);
    // analysis_tools and meas_extensions_multiprofit are not among the roots: each import is named.
    expect(r.problems.filter((p) => p.includes('no pipeline root provides $ANALYSIS_TOOLS_DIR'))).toHaveLength(6);
    expect(r.problems.filter((p) => p.includes('$MEAS_EXTENSIONS_MULTIPROFIT_DIR'))).toHaveLength(1);
    expect(r.problems).toHaveLength(7);
  });

  it("drops a subset excluded on import (DRP-ci_hsc excludes fgcm) and says so when it is asked for", async () => {
    const r = await validatePipeBase(`${B}/drp_pipe/pipelines/HSC/DRP-ci_hsc.yaml#fgcm`, { roots: ROOTS });
    expect(r.pipeline.tasks.has('fgcmFitCycle')).toBe(false);
    expect(r.pipeline.tasks.get('updateVisitSummary')!.config.get('photo_calib_provider')).toBe('tract');
    expect(r.problems.some((p) => p.startsWith("'#fgcm' is neither a subset (processCcd, sourceTable, coaddition,"))).toBe(true);
  });

  it("reads ap_pipe's HSC ApPipe: parameters substituted, subsets selected, contracts evaluated or said why not", async () => {
    const all = await validatePipeBase(`${B}/ap_pipe/pipelines/HSC/ApPipe.yaml`, { roots: ROOTS });
    expect(all.pipeline.tasks.get('subtractImages')!.config.get('connections.coaddName')).toBe('goodSeeing'); // parameters.coaddName
    expect(all.pipeline.tasks.get('calibrateImage')!.config.get('id_generator.release_id')).toBe(0);
    const passed = all.contracts.filter((c) => c.result === 'passed').map((c) => c.contract);
    expect(passed).toContain('detectAndMeasureDiaSource.doSkySources == filterDiaSource.doRemoveSkySources');
    const connections = all.contracts.filter((c) => c.reason?.startsWith('calls Python code'));
    expect(connections.length).toBeGreaterThanOrEqual(6); // the HSC file's ConnectionsClass(config=...) contracts
    expect(all.problems).toEqual([expect.stringContaining('no pipeline root provides $ANALYSIS_TOOLS_DIR')]);

    const sub = await validatePipeBase(`${B}/ap_pipe/pipelines/HSC/ApPipe.yaml#preload,associateApdb`, { roots: ROOTS });
    expect(sub.selected).toEqual(['loadDiaCatalogs', 'mpSkyEphemerisQuery', 'associateApdb']); // preload's analysis_tools task is not there
    expect(sub.contracts.map((c) => c.contract)).toContain('loadDiaCatalogs.apdb_config_url == associateApdb.apdb_config_url');
    expect(sub.contracts.some((c) => c.contract.includes('subtractImages'))).toBe(false); // not selected: dropped
  });

  it('reports failed contracts with their msg, all problems at once, while the rest is validated', async () => {
    const r = await validatePipeBase(`${B}/mine/ap-no-sky-sources.yaml#filtering`, { roots: ROOTS });
    expect(r.selected).toEqual(['detectAndMeasureDiaSource', 'filterDiaSource']);
    expect(r.problems).toContain('contract failed: detectAndMeasureDiaSource.doSkySources == filterDiaSource.doRemoveSkySources');
    // The selection drops contracts about tasks it does not hold.
    expect(r.contracts.some((c) => c.contract.includes('apdb_config_url'))).toBe(false);

    const whole = await validatePipeBase(`${B}/mine/ap-no-sky-sources.yaml`, { roots: ROOTS });
    expect(whole.pipeline.tasks.get('loadDiaCatalogs')!.config.get('apdb_config_url')).toBe('/repo/apdb.yaml');
    expect(whole.problems).toContain("contract failed: the APDB must be the shared one (loadDiaCatalogs.apdb_config_url == '/elsewhere.yaml')");
    expect(whole.contracts.find((c) => c.msg === 'templates must be goodSeeing coadds')!.result).toBe('passed');
    expect(whole.problems.filter((p) => p.startsWith('contract failed'))).toHaveLength(2);
  });
});

describe("Vera's own pipelines in pipe_base's shape", () => {
  it('validates Vera tasks with Vera checks after subsets, parameters and contracts: a bad config is named', async () => {
    const dir = path.resolve(import.meta.dirname, '../fixtures/pipelines');
    const toy = fs.readFileSync(path.join(dir, 'toy.yaml'), 'utf8');
    const file = path.join(dir, `.tmp-${process.pid}-toy-pipe-base.yaml`);
    const extra = (factor: string) =>
      `${toy.replace('    class: ./toy-tasks.ts#scale\n', `    class: ./toy-tasks.ts#scale\n    config: { factor: ${factor} }\n`)}` +
      `parameters: { factor: 3 }\nsubsets:\n  scaleOnly: [scale]\ncontracts:\n  - contract: scale.factor > 1\n    msg: scaling must enlarge\n`;
    try {
      fs.writeFileSync(file, extra('parameters.factor'));
      const ok = await validatePipeBase(`${file}#scaleOnly`, { roots: [dir] });
      expect(ok.problems).toEqual([]);
      expect(ok.selected).toEqual(['scale']);
      expect(ok.contracts.map((c) => c.result)).toEqual(['passed']);

      fs.writeFileSync(file, extra('"two"'));
      const bad = await validatePipeBase(`${file}#scaleOnly`, { roots: [dir] });
      expect(bad.problems).toEqual([expect.stringContaining("task 'scale' config field 'factor'")]);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});

describe('contract expressions', () => {
  const configs = new Map([
    ['a', new Map<string, unknown>([['x', 3], ['flags', ['f1', 'f2']], ['on', true], ['name', 'deep']])],
    ['b', new Map<string, unknown>([['x', 3], ['sub.y', 5]])],
  ]);
  const ev = (s: string) => evaluateContract(parseContract(s), configs);

  it('evaluates comparisons, chains, membership, boolean logic and conditionals as Python does', () => {
    expect(ev('a.x == b.x')).toBe(true);
    expect(ev('1 < a.x <= b.sub.y')).toBe(true);
    expect(ev("'f3' not in a.flags")).toBe(true);
    expect(ev("'f1' not in a.flags if a.on else True")).toBe(false);
    expect(ev('not a.on or b.sub.y > 4')).toBe(true);
    expect(ev("a.name + 'Coadd' == 'deepCoadd'")).toBe(true);
    expect(ev('a.flags[-1] == "f2"')).toBe(true);
  });

  it('never runs code: calls and unknown config fields are "not evaluated", syntax errors are named', () => {
    expect(() => ev('a.connections.ConnectionsClass(config=a).x.name == "y"')).toThrow(NotEvaluable);
    expect(() => ev('a.missing == 1')).toThrow(/a.missing is not set in the pipeline/);
    expect(() => ev("__import__('os').system('true')")).toThrow(NotEvaluable);
    expect(() => parseContract('a.x == ')).toThrow(/unexpected end/);
    expect(() => parseContract('a.x === 3')).toThrow(/unexpected '=' at column 7/);
  });
});
