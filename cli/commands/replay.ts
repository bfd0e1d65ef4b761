import type { Command } from 'commander';
import { VeraError } from '../../server/errors.ts';
import { splitList, withClient } from '../context.ts';
import { printJson, printTable } from '../output.ts';
import { graphql } from '../generated/gql.ts';
import type { ReplayStateQuery } from '../generated/graphql.ts';
import { registerReplayCompare } from './replay-compare.ts';
import { percentile } from '../../server/util/percentile.ts';

/**
 * `vera replay`: start an alert-production replay (visits in observation order through the AP
 * pipeline, association into the replay's APDB, alerts) and show its state, per-visit latency
 * included. Everything goes through GraphQL.
 */

const START = graphql(`
  mutation ReplayStart($instrument: String!, $codeRef: String!, $inputs: [String!]!, $pipeline: String, $visits: [Float!], $speed: Float, $associationRadiusArcsec: Float) {
    startReplay(instrument: $instrument, codeRef: $codeRef, inputs: $inputs, pipeline: $pipeline, visits: $visits, speed: $speed, associationRadiusArcsec: $associationRadiusArcsec) { id status alertSubject }
  }
`);

const STATE = graphql(`
  query ReplayState($id: Int!) {
    replay(id: $id) {
      id owner status instrument codeRef associationRadiusArcsec speed alertSubject error inputs pipeline createdAt startedAt endedAt
      visits { seq visit stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } }
    }
  }
`);

const LIST = graphql(`
  query ReplayList($limit: Int) { replays(limit: $limit) { id owner status instrument codeRef speed createdAt endedAt visits { stage } } }
`);

type ReplayState = NonNullable<ReplayStateQuery['replay']>;

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '' : Math.round(v));

function parseNumber(option: string, check: (n: number) => boolean, expected: string) {
  return (value: string) => {
    const n = Number(value);
    if (!value.trim() || !Number.isFinite(n) || !check(n)) throw new VeraError('BAD_INPUT', `${option} '${value}': expected ${expected}`, { value });
    return n;
  };
}

function parseId(value: string): number {
  if (!/^\d+$/.test(value)) throw new VeraError('BAD_INPUT', `replay id '${value}': expected a whole number`, { value });
  return Number(value);
}

function parseVisits(value: string): number[] {
  return splitList(value).map((v) => {
    if (!/^\d+$/.test(v)) throw new VeraError('BAD_INPUT', `--visits: '${v}' is not a visit id (whole numbers, comma-separated)`, { value: v });
    return Number(v);
  });
}

function printReplay(r: ReplayState): void {
  const out = process.stdout;
  const latencies = r.visits.flatMap((v) => (v.latencyMs === null || v.latencyMs === undefined ? [] : [v.latencyMs]));
  out.write(`replay ${r.id}: ${r.status}, ${r.visits.filter((v) => v.stage === 'published').length}/${r.visits.length} visits published\n`);
  out.write(`  instrument ${r.instrument}, code ${r.codeRef}, pipeline ${r.pipeline}, association radius ${r.associationRadiusArcsec}″, ${r.speed ? `speed ×${r.speed}` : 'as fast as possible'}\n`);
  out.write(`  inputs ${r.inputs.join(', ')}\n`);
  if (r.alertSubject) out.write(`  alerts on ${r.alertSubject}\n`);
  if (latencies.length > 0) out.write(`  latency p50 ${ms(percentile(latencies, 50))} ms, p95 ${ms(percentile(latencies, 95))} ms, max ${ms(Math.max(...latencies))} ms\n`);
  if (r.error) out.write(`  error: ${r.error}\n`);
  out.write('\n');
  printTable(
    ['SEQ', 'VISIT', 'STAGE', 'DIASOURCES', 'NEW OBJECTS', 'ALERTS', 'LATENCY MS', 'PROCESS MS', 'ASSOCIATE MS', 'PACKAGE MS', 'PUBLISH MS'],
    r.visits.map((v) => [v.seq, v.visit, v.stage, v.diaSources, v.newDiaObjects, v.alerts, ms(v.latencyMs), ms(v.timings.processMs), ms(v.timings.associateMs), ms(v.timings.packageMs), ms(v.timings.publishMs)]),
  );
}

