import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../server/db/client.ts';
import { ingestJob, ingestMeasurementFiles } from '../../server/metrics/ingest-job.ts';
import { parseJobJson } from '../../server/metrics/verify/index.ts';
import { cliEnv, prepareCliHome, runCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { FIXTURES, fixtureText } from './verify/support.ts';

const t = useTestDatabase();
let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-job-ingest-'));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const realJob = () => zlib.gunzipSync(fs.readFileSync(new URL('CfhtQuick_output_r.json.gz', FIXTURES))).toString('utf8');

/**
 * The real CfhtQuick job (validate_drp's Job.write) carries `meta` without `env` or `packages`;
 * job-768 (below) has them but no instrument. This adds them as dispatch_verify does (insert_env_metadata with
 * get_jenkins_env's fields, insert_lsstsw_metadata's package documents), leaving the rest as is.
 */
function withDispatchMeta(text: string, date = '2020-03-23T18:04:05.123456+00:00'): string {
  const env = { ci_id: '1234', ci_name: 'validate_drp', ci_dataset: 'validation_data_cfht', ci_label: 'centos-8', ci_url: 'https://ci.lsst.codes/job/1234/', ci_refs: 'tickets/DM-23916', status: 0, env_name: 'jenkins', date };
  const packages = {
    validate_drp: { name: 'validate_drp', git_branch: 'master', git_url: 'https://github.com/lsst/validate_drp.git', git_sha: '9ed2003ad38e4b5c6c0f2bd8e0b4f53d1a7c9b11', eups_version: '19.0.0-9-g9ed2003' },
  };
  expect(text).toContain('"meta": {"instrument"');
  return text.replace('"meta": {', `"meta": {"env": ${JSON.stringify(env)}, "packages": ${JSON.stringify(packages)}, `);
}

describe('lsst.verify Job JSON ingest', () => {
  it('keeps meta of a real Jenkins job as it is: the time from meta.env.date, the lsstsw packages as the software, the rest as job metadata', async () => {
    const dev = await makeActor(t.db, 'dev1');
    // Sent to SQuaSH by dispatch_verify from Jenkins (validate_drp on DECam, build 904); read unchanged.
    const text = zlib.gunzipSync(fs.readFileSync(new URL('job-768.json.gz', FIXTURES))).toString('utf8');
    const res = await ingestJob(t.db, text, { dataset: 'decam' }, dev);
    expect(res.measuredAt.toISOString()).toBe('2017-04-24T00:33:41.000Z');
    const rows = await queryRows<{ metric_name: string; value: number; measured_at: Date; extras: { jobMeta?: Record<string, unknown>; software?: Record<string, Record<string, string>> } }>(
      t.db,
      sql`SELECT metric_name, value, measured_at, extras FROM measurements WHERE job_id = ${res.jobId} ORDER BY metric_name`,
    );
    expect(rows).toHaveLength(21);
    const am1 = rows.find((r) => r.metric_name === 'validate_drp.AM1')!;
    expect(am1.value).toBeCloseTo(32.9521259185611, 10);
    expect(new Date(am1.measured_at).toISOString()).toBe('2017-04-24T00:33:41.000Z');
    expect(am1.extras.jobMeta).toMatchObject({
      env: { env_name: 'jenkins', ci_name: 'validate_drp', ci_id: '904', ci_dataset: 'decam', ci_label: 'centos-7', status: 0, ci_url: 'https://ci.lsst.codes/job/validate_drp/dataset=decam,label=centos-7,python=py2/904/' },
    });
    expect(am1.extras.jobMeta).not.toHaveProperty('packages');
    expect(Object.keys(am1.extras.software ?? {})).toHaveLength(83);
    expect(am1.extras.software!.afw).toEqual({ eups_version: '13.0-33-g6c2ee3f', git_branch: 'master', git_sha: '6c2ee3fc2d526450fd04de3f68a28403e9eceff3', git_url: 'https://github.com/lsst/afw.git' });
  });

  it('keeps meta a dispatch_verify job adds to a Job.write output (instrument and filter besides env and packages)', async () => {
    const dev = await makeActor(t.db, 'dev1b');
    const text = withDispatchMeta(realJob());
    const res = await ingestJob(t.db, text, { dataset: 'validation_data_cfht' }, dev);
    expect(res.measuredAt.toISOString()).toBe('2020-03-23T18:04:05.123Z');
    const [row] = await queryRows<{ extras: { jobMeta?: unknown } }>(
      t.db,
      sql`SELECT extras FROM measurements WHERE job_id = ${res.jobId} AND metric_name = 'validate_drp.PA1'`,
    );
    expect(row!.extras.jobMeta).toMatchObject({ instrument: 'CFHT', filter_name: 'r', env: { env_name: 'jenkins', ci_refs: 'tickets/DM-23916' } });
  });

  it('a job is the same job whatever its layout: an extra newline or CRLF line ends are refused as duplicates; changed content is not', async () => {
    const dev = await makeActor(t.db, 'dev2');
    const text = withDispatchMeta(realJob(), '2020-04-01T00:00:00+00:00');
    const first = await ingestJob(t.db, text, { dataset: 'layout' }, dev);
    for (const variant of [`${text}\n`, `\n${text.replace(/, "/g, ',\r\n  "')}\r\n`]) {
      await expect(ingestJob(t.db, variant, { dataset: 'layout' }, dev)).rejects.toMatchObject({ code: 'DATASET_CONFLICT', details: { jobId: first.jobId } });
    }
    const changed = text.replace('"value": 12.140689964867782', '"value": 12.5');
    expect(changed).not.toBe(text);
    expect((await ingestJob(t.db, changed, { dataset: 'layout' }, dev)).jobId).not.toBe(first.jobId);
  });

  it('NaN measurements are kept as rows marked non-finite, not dropped', async () => {
    const dev = await makeActor(t.db, 'dev3');
    const text = withDispatchMeta(realJob(), '2020-05-01T00:00:00+00:00');
    const job = parseJobJson(text);
    const nan = job.measurements.filter((m) => Number.isNaN(m.quantity.value)).map((m) => m.metric);
    expect(nan.length).toBeGreaterThan(0);
    const res = await ingestJob(t.db, text, { dataset: 'nan' }, dev);
    const rows = await queryRows<{ metric_name: string; value: number | null; extras: Record<string, unknown> }>(
      t.db,
      sql`SELECT metric_name, value, extras FROM measurements WHERE job_id = ${res.jobId} AND extras ? 'nonFinite' ORDER BY id`,
    );
    expect(rows.map((r) => r.metric_name)).toEqual(nan);
    expect(rows.every((r) => r.value === null && r.extras.nonFinite === 'NaN')).toBe(true);
  });

  it('--import-definitions lists what it added, then what a later job changed', async () => {
    const dev = await makeActor(t.db, 'dev4');
    const text = withDispatchMeta(realJob(), '2020-06-01T00:00:00+00:00');
    const job = parseJobJson(text);
    const first = await ingestJob(t.db, text, { dataset: 'defs', importDefinitions: true }, dev);
    expect(first.definitionChanges.filter((c) => c.endsWith(': added'))).toHaveLength(job.metrics.length);
    expect(first.definitionChanges.filter((c) => /^specification .*: added \(/.test(c))).toHaveLength(job.specs.length);

    const edited = text
      .replace('"threshold": {"value": 10.0, "unit": "%", "operator": "<="}', '"threshold": {"value": 12.0, "unit": "%", "operator": "<="}')
      .replace('"description": "The maximum rms of the unresolved source magnitude distribution around the mean value."', '"description": "Reworded."')
      .replace('2020-06-01T00:00:00', '2020-06-02T00:00:00');
    const second = await ingestJob(t.db, edited, { dataset: 'defs', importDefinitions: true }, dev);
    expect(second.definitionChanges).toEqual(['metric validate_drp.PA1: description changed', 'specification validate_drp.AF1_design.srd: <= 10 % -> <= 12 %']);
    // Without the flag nothing is compared or changed.
    const third = await ingestJob(t.db, edited.replace('2020-06-02', '2020-06-03'), { dataset: 'defs' }, dev);
    expect(third.definitionChanges).toEqual([]);
  });
});

describe('butler measurement YAML', () => {
  const yaml = fixtureText('metricvalue_verify_testing.yaml');

  it('ingests real metricvalue files as one job, refuses bad ones all together, and detects a repeat by content', async () => {
    const dev = await makeActor(t.db, 'dev5');
    const bad = await ingestMeasurementFiles(
      t.db,
      [
        { path: 'good.yaml', text: yaml },
        { path: 'nometric.yaml', text: yaml.replace('metric: verify.testing', 'metrc: verify.testing') },
        { path: 'badunit.yaml', text: yaml.replace("unit: ''", 'unit: furlongs') },
      ],
      { dataset: 'butler' },
      dev,
    ).catch((e) => e);
    expect(bad.code).toBe('JOB_JSON');
    expect(bad.message).toMatch(/^2 of 3 measurement file\(s\) cannot be read; nothing was ingested/);
    expect(bad.message).toContain('nometric.yaml');
    expect(bad.message).toContain('badunit.yaml');
    expect(await queryRows(t.db, sql`SELECT 1 FROM measurements WHERE dataset = 'butler'`)).toEqual([]);

    const res = await ingestMeasurementFiles(t.db, [{ path: 'good.yaml', text: yaml }], { dataset: 'butler', commit: 'abc' }, dev);
    expect(res.ingested).toBe(1);
    const [row] = await queryRows<{ metric_name: string; value: number; unit: string }>(t.db, sql`SELECT metric_name, value, unit FROM measurements WHERE job_id = ${res.jobId}`);
    expect(row).toEqual({ metric_name: 'verify.testing', value: 12, unit: '' });
    await expect(ingestMeasurementFiles(t.db, [{ path: 'copy.yaml', text: `${yaml}\n` }], { dataset: 'butler' }, dev)).rejects.toMatchObject({ code: 'DATASET_CONFLICT' });
  });

  it('`vera metrics post-measurements` sends the files and reports the job', async () => {
    const file = path.join(scratch, 'metricvalue_verify_testing.yaml');
    fs.writeFileSync(file, yaml);
    const home = path.join(scratch, 'home');
    await prepareCliHome(home, undefined);
    const r = await runCli(['metrics', 'post-measurements', file, '--dataset', 'butler-cli', '--commit', 'abc', '--json'], cliEnv(home, undefined));
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ingested: 1, definitionChanges: [] });
  });
});
