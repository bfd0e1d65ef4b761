/**
 * The alert-production records, as rows: the shared vocabulary of the AP tasks (which write
 * DiaSource and forced-source catalogs), the server's APDB (which stores and associates them) and
 * the alert packets built from both. Column names are those of Rubin's APDB schema (sdm_schemas,
 * apdb.yaml) for the fields SimCam can give; fluxes are in nJy, times in MJD (TAI), angles in degrees.
 */

/** A detection on a difference image, positive or negative. */
export interface DiaSource {
  diaSourceId: bigint;
  /** Null until the server's association assigns it. */
  diaObjectId: bigint | null;
  visit: number;
  detector: number;
  band: string;
  midpointMjdTai: number;
  ra: number;
  dec: number;
  raErr: number;
  decErr: number;
  x: number;
  y: number;
  /** PSF flux on the difference image (negative for a source that faded). */
  psfFlux: number;
  psfFluxErr: number;
  /** PSF flux on the science image at the same position. */
  scienceFlux: number;
  scienceFluxErr: number;
  snr: number;
  isDipole: boolean;
  /** Any footprint pixel within the edge mask. */
  pixelFlags_edge: boolean;
  /** Any footprint pixel flagged as a cosmic ray. */
  pixelFlags_cr: boolean;
  /** Any footprint pixel flagged as saturated. */
  pixelFlags_saturated: boolean;
}

/** An astrophysical object made of associated DiaSources. */
export interface DiaObject {
  diaObjectId: bigint;
  ra: number;
  dec: number;
  nDiaSources: number;
  /** MJD (TAI) of the first and latest associated DiaSource. */
  firstDiaSourceMjdTai: number;
  lastDiaSourceMjdTai: number;
}

/** Forced photometry of a known DiaObject on one difference image. */
export interface DiaForcedSource {
  diaForcedSourceId: bigint;
  diaObjectId: bigint;
  visit: number;
  detector: number;
  band: string;
  midpointMjdTai: number;
  psfFlux: number;
  psfFluxErr: number;
  scienceFlux: number;
  scienceFluxErr: number;
}
