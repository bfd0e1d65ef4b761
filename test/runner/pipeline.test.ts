import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOverrideFile, parseOverrideOptions } from '../../runner/pipeline/config.ts';
import { loadPipelineText } from '../../runner/pipeline/load.ts';
import { PROJECT_ROOT } from '../support/git-repo.ts';
import { TOY_PIPELINE, toyPipelineText } from '../support/runs.ts';

// Pipelines written next to the toy one so their relative task classes resolve.
const file = path.join(path.dirname(TOY_PIPELINE), 'test.yaml');

function pipeline(tasks: string) {
  return `tasks:\n${tasks}`;
}

const scaleTask = (label: string, input: string, output: string, extra = '') => `  ${label}:
    class: ./toy-tasks.ts#scale
    dimensions: [instrument, visit, detector]
    connections:
      raw: { kind: input, datasetType: ${input}, dimensions: [instrument, visit, detector], storageClass: StructuredData }
      scaled: { kind: output, datasetType: ${output}, dimensions: [instrument, visit, detector], storageClass: StructuredData${extra} }
`;

async function error(text: string, overrides = {}) {
  return loadPipelineText(text, file, overrides).then(
    () => {
      throw new Error('pipeline loaded, but should not have');
    },
    (e) => e as { code: string; message: string },
  );
}

describe('pipeline loading', () => {
  it('loads the toy pipeline in dependency order with resolved configs and hashes', async () => {
    const p = await loadPipelineText(toyPipelineText(), TOY_PIPELINE);
    expect(p.tasks.map((t) => t.label)).toEqual(['scale', 'sumVisit']);
    expect(p.tasks[0]!.config).toEqual({ factor: 2, failOnVisit: null, sleepMs: 0, waitForFile: null, waitFromVisit: null });
    expect(p.producers.get('scaled')!.task.label).toBe('scale');
    const q = await loadPipelineText(toyPipelineText(), TOY_PIPELINE, { scale: { factor: 3 } });
    expect(q.tasks[0]!.config.factor).toBe(3);
    expect(q.tasks[0]!.configHash).not.toBe(p.tasks[0]!.configHash);
  });

  it('refuses an unknown task class, naming the task and what the module exports', async () => {
    const e = await error(pipeline(scaleTask('a', 'raw', 'x').replace('#scale', '#scal')));
    expect(e.code).toBe('PIPELINE_INVALID');
    expect(e.message).toContain("task 'a': unknown task class './toy-tasks.ts#scal'");
    expect(e.message).toContain('scale, sumVisit');
    const e2 = await error(pipeline(scaleTask('a', 'raw', 'x').replace('./toy-tasks.ts', './nope.ts')));
    expect(e2.message).toContain('cannot import');
  });

  it('refuses a cycle between tasks, naming it', async () => {
    const e = await error(pipeline(scaleTask('a', 'y', 'x') + scaleTask('b', 'x', 'y')));
    expect(e.code).toBe('PIPELINE_INVALID');
    expect(e.message).toMatch(/cycle between tasks: (a -> b -> a|b -> a -> b)/);
  });

  it('refuses a dimension mismatch: an input the quantum cannot determine', async () => {
    const text = `tasks:
  sum:
    class: ./toy-tasks.ts#sumVisit
    dimensions: [instrument, visit]
    connections:
      scaled: { kind: input, datasetType: scaled, dimensions: [instrument, visit, detector], storageClass: StructuredData }
      total: { kind: output, datasetType: total, dimensions: [instrument, visit], storageClass: StructuredData }
`;
    const e = await error(text);
    expect(e.message).toContain("dimension mismatch: task 'sum' connection 'scaled'");
    expect(e.message).toContain("mark the input 'multiple: true'");
  });

  it('refuses one dataset type with two definitions, and two producers of one type', async () => {
    const conflicting = scaleTask('a', 'raw', 'x') + scaleTask('b', 'x', 'y').replace('datasetType: x, dimensions: [instrument, visit, detector], storageClass: StructuredData', 'datasetType: x, dimensions: [instrument, visit, detector], storageClass: Measurement');
    expect((await error(pipeline(conflicting))).message).toContain("dataset type 'x' is {instrument, visit, detector} StructuredData in task 'a'");
    expect((await error(pipeline(scaleTask('a', 'raw', 'x') + scaleTask('b', 'raw', 'x')))).message).toContain("'x' is produced by both task 'a' and task 'b'");
  });

  it('refuses unknown dimensions and storage classes, and malformed YAML with its line', async () => {
    expect((await error(pipeline(scaleTask('a', 'raw', 'x').replace('[instrument, visit, detector]\n', '[instrument, exposure]\n')))).message).toContain("unknown dimension 'exposure'");
    expect((await error(pipeline(scaleTask('a', 'raw', 'x').replace('storageClass: StructuredData }\n      scaled', 'storageClass: Blob }\n      scaled')))).message).toContain(
      "unknown storage class 'Blob'",
    );
    expect((await error('tasks:\n  a: [\n')).message).toMatch(/YAML error at line \d+/);
    expect((await error('tasks:\n  a:\n    klass: x\n')).message).toContain('tasks.a');
  });

  it('config overrides: unknown fields and tasks are errors; values parse as YAML scalars', async () => {
    expect(parseOverrideOptions(['scale:factor=3', 'scale:failOnVisit=null', 'x:a.b=[1, 2]'])).toEqual({ scale: { factor: 3, failOnVisit: null }, x: { a: { b: [1, 2] } } });
    expect(() => parseOverrideOptions(['scale.factor=3'])).toThrowError(/task:field=value/);
    const e = await error(toyPipelineText(), { scale: { facter: 3 } });
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toContain("task 'scale' config field 'facter'");
    const e2 = await error(toyPipelineText(), { scale: { factor: 'big' } });
    expect(e2.message).toContain("field 'factor'");
    const e3 = await error(toyPipelineText(), { nosuch: { a: 1 } });
    expect(e3.message).toContain("config override for unknown task 'nosuch'");
    expect(parseOverrideFile('scale:\n  factor: 4\n', 'o.yaml')).toEqual({ scale: { factor: 4 } });
    expect(() => parseOverrideFile('- 1\n', 'o.yaml')).toThrowError(/o.yaml: expected a mapping/);
  });
});

