/**
 * The B and C coefficients of Q depend only on the interval-local (i, j), so they are computed
 * once (the same single division each, hence the same rounding) and packed by column:
 * column j holds rows 0..j at offset j(j+1)/2. Intervals longer than TABLE_MAX + 1 points fill
 * a per-column scratch instead, to keep memory at O(TABLE_MAX²).
 */
const TABLE_MAX = 1024;
let tableSize = 0;
let tableB = new Float64Array(0);
let tableC = new Float64Array(0);

function coefficientTables(m: number): { b: Float64Array; c: Float64Array } {
  if (m > tableSize) {
    const size = Math.min(TABLE_MAX, Math.max(m, 64));
    tableB = new Float64Array((size * (size + 1)) / 2);
    tableC = new Float64Array((size * (size + 1)) / 2);
    for (let j = 0; j < size; j++) fillColumn(j, tableB, tableC, (j * (j + 1)) / 2);
    tableSize = size;
  }
  return { b: tableB, c: tableC };
}

/** B(i, j) = 2(κ−τ)/((κ−s)(τ−s−1)) and C(i, j) = 2(τ−s)/((κ−s)(κ−τ−1)) for i = 0..j. */
function fillColumn(j: number, b: Float64Array, c: Float64Array, off: number): void {
  const kappa = j + 2;
  for (let i = 0; i <= j; i++) {
    b[off + i] = i === 0 ? 0 : (2 * (j - i + 1)) / (kappa * i);
    c[off + i] = i === j ? 0 : (2 * (i + 1)) / (kappa * (j - i));
  }
}

/**
 * The E-divisive means statistic of Matteson & James (2014, "A Nonparametric Approach for
 * Multiple Change Point Analysis of Multivariate Data", JASA 109:505), with α = 1 on a
 * univariate series: for a split of Z[s, κ) into X = Z[s, τ) and Y = Z[τ, κ),
 *
 *   Q(τ, κ) = 2/(m+n) Σ|X_i − Y_j| − 2m/((m+n)(n−1)) Σ_{i<k}|X_i − X_k| − 2n/((m+n)(m−1)) Σ_{j<k}|Y_j − Y_k|
 *
 * and the candidate change point of an interval is the τ of the (τ, κ) maximising Q.
 *
 * The sums are accumulated in exactly the order Otava's vectorised numpy code
 * (`PairDistanceCalculator._get_Q_vals`) does: sequential running sums down columns and rows,
 * the same coefficient roundings, and a row-major first-maximum. Near-ties between candidates
 * are common on quantised data, and only an identical rounding sequence picks the same one.
 */
export class DivisiveCalculator {
  /** Points in the current window. */
  private n = 0;
  /**
   * H[a·(n−1) + b] = Σ_{c=a+1..b+1} |x_a − x_c| for b >= a (row-wise running sums of the
   * upper triangle of the distance matrix, without its first column).
   */
  private h: Float64Array;
  /** V[b] = Σ_{a=0..b} |x_a − x_{b+1}|, summed down the column. */
  private v: Float64Array;
  /** The running column sums behind V: R[a·(n−1) + b] = Σ_{a'=0..a} |x_a' − x_{b+1}|, a <= b. */
  private colRun: Float64Array;
  // Per-interval scratch.
  private cumV: Float64Array;
  private prefix: Float64Array;
  private colB: Float64Array;
  private colC: Float64Array;

  /** Buffers for windows of up to `capacity` points, reused by every `load`. */
  constructor(capacity: number) {
    const w = Math.max(capacity - 1, 0);
    this.h = new Float64Array(w * w);
    this.colRun = new Float64Array(w * w);
    this.v = new Float64Array(w);
    this.cumV = new Float64Array(w);
    this.prefix = new Float64Array(w);
    this.colB = new Float64Array(w > TABLE_MAX ? w : 0);
    this.colC = new Float64Array(w > TABLE_MAX ? w : 0);
  }

