/**
 * Two-sided p-value of Student's t statistic, via the regularized incomplete beta function:
 * P(|T| >= |t|) = I_x(df/2, 1/2) with x = df / (df + t²) (Abramowitz & Stegun 26.7.1). This is
 * what `scipy.stats.ttest_ind_from_stats` reports as `2 * stdtr(df, -|t|)`; we agree with scipy
 * to ~1e-12 relative, far tighter than any threshold decision needs.
 */

import { boostTwoSidedPValueSmallDf } from './boost-compat.ts';

const HALF_LN_2PI = 0.9189385332046728;

/**
 * lnΓ(x) − Stirling's approximation, for x >= 10 (the asymptotic series up to x^-15; the error is
 * below 1e-18 there). Keeping it separate avoids the cancellation in lnΓ(a) − lnΓ(a + b) for the
 * large a (≈ df/2) that long segments bring.
 */
function stirlingCorrection(x: number): number {
  const x2 = 1 / (x * x);
  return (
    (1 / 12 +
      x2 *
        (-1 / 360 +
          x2 * (1 / 1260 + x2 * (-1 / 1680 + x2 * (1 / 1188 + x2 * (-691 / 360360 + x2 * (1 / 156 + x2 * (-3617 / 122400)))))))) /
    x
  );
}

/** lnΓ(x) for x > 0: shift up to x >= 10 by the recurrence, then Stirling with its correction. */
export function lnGamma(x: number): number {
  let shift = 0;
  let prod = 1;
  while (x + shift < 10) {
    prod *= x + shift;
    shift++;
  }
  const y = x + shift;
  return (y - 0.5) * Math.log(y) - y + HALF_LN_2PI + stirlingCorrection(y) - Math.log(prod);
}

/** ln B(a, b), accurate when one argument is large (the pattern of R's `lbeta`). */
export function lnBeta(a: number, b: number): number {
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (p >= 10) {
    const corr = stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(p + q);
    return -0.5 * Math.log(q) + HALF_LN_2PI + corr + (p - 0.5) * Math.log(p / (p + q)) + q * Math.log1p(-p / (p + q));
  }
  if (q >= 10) {
    const corr = stirlingCorrection(q) - stirlingCorrection(p + q);
    return lnGamma(p) + corr + p - p * Math.log(p + q) + (q - 0.5) * Math.log1p(-p / (p + q));
  }
  return lnGamma(p) + lnGamma(q) - lnGamma(p + q);
}

/** Continued fraction for I_x(a, b) (modified Lentz; Numerical Recipes §6.4). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const TINY = 1e-300;
  const EPS = 1e-16;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 100_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

/**
 * Regularized incomplete beta I_x(a, b). The caller passes both x and y = 1 − x, each computed
 * without cancellation, because p-values near 1 (t ≈ 0) live at x ≈ 1.
 */
export function regularizedIncompleteBeta(a: number, b: number, x: number, y: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  const lnX = x > 0.5 ? Math.log1p(-y) : Math.log(x);
  const lnY = y > 0.5 ? Math.log1p(-x) : Math.log(y);
  const front = Math.exp(a * lnX + b * lnY - lnBeta(a, b));
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, y)) / b;
}

/** P(|T| >= |t|) for Student's t with `df` > 0 degrees of freedom; NaN in, NaN out. */
export function studentTTwoSidedPValue(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df) || df <= 0) return Number.NaN;
  if (!Number.isFinite(t)) return 0;
  if (t === 0) return 1;
  if (df === 1 || df === 2) return boostTwoSidedPValueSmallDf(t, df);
  const t2 = t * t;
  // x = df/(df+t²) and y = t²/(df+t²), each formed directly rather than as 1 − the other.
  const x = df / (df + t2);
  const y = t2 / (df + t2);
  return regularizedIncompleteBeta(df / 2, 0.5, x, y);
}
