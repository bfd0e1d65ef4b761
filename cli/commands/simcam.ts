import type { Command } from 'commander';
import { splitList, withClient } from '../context.ts';
import { printJson } from '../output.ts';
import { graphql } from '../generated/gql.ts';

export function register(program: Command): void {
  const simcam = program.command('simcam').description('the SimCam synthetic instrument: deterministic sky, camera and calibrations');
  simcam
    .command('generate')
    .description('generate SimCam raw data, truth, reference catalog, calibrations and skymap into this repository')
    .option('--visits <n>', 'number of visits', '12')
    .option('--bands <bands>', 'bands, comma-separated (g, r, i)', 'g,r,i')
    .option('--seed <n>', 'seed of the synthetic sky and camera', '1')
    .option('--detectors <cols>x<rows>', 'detector grid, e.g. 2x2')
    .option('--detector-size <px>', 'detector width and height in pixels', undefined)
    .option('--json', 'machine-readable output')
    .action(async (opts: { visits: string; bands: string; seed: string; detectors?: string; detectorSize?: string; json?: boolean }) => {
      const grid = opts.detectors?.split('x').map(Number);
      process.stderr.write('generating SimCam data...\n');
      const { generateSimCam } = await withClient((c) =>
        c.request(
          graphql(`mutation GenerateSimCam($visits: Int, $bands: [String!], $seed: Int, $grid: [Int!], $size: Int) {
            generateSimCam(visits: $visits, bands: $bands, seed: $seed, detectorGrid: $grid, detectorSizePx: $size) { visits detectors raws collections }
          }`),
          { visits: Number(opts.visits), bands: splitList(opts.bands), seed: Number(opts.seed), grid, size: opts.detectorSize ? Number(opts.detectorSize) : undefined },
        ),
      );
      if (opts.json) return printJson(generateSimCam);
      process.stderr.write(`${generateSimCam.raws} raws (${generateSimCam.visits} visits x ${generateSimCam.detectors} detectors) in ${generateSimCam.collections.join(', ')}\n`);
    });
}