  /** Makes `x` (at most `capacity` points) the current window. */
  load(x: Float64Array): this {
    const n = x.length;
    const w = Math.max(n - 1, 0);
    if (w > this.v.length) throw new RangeError(`window of ${n} points exceeds the calculator's capacity`);
    this.n = n;
    const { h, v, colRun } = this;
    v.fill(0, 0, w);
    // One distance per pair feeds both the row sums (H) and the column sums (V); each sum still
    // accumulates in numpy's order (H along b, V along a).
    for (let a = 0; a < w; a++) {
      const xa = x[a]!;
      const row = a * w;
      let acc = 0;
      for (let b = a; b < w; b++) {
        const d = Math.abs(xa - x[b + 1]!);
        acc += d;
        h[row + b] = acc;
        const col = v[b]! + d;
        v[b] = col;
        colRun[row + b] = col;
      }
    }
    return this;
  }

  /**
   * Best split of the window-local interval [s, e), e − s >= 2: returns τ (the first index of
   * the right part) and the maximal Q ("q-hat").
   */
  bestSplit(s: number, e: number): { index: number; qhat: number } {
    const { h, v, colRun, cumV, prefix } = this;
    const w = this.n - 1;
    const m = e - 1 - s;
    // Column sums of V restricted to the interval: V[s+k] minus the distances from the points
    // before s (the running column sum up to row s−1), subtracted after summing as numpy does.
    const outsideRow = (s - 1) * w;
    let run = 0;
    for (let k = 0; k < m; k++) {
      const vk = s > 0 ? v[s + k]! - colRun[outsideRow + s + k]! : v[s + k]!;
      run = k === 0 ? vk : run + vk;
      cumV[k] = run;
    }
    const packed = m <= TABLE_MAX;
    const tables = packed ? coefficientTables(m) : { b: this.colB, c: this.colC };
    const coefB = tables.b;
    const coefC = tables.c;
    let best = Number.NEGATIVE_INFINITY;
    let bestI = 0;
    let bestJ = 0;
    // Column j is κ = s + 2 + j; row i is τ = s + 1 + i; only i <= j is non-zero, and Q(0, 0)
    // = |x_s − x_{s+1}| >= 0 always beats the zeros of the lower triangle. Q = (A − B) − C; the
    // B term vanishes on row 0 and the C term on the diagonal, so those are peeled off and the
    // middle rows run without branches.
    for (let j = 0; j < m; j++) {
      const top = s * w + s + j; // H[s][s + j]; rows are w apart
      let acc = h[top]!;
      prefix[0] = acc;
      for (let i = 1, p = top + w; i <= j; i++, p += w) {
        acc += h[p]!;
        prefix[i] = acc;
      }
      const coefA = 2 / (j + 2);
      let off = 0;
      if (packed) off = (j * (j + 1)) / 2;
      else fillColumn(j, coefB, coefC, 0);
      // Row i = j (Y is the single point x_{κ−1}).
      let p = top + j * w;
      const qd = j === 0 ? coefA * prefix[0]! : coefA * (prefix[j]! - cumV[j - 1]!) - coefB[off + j]! * cumV[j - 1]!;
      // Row-major first maximum, as np.argmax over the flattened matrix.
      if (qd > best || (qd === best && (j < bestI || (j === bestI && j < bestJ)))) {
        best = qd;
        bestI = j;
        bestJ = j;
      }
      // The C sums run from the bottom of the column (row j) upwards.
      let suffix = h[p]!;
      for (let i = j - 1; i >= 1; i--) {
        p -= w;
        const cv = cumV[i - 1]!;
        const q = coefA * (prefix[i]! - cv) - coefB[off + i]! * cv - coefC[off + i]! * suffix;
        if (q > best || (q === best && (i < bestI || (i === bestI && j < bestJ)))) {
          best = q;
          bestI = i;
          bestJ = j;
        }
        suffix += h[p]!;
      }
      if (j > 0) {
        const q0 = coefA * prefix[0]! - coefC[off]! * suffix;
        if (q0 > best || (q0 === best && (bestI > 0 || j < bestJ))) {
          best = q0;
          bestI = 0;
          bestJ = j;
        }
      }
    }
    return { index: s + 1 + bestI, qhat: best };
  }
}