export function register(program: Command): void {
  const replay = program.command('replay').description('alert-production replays: start one (visits in observation order through AP), status, list, compare two');
  registerReplayCompare(replay);

  replay
    .command('start')
    .description('start a replay of an instrument\'s visits through the AP pipeline and, unless --no-wait, follow it to its end')
    .requiredOption('--instrument <name>', 'the instrument whose visits are replayed')
    .requiredOption('--inputs <collections>', 'comma-separated collections the AP runs read: raws, calibrations, refcats, templates', splitList)
    .option('--visits <ids>', 'comma-separated visit ids (default: every visit of the instrument), replayed in shutter-close order', parseVisits)
    .option('--code-ref <ref>', 'the code replayed (commit, branch or release), recorded with the replay', 'main')
    .option('--pipeline <file>', 'the AP pipeline run per visit (default pipelines/ap.yaml)')
    .option('--speed <factor>', 'observatory seconds per wall second (60: an hour in a minute)', parseNumber('--speed', (n) => n > 0, 'a positive number'))
    .option('--as-fast-as-possible', 'release each visit as soon as the previous one is published (the default without --speed)')
    .option('--association-radius <arcsec>', 'association radius, arcseconds (default 1)', parseNumber('--association-radius', (n) => n > 0 && n <= 60, 'a number of arcseconds in (0, 60]'))
    .option('--no-wait', 'return once the replay is recorded and started')
    .option('--json', 'print the final replay state as JSON')
    .action(
      async (opts: {
        instrument: string;
        inputs: string[];
        visits?: number[];
        codeRef: string;
        pipeline?: string;
        speed?: number;
        asFastAsPossible?: boolean;
        associationRadius?: number;
        wait: boolean;
        json?: boolean;
      }) => {
        if (opts.speed !== undefined && opts.asFastAsPossible) throw new VeraError('BAD_INPUT', '--speed and --as-fast-as-possible exclude each other');
        const final = await withClient(async (c) => {
          const { startReplay } = await c.request(START, {
            instrument: opts.instrument,
            codeRef: opts.codeRef,
            inputs: opts.inputs,
            pipeline: opts.pipeline,
            visits: opts.visits,
            speed: opts.speed,
            associationRadiusArcsec: opts.associationRadius,
          });
          if (!opts.json) process.stderr.write(`replay ${startReplay.id} started${startReplay.alertSubject ? `; alerts on ${startReplay.alertSubject}` : ''}\n`);
          let seen = 0;
          for (;;) {
            const { replay: r } = await c.request(STATE, { id: startReplay.id });
            if (!r) throw new VeraError('NOT_FOUND', `replay ${startReplay.id} disappeared`);
            if (!opts.wait) return r;
            const published = r.visits.filter((v) => v.stage === 'published');
            for (const v of published.slice(seen)) if (!opts.json) process.stderr.write(`visit ${v.visit}: ${v.alerts ?? 0} alerts, latency ${ms(v.latencyMs)} ms\n`);
            seen = published.length;
            if (r.status !== 'pending' && r.status !== 'running') return r;
            await new Promise((res) => setTimeout(res, 500));
          }
        });
        if (opts.json) return printJson(final);
        printReplay(final);
        if (final.status === 'failed') process.exitCode = 1;
      },
    );

  replay
    .command('status')
    .description('a replay: its visits with stage, DiaSources, alerts, latency and per-stage timings')
    .argument('<id>', 'the replay id (vera replay list)', parseId)
    .option('--json', 'machine-readable output')
    .action(async (id: number, opts: { json?: boolean }) => {
      const { replay: r } = await withClient((c) => c.request(STATE, { id }));
      if (!r) throw new VeraError('NOT_FOUND', `no replay ${id}; see vera replay list`, { replay: id });
      if (opts.json) return printJson(r);
      printReplay(r);
    });

  replay
    .command('list')
    .description('replays, newest first')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const { replays } = await withClient((c) => c.request(LIST, { limit: 100 }));
      if (opts.json) return printJson(replays);
      printTable(
        ['ID', 'OWNER', 'STATUS', 'INSTRUMENT', 'CODE', 'SPEED', 'VISITS', 'CREATED'],
        replays.map((r) => [r.id, r.owner, r.status, r.instrument, r.codeRef, r.speed ?? 'afap', `${r.visits.filter((v) => v.stage === 'published').length}/${r.visits.length}`, r.createdAt.slice(0, 19).replace('T', ' ')]),
      );
    });
}
