import type { Command } from 'commander';
import { VeraError } from '../../server/errors.ts';
import { withClient } from '../context.ts';
import { printJson, printTable, type Cell } from '../output.ts';
import { graphql } from '../generated/gql.ts';
import type { ReplayCompareQuery } from '../generated/graphql.ts';

/**
 * `vera replay compare A B`: replay B against replay A (the reference), through GraphQL
 * `replayComparison`: the settings that differ, summary deltas (B − A), visit by visit latency,
 * DiaSources, new DiaObjects, alerts and stage timings, and the alerts matched by position.
 */

const COMPARE = graphql(`
  query ReplayCompare($a: Int!, $b: Int!, $radius: Float) {
    replayComparison(a: $a, b: $b, matchRadiusArcsec: $radius) {
      a { id status instrument codeRef }
      b { id status instrument codeRef }
      warnings
      differences { key a b }
      commonVisits onlyInA onlyInB
      deltas { name unit a b delta }
      visits {
        visit latencyDeltaMs alertsDelta alertsMatched alertsOnlyInA alertsOnlyInB
        a { stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } }
        b { stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } }
      }
      alerts {
        matchRadiusArcsec matched onlyInA onlyInB medianFluxDiffSigma maxFluxDiffSigma
        listedOnlyInA { visit diaSourceId ra dec psfFlux }
        listedOnlyInB { visit diaSourceId ra dec psfFlux }
      }
    }
  }
`);

type Comparison = ReplayCompareQuery['replayComparison'];

const round = (v: number | null | undefined, digits = 0): number | null => (v === null || v === undefined ? null : Number(v.toFixed(digits)));
const signed = (v: number | null | undefined, digits = 0): string => (v === null || v === undefined ? '' : `${v > 0 ? '+' : ''}${v.toFixed(digits)}`);

function parseId(value: string): number {
  if (!/^\d+$/.test(value)) throw new VeraError('BAD_INPUT', `replay id '${value}': expected a whole number`, { value });
  return Number(value);
}

function printComparison(c: Comparison): void {
  const out = process.stdout;
  const { a, b } = c;
  out.write(`replay ${b.id} (B, ${b.codeRef}, ${b.status}) against replay ${a.id} (A, ${a.codeRef}, ${a.status}): ${c.commonVisits.length} common visits\n`);
  for (const w of c.warnings) out.write(`  warning: ${w}\n`);
  out.write('\nsettings that differ\n');
  if (c.differences.length === 0) out.write('  none: same code, instrument, speed and config\n');
  else printTable(['SETTING', 'A', 'B'], c.differences.map((d) => [d.key, d.a ?? '(unset)', d.b ?? '(unset)']));
  out.write('\nsummary over the common visits (delta = B − A)\n');
  printTable(
    ['MEASURE', 'UNIT', 'A', 'B', 'DELTA'],
    c.deltas.map((d) => [d.name, d.unit, round(d.a), round(d.b), signed(d.delta)]),
  );
  const al = c.alerts;
  out.write(
    `\nalerts matched within ${al.matchRadiusArcsec}″ on visits both published: ${al.matched} matched, ${al.onlyInA} only in A, ${al.onlyInB} only in B` +
      (al.medianFluxDiffSigma === null ? '\n' : `; |Δ psfFlux| median ${al.medianFluxDiffSigma.toFixed(2)}σ, max ${al.maxFluxDiffSigma!.toFixed(2)}σ\n`),
  );
  out.write('\nvisits\n');
  printTable(
    ['VISIT', 'STAGE A', 'STAGE B', 'LATENCY A', 'LATENCY B', 'Δ MS', 'DIASRC A', 'DIASRC B', 'NEW A', 'NEW B', 'ALERTS A', 'ALERTS B', 'MATCHED', 'ONLY A', 'ONLY B'],
    c.visits.map((v): Cell[] => [
      v.visit,
      v.a?.stage ?? '—',
      v.b?.stage ?? '—',
      round(v.a?.latencyMs),
      round(v.b?.latencyMs),
      signed(v.latencyDeltaMs),
      v.a?.diaSources,
      v.b?.diaSources,
      v.a?.newDiaObjects,
      v.b?.newDiaObjects,
      v.a?.alerts,
      v.b?.alerts,
      v.alertsMatched,
      v.alertsOnlyInA,
      v.alertsOnlyInB,
    ]),
  );
  out.write('\nstage timings per visit, ms\n');
  printTable(
    ['VISIT', 'PROCESS A', 'PROCESS B', 'ASSOCIATE A', 'ASSOCIATE B', 'PACKAGE A', 'PACKAGE B', 'PUBLISH A', 'PUBLISH B'],
    c.visits.map((v): Cell[] => [
      v.visit,
      round(v.a?.timings.processMs),
      round(v.b?.timings.processMs),
      round(v.a?.timings.associateMs),
      round(v.b?.timings.associateMs),
      round(v.a?.timings.packageMs),
      round(v.b?.timings.packageMs),
      round(v.a?.timings.publishMs),
      round(v.b?.timings.publishMs),
    ]),
  );
}

export function registerReplayCompare(replay: Command): void {
  replay
    .command('compare')
    .description('replay B against replay A: settings that differ, latency and count deltas, visit by visit, alerts matched by position')
    .argument('<a>', 'the reference replay id', parseId)
    .argument('<b>', 'the replay compared with it', parseId)
    .option('--match-radius <arcsec>', `alerts of a visit closer than this are the same alert (default 1)`, (v: string) => {
      const n = Number(v);
      if (!v.trim() || !(n > 0 && n <= 60)) throw new VeraError('BAD_INPUT', `--match-radius '${v}': expected a number of arcseconds in (0, 60]`, { value: v });
      return n;
    })
    .option('--json', 'machine-readable output')
    .action(async (aId: number, bId: number, opts: { matchRadius?: number; json?: boolean }) => {
      const { replayComparison: c } = await withClient((client) => client.request(COMPARE, { a: aId, b: bId, radius: opts.matchRadius }));
      if (opts.json) {
        // On stderr too, so a script reading the JSON still shows them.
        for (const w of c.warnings) process.stderr.write(`warning: ${w}\n`);
        return printJson(c);
      }
      printComparison(c);
    });
}
