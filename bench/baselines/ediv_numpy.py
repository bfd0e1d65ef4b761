#!/usr/bin/env python3
"""Baseline for bench/changepoints.bench.ts: the same algorithm as Vera's detector (Otava's
windowed E-divisive means with a t-test, then the merge step), written with numpy.

Usage: python3 ediv_numpy.py SERIES.json [--window 50] [--max-pvalue 0.001]
                             [--min-magnitude 0] [--repeat 3]
Prints {"indices": [...], "seconds": <median wall time>, "cpuSeconds": <median CPU time>} of
one detection.

The E-divisive statistic of Matteson & James (2014) is evaluated for all (tau, kappa) of an
interval at once from 2-D prefix sums of the distance matrix, the natural vectorised form.
p-values use scipy.special.stdtr when scipy is installed, else a continued fraction.
"""
import argparse
import json
import math
import time

import numpy as np

try:
    from scipy.special import stdtr
except ImportError:  # numpy alone is enough
    stdtr = None


def _betacf(a, b, x):
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1)
    d = 1.0 / (d if abs(d) > 1e-300 else 1e-300)
    h = d
    for m in range(1, 10000):
        for aa in (m * (b - m) * x / ((a - 1 + 2 * m) * (a + 2 * m)), -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 1 + 2 * m))):
            d = 1.0 + aa * d
            d = 1.0 / (d if abs(d) > 1e-300 else 1e-300)
            c = 1.0 + aa / c
            c = c if abs(c) > 1e-300 else 1e-300
            h *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return h


def two_sided_p(t, df):
    if math.isnan(t):
        return math.nan
    if math.isinf(t):
        return 0.0
    if stdtr is not None:
        return float(2 * stdtr(df, -abs(t)))
    x = df / (df + t * t)
    a, b = df / 2, 0.5
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)) if x > 0 else 0.0
    if x < (a + 1) / (a + b + 2):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1 - x) / b


def ttest(x, a, b, c):
    """Otava's comparison of x[a:b] with x[b:c]: population deviations, pooled Student t."""
    left, right = x[a:b], x[b:c]
    n1, n2 = len(left), len(right)
    m1, m2 = left.mean(), right.mean()
    s1 = left.std() if n1 >= 2 else 0.0
    s2 = right.std() if n2 >= 2 else 0.0
    p = 1.0
    if n1 + n2 > 2:
        v1 = 0.0 if n1 == 1 else s1 * s1
        v2 = 0.0 if n2 == 1 else s2 * s2
        df = n1 + n2 - 2
        denom = math.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / df * (1 / n1 + 1 / n2))
        with np.errstate(all="ignore"):
            t = float(np.float64(m1 - m2) / np.float64(denom))
        p = two_sided_p(t, df)
    return {"p": p, "m1": float(m1), "m2": float(m2)}


def magnitude(st):
    f = st["m2"] / st["m1"] - 1 if st["m1"] != 0 else 0.0
    b = st["m1"] / st["m2"] - 1 if st["m2"] != 0 else 0.0
    return max(abs(f), abs(b))


def best_split(prefix, s, e):
    """(tau, qhat) maximising Q over s < tau < kappa <= e, from prefix[i, j] = sum D[:i, :j]."""
    tau = np.arange(s + 1, e)[:, None]
    kappa = np.arange(s + 2, e + 1)[None, :]
    valid = kappa > tau

    def block(r0, r1, c0, c1):
        return prefix[r1, c1] - prefix[r0, c1] - prefix[r1, c0] + prefix[r0, c0]

    n = (tau - s).astype(float)
    m = (kappa - tau).astype(float)
    kk = np.where(valid, kappa, tau + 1)
    between = block(s, tau, tau, kk)
    within_x = block(s, tau, s, tau) / 2
    within_y = block(tau, kk, tau, kk) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        q = 2 / (m + n) * between
        q = q - np.where(n > 1, 2 * m / ((m + n) * (n - 1)) * within_x, 0.0)
        q = q - np.where(m > 1, 2 * n / ((m + n) * (m - 1)) * within_y, 0.0)
    q = np.where(valid, q, -np.inf)
    i, j = np.unravel_index(np.argmax(q), q.shape)
    return s + 1 + int(i), float(q[i, j])


def window_change_points(x, start, end, max_p):
    w = x[start:end]
    d = np.abs(w[:, None] - w[None, :])
    prefix = np.zeros((len(w) + 1, len(w) + 1))
    prefix[1:, 1:] = d.cumsum(0).cumsum(1)
    bounds = [0, len(w)]
    while True:
        cands = [(k, *best_split(prefix, bounds[k], bounds[k + 1])) for k in range(len(bounds) - 1) if bounds[k + 1] - bounds[k] > 1]
        if not cands:
            break
        k, tau, _ = max(cands, key=lambda c: c[2])
        if not ttest(x, start + bounds[k], start + tau, start + bounds[k + 1])["p"] <= max_p:
            break
        bounds.insert(k + 1, tau)
    return [start + b for b in bounds[1:-1]]


def detect(x, window, max_p, min_mag):
    first_pass = max_p * 10 if max_p < 0.05 else (max_p * 2 if max_p < 0.5 else max_p)
    found, start, step = set(), 0, window // 2
    while start < len(x):
        cps = window_change_points(x, start, min(start + window, len(x)), first_pass)
        start = max(cps[-1] if cps else 0, start + step)
        found.update(cps)
    idx = sorted(found)
    edges = lambda k: (idx[k - 1] if k > 0 else 0, idx[k + 1] if k + 1 < len(idx) else len(x))  # noqa: E731
    pts = [[i, ttest(x, edges(k)[0], i, edges(k)[1])] for k, i in enumerate(idx)]
    while pts:
        weakest = max(range(len(pts)), key=lambda k: pts[k][1]["p"])
        if pts[weakest][1]["p"] < max_p:
            weakest = min(range(len(pts)), key=lambda k: magnitude(pts[k][1]))
            if magnitude(pts[weakest][1]) > min_mag:
                break
        del pts[weakest]
        idx = [p[0] for p in pts]
        for k in (weakest, weakest + 1):  # as Otava: the left neighbour is not re-scored
            if k < len(pts):
                a, b = edges(k)
                pts[k][1] = ttest(x, a, pts[k][0], b)
    return [p[0] for p in pts]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("series")
    ap.add_argument("--window", type=int, default=50)
    ap.add_argument("--max-pvalue", type=float, default=0.001)
    ap.add_argument("--min-magnitude", type=float, default=0.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    with open(args.series) as f:
        x = np.asarray(json.load(f), dtype=np.float64)
    detect(x, args.window, args.max_pvalue, args.min_magnitude)  # warm caches and imports
    wall, cpu, indices = [], [], []
    for _ in range(args.repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        indices = detect(x, args.window, args.max_pvalue, args.min_magnitude)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    mid = args.repeat // 2
    print(json.dumps({"indices": indices, "seconds": sorted(wall)[mid], "cpuSeconds": sorted(cpu)[mid]}))


if __name__ == "__main__":
    main()
