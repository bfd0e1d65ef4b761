/**
 * Student-t p-values for 1 and 2 degrees of freedom computed along the same path as Boost.Math,
 * which scipy's `stdtr` calls (built with `promote_double<false>`, i.e. in plain double, and
 * deferring to the C library's expm1/log1p/log, as V8's Math functions do).
 *
 * Why bother: with small integer-valued segments, df = 2 p-values are algebraic and often land
 * *exactly* on a threshold (p = 0.4 = 1 − 3/5 is common and is the first-pass threshold for
 * max p-value 0.2). Whether Otava keeps such a point then depends on the last bit of scipy's
 * result, so a merely accurate formula is not enough. For df >= 3, p-values are transcendental
 * (odd df) or roots of higher-degree polynomials (even df), and exact ties do not arise.
 *
 * Sources: boost/math/distributions/students_t.hpp (`cdf`), special_functions/beta.hpp
 * (`ibeta_imp` special cases) and powm1.hpp; Boost Software License 1.0.
 */

const HALF_PI = 1.5707963267948966;

/** x^y − 1 for 0 < x, as Boost's `powm1`. */
function powm1(x: number, y: number): number {
  if (Math.abs(y * (x - 1)) < 0.5 || Math.abs(y) < 0.2) {
    const l = y * Math.log(x);
    if (l < 0.5) return Math.expm1(l);
  }
  return Math.pow(x, y) - 1;
}

/** Boost's `ibeta_imp` for (a, b) = (½, ½) (arcsine) and {a, b} = {1, ½} (power form). */
function ibetaSmall(a: number, b: number, x: number, invert: boolean): number {
  let y = 1 - x;
  if (x === 0) return invert ? 1 : 0;
  if (x === 1) return invert ? 0 : 1;
  if (a === 0.5 && b === 0.5) return (invert ? Math.asin(Math.sqrt(y)) : Math.asin(Math.sqrt(x))) / HALF_PI;
  if (a === 1) {
    // Boost swaps to I_x(a, b) = 1 − I_y(b, a), making b the 1.
    a = b;
    [x, y] = [y, x];
    invert = !invert;
  }
  // Now b = 1: I_x(a, 1) = x^a.
  if (y < 0.5) return invert ? -Math.expm1(a * Math.log1p(-y)) : Math.exp(a * Math.log1p(-y));
  return invert ? -powm1(x, a) : Math.pow(x, a);
}

/**
 * Two-sided p-value 2·stdtr(df, −|t|) for df ∈ {1, 2}, as Boost's `cdf(students_t)`:
 * ibetac(½, df/2, t²/(df+t²)) when df > 2t², else ibeta(df/2, ½, df/(df+t²)).
 */
export function boostTwoSidedPValueSmallDf(t: number, df: 1 | 2): number {
  const x2 = t * t;
  const half = df / 2;
  const probability = df > 2 * x2 ? ibetaSmall(0.5, half, x2 / (df + x2), true) / 2 : ibetaSmall(half, 0.5, df / (df + x2), false) / 2;
  return 2 * probability;
}