describe('connections a task declares in code', () => {
  // The DRP's isr declares raw, bias, flat (inputs) and exposure (output); its pipeline must say the same.
  const drpFile = path.join(PROJECT_ROOT, 'pipelines', 'probe.yaml');
  const isr = (connections: string) => `tasks:
  isr:
    class: ./drp/isr.ts#isr
    dimensions: [instrument, visit, detector]
    connections:
${connections}`;
  const RAW = '      raw: { kind: input, datasetType: raw, dimensions: [instrument, visit, detector], storageClass: Image }\n';
  const BIAS = '      bias: { kind: calibration, datasetType: bias, dimensions: [instrument, detector], storageClass: Image }\n';
  const FLAT = '      flat: { kind: calibration, datasetType: flat, dimensions: [instrument, physical_filter, detector], storageClass: Image }\n';
  const OUT = '      exposure: { kind: output, datasetType: postISRCCD, dimensions: [instrument, visit, detector], storageClass: Exposure }\n';
  const load = (text: string) =>
    loadPipelineText(text, drpFile).then(
      () => undefined,
      (e) => e as { code: string; message: string },
    );

  it('the pipeline as declared loads', async () => {
    expect(await load(isr(RAW + BIAS + FLAT + OUT))).toBeUndefined();
  });

  it('a misspelled connection fails at load, naming the declared ones', async () => {
    const e = await load(isr(RAW + BIAS + FLAT.replace('flat:', 'flatt:') + OUT));
    expect(e?.code).toBe('PIPELINE_INVALID');
    expect(e?.message).toContain("connection 'flatt': ./drp/isr.ts#isr has no such connection; it declares raw, bias, flat, exposure");
  });

  it('a different storage class or kind fails at load', async () => {
    const e = await load(isr(RAW.replace('storageClass: Image', 'storageClass: Exposure') + BIAS + FLAT + OUT));
    expect(e?.message).toContain("connection 'raw': storageClass is Exposure in the pipeline but ./drp/isr.ts#isr declares Image");
    const k = await load(isr(RAW + BIAS.replace('kind: calibration', 'kind: prerequisite') + FLAT + OUT));
    expect(k?.message).toContain("connection 'bias': kind is prerequisite in the pipeline but ./drp/isr.ts#isr declares calibration");
  });

  it('a declared connection left unwired fails at load', async () => {
    const e = await load(isr(RAW + BIAS + OUT));
    expect(e?.message).toContain("does not wire connection 'flat' that ./drp/isr.ts#isr declares");
  });
  it('subsets: a selection keeps its tasks in order; a subset naming a missing task is an error at load', async () => {
    const text = `${toyPipelineText()}\nsubsets:\n  both: [sumVisit, scale]\n  sums: { subset: [sumVisit], description: only the sums }\n`;
    const labels = async (selection: string[]) => (await loadPipelineText(text, file, {}, { selection })).tasks.map((x) => x.label);
    expect(await labels(['both'])).toEqual(['scale', 'sumVisit']);
    expect(await labels(['sums'])).toEqual(['sumVisit']);
    expect(await labels(['scale'])).toEqual(['scale']);
    const bad = await error(`${toyPipelineText()}\nsubsets:\n  broken: [scale, isr]\n`);
    expect(bad.code).toBe('PIPELINE_INVALID');
    expect(bad.message).toContain("subset 'broken' names task not in the pipeline: isr");
  });
});
