import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { VeraError } from '../../server/errors.ts';
import { withClient } from '../context.ts';
import { graphql } from '../generated/gql.ts';
import { printJson } from '../output.ts';

const FITS_NAME = /\.(fits|fit|fts)$/i;

/** The files named, with directories expanded to the FITS files directly inside them (sorted). */
export function rawFilesOf(args: readonly string[]): string[] {
  const out: string[] = [];
  for (const arg of args) {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(arg);
    } catch {
      throw new VeraError('NOT_FOUND', `${arg} does not exist`, { file: arg });
    }
    if (stat.isDirectory()) {
      const inside = fs.readdirSync(arg).filter((n) => FITS_NAME.test(n)).sort().map((n) => path.join(arg, n));
      if (inside.length === 0) throw new VeraError('BAD_INPUT', `directory ${arg} holds no .fits, .fit or .fts files`, { dir: arg });
      out.push(...inside);
    } else out.push(arg);
  }
  return out;
}

export function register(program: Command): void {
  program
    .command('ingest-raws')
    .description('ingest raw FITS files (or directories of them) of an instrument: all files or none')
    .argument('<files...>', 'FITS files, or directories holding them')
    .requiredOption('--instrument <name>', 'instrument definition that maps header keywords to records (SimCam)')
    .option('--run <run>', 'RUN collection to ingest into (default <instrument>/raw/all)')
    .option('--json', 'machine-readable output')
    .action(async (args: string[], opts: { instrument: string; run?: string; json?: boolean }) => {
      // Sent as content: the server takes no paths, and may be on another machine.
      const files = rawFilesOf(args).map((f) => ({ name: f, contentBase64: fs.readFileSync(f).toString('base64') }));
      const { ingestRaws } = await withClient((c) =>
        c.request(
          graphql(`mutation IngestRaws($i: String!, $r: String, $f: [RawFileInput!]!) { ingestRaws(instrument: $i, run: $r, files: $f) { run ingested visits detectors newVisits newDetectors } }`),
          { i: opts.instrument, r: opts.run, f: files },
        ),
      );
      if (opts.json) return printJson(ingestRaws);
      process.stderr.write(
        `${ingestRaws.ingested} raws into ${ingestRaws.run}: visits ${ingestRaws.visits.join(', ')}; detectors ${ingestRaws.detectors.join(', ')} ` +
          `(${ingestRaws.newVisits} new visit and ${ingestRaws.newDetectors} new detector records)\n`,
      );
    });
}
