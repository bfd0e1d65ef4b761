import type { Band } from '../../../pipelines/simcam/index.ts';
import { VeraError } from '../../errors.ts';
import { generateSimCam } from '../../simcam/generate.ts';
import type { GraphQLContext } from '../context.ts';
import type { MutationGenerateSimCamArgs, RequireFields } from '../generated/resolvers.ts';

const BANDS = new Set(['g', 'r', 'i']);

export const simcamMutations = {
  generateSimCam: (
    _: unknown,
    // visits, bands and seed have defaults in the schema, so they are always given.
    a: RequireFields<MutationGenerateSimCamArgs, 'visits' | 'bands' | 'seed'>,
    { vera, actor }: GraphQLContext,
  ) => {
    const bad = a.bands.find((b) => !BANDS.has(b));
    if (bad) throw new VeraError('BAD_INPUT', `SimCam has bands g, r, i; not '${bad}'`);
    if (a.visits < 1 || a.visits > 1000) throw new VeraError('BAD_INPUT', `visits must be between 1 and 1000, not ${a.visits}`);
    if (a.detectorGrid && (a.detectorGrid.length !== 2 || a.detectorGrid.some((n) => n < 1 || n > 8))) {
      throw new VeraError('BAD_INPUT', 'detectorGrid is [columns, rows], each 1 to 8');
    }
    return generateSimCam(
      vera.database.db,
      vera.datastore,
      {
        nVisits: a.visits,
        bands: a.bands as Band[],
        seed: a.seed,
        ...(a.detectorGrid ? { detectorGrid: a.detectorGrid as [number, number] } : {}),
        ...(a.detectorSizePx ? { detectorSizePx: a.detectorSizePx } : {}),
      },
      actor,
    );
  },
};
