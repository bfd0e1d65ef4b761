import type { ImageF, TanWcs } from '../image/types.ts';
import type { Catalog } from '../io/parquet.ts';

/**
 * In-memory values of each storage class, as tasks receive and return them. The codecs
 * (codecs.ts) turn them into the files the datastore keeps: FITS, Parquet, JSON, YAML.
 */
export type Scalar = string | number | boolean;

/** Storage class `Image`: one 2-d image (raw frames, bias, flat) with its header keywords. */
export interface ImageValue {
  image: ImageF;
  /** FITS header keywords other than the structural and WCS ones. */
  metadata: Record<string, Scalar>;
  wcs?: TanWcs | undefined;
}

/** Mask plane bits of an Exposure. */
export const MASK = { BAD: 1, SAT: 2, CR: 4, DETECTED: 8, EDGE: 16, NO_DATA: 32 } as const;

/**
 * Storage class `Exposure`: a calibrated image with its mask and variance planes, WCS and the
 * results of calibration. Pixel units are given by `metadata.BUNIT` (electrons after ISR, nJy
 * for coadds).
 */
export interface ExposureValue {
  image: ImageF;
  mask: Int32Array;
  variance: ImageF;
  wcs?: TanWcs | undefined;
  /** PSF model summary; a double Gaussian as in SimCam, or a single one. */
  psf?: { fwhmPx: number; sigmaPx: number } | undefined;
  /** Photometric calibration: mag = zeroPointMag - 2.5 log10(flux in image units). */
  zeroPointMag?: number | undefined;
  metadata: Record<string, Scalar>;
}

/** Storage class `Catalog`: a table of typed columns, plus string metadata. */
export interface CatalogValue {
  columns: Catalog;
  metadata: Record<string, string>;
}

/**
 * Storage class `Measurement`: one lsst.verify measurement. `metric` is `package.name`;
 * `value` is in `unit` (an astropy unit string, '' for dimensionless).
 */
export interface MeasurementValue {
  metric: string;
  value: number | null;
  unit: string;
  extras?: Record<string, { value: number; unit: string; label?: string }>;
  notes?: Record<string, Scalar>;
}

/** Storage classes `StructuredData` and `Config`: any JSON-compatible value. */
export type StructuredValue = unknown;
