import type { DiaSource } from '../../pipelines/ap/records.ts';
import { defineSimCam, lightCurveMag, Rng, type Band, type SimCam } from '../../pipelines/simcam/index.ts';
import type { Db } from '../../server/db/client.ts';
import type { VisitProcessor } from '../../server/replay/manager.ts';
import { insertDimensionRecords } from '../../server/repo/index.ts';

/**
 * A stand-in for the AP image tasks (not wired into replays yet): each visit's DiaSources are
 * SimCam's injected transients and variables that shine in it, at their true positions plus
 * Gaussian noise of 0.1″, with fluxes from their light curves. Deterministic per (seed, visit).
 * It exercises the server side (APDB, association, alerts, stream, resume), not the science.
 */
export const TRUTH_POSITION_NOISE_ARCSEC = 0.1;

const NJY_ZERO_POINT_MAG = 31.4;

export function truthSim(nVisits = 6): SimCam {
  return defineSimCam({ seed: 3, nVisits, bands: ['g', 'r', 'i'] });
}

/** SimCam's dimension records (no pixels): what a replay needs to find its visits. */
export async function seedSimCamVisits(db: Db, sim: SimCam): Promise<void> {
  await insertDimensionRecords(db, 'instrument', [sim.instrument], { skipExisting: true });
  await insertDimensionRecords(db, 'physical_filter', sim.physicalFilters, { skipExisting: true });
  await insertDimensionRecords(db, 'day_obs', sim.dayObs, { skipExisting: true });
  await insertDimensionRecords(db, 'visit', sim.visits, { skipExisting: true });
}

/** The truth of what a visit's DiaSources are: which transient each comes from. */
export function truthDetections(sim: SimCam, visitId: number, midpointMjdTai: number): { source: DiaSource; truthId: number }[] {
  const visit = sim.visits.find((v) => v.id === visitId)!;
  const band = visit.extra.band as Band;
  const rng = new Rng(sim.options.seed, `ap-truth-${visitId}`);
  const out: { source: DiaSource; truthId: number }[] = [];
  sim.transients.forEach((tr, k) => {
    const mag = lightCurveMag(tr.lightCurve, visit.extra.midMjd, band);
    const dx = rng.gaussian() * TRUTH_POSITION_NOISE_ARCSEC;
    const dy = rng.gaussian() * TRUTH_POSITION_NOISE_ARCSEC;
    if (!Number.isFinite(mag)) return;
    const flux = 10 ** (-0.4 * (mag - NJY_ZERO_POINT_MAG));
    const fluxErr = 10 ** (-0.4 * (24.5 - NJY_ZERO_POINT_MAG)) / 5;
    const dec = tr.decDeg + dy / 3600;
    out.push({
      truthId: tr.id,
      source: {
        diaSourceId: BigInt(visitId) * 1000n + BigInt(k),
        diaObjectId: null,
        visit: visitId,
        detector: 0,
        band,
        midpointMjdTai,
        ra: tr.raDeg + dx / 3600 / Math.cos((tr.decDeg * Math.PI) / 180),
        dec,
        raErr: TRUTH_POSITION_NOISE_ARCSEC / 3600,
        decErr: TRUTH_POSITION_NOISE_ARCSEC / 3600,
        x: 0,
        y: 0,
        psfFlux: flux,
        psfFluxErr: fluxErr,
        scienceFlux: flux,
        scienceFluxErr: fluxErr,
        snr: flux / fluxErr,
        isDipole: false,
        pixelFlags_edge: false,
        pixelFlags_cr: false,
        pixelFlags_saturated: false,
      },
    });
  });
  return out;
}

export function truthProcessor(sim: SimCam): VisitProcessor {
  return async (visit) => ({ diaSources: truthDetections(sim, visit.visit, visit.midpointMjdTai).map((d) => d.source) });
}
