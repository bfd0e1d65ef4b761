#!/usr/bin/env python3
"""Record Apache Otava's change points on seeded random series, for Vera's equivalence test.

Usage:
  python3 bench/baselines/record_otava_fixture.py --otava DIR [--otava-rev REV] \
      [--seed 20260501] [--cases 216] [--threshold-cases 24] --out test/fixtures/otava/random-series.json

DIR is a directory holding Otava's `otava/` package (e.g. an extracted source snapshot); only
numpy and scipy are needed. This script contains no Otava code: it generates series, calls
`otava.analysis.compute_change_points` on each and writes what Otava reported.
"""
import argparse
import json
import math
import sys

import numpy as np
import scipy

LENGTHS = [1, 2, 3, 4, 5, 8, 11, 16, 20, 30, 45, 50, 64, 80, 100, 130, 200, 300, 450, 600]
WINDOWS = [2, 3, 4, 5, 7, 10, 16, 20, 30, 50, 64, 100]
PVALUES = [1e-5, 1e-4, 1e-3, 0.005, 0.01, 0.04, 0.05, 0.1, 0.2, 0.45, 0.5, 0.7]
MAGNITUDES = [0.0, 0.0, 0.0, 0.01, 0.05, 0.1, 0.3]
KINDS = ["steps", "quantized", "integers", "small_ints", "constant", "trend", "spikes", "around_zero", "raw"]


def piecewise_levels(rng, n, scale):
    """Levels of 0-5 regimes at random positions."""
    levels = np.empty(n)
    cuts = sorted(rng.choice(np.arange(1, n), size=min(n - 1, int(rng.integers(0, 6))), replace=False)) if n > 1 else []
    bounds = [0, *cuts, n]
    level = rng.normal(100, 20)
    for a, b in zip(bounds[:-1], bounds[1:]):
        levels[a:b] = level
        level += rng.choice([-1, 1]) * rng.uniform(0.2, 4) * scale
    return levels


def make_series(rng, kind, n):
    noise = rng.uniform(0.05, 3)
    base = piecewise_levels(rng, n, noise)
    if kind == "steps":
        x = np.round(base + rng.normal(0, noise, n), 4)
    elif kind == "quantized":
        x = np.round(base + rng.normal(0, noise, n), int(rng.integers(0, 2)))
    elif kind == "integers":
        x = rng.poisson(np.maximum(base / 20, 0.5)).astype(float)
    elif kind == "small_ints":
        x = np.round(base / 40) + rng.integers(0, 3, n)  # few distinct values: ties, p-values on thresholds
    elif kind == "constant":
        x = np.round(base, 2)  # noiseless: zero variances, infinite t
    elif kind == "trend":
        x = np.round(base + np.linspace(0, rng.normal(0, 5 * noise), n) + rng.normal(0, noise, n), 3)
    elif kind == "spikes":
        x = base + rng.normal(0, noise, n)
        hits = rng.random(n) < 0.05
        x[hits] += rng.normal(0, 20 * noise, hits.sum())
        x = np.round(x, 3)
    elif kind == "around_zero":
        x = np.round(base - base.mean() + rng.normal(0, noise, n), 2)  # means near or at 0
    else:
        x = base + rng.normal(0, noise, n)  # full double precision
    return [float(v) for v in x]


def num(v):
    """JSON has no NaN or infinities: write them as null."""
    v = float(v)
    return None if math.isnan(v) or math.isinf(v) else v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--otava", required=True)
    ap.add_argument("--otava-rev", default="unknown")
    ap.add_argument("--seed", type=int, default=20260501)
    ap.add_argument("--cases", type=int, default=216)
    ap.add_argument("--threshold-cases", type=int, default=24)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    sys.path.insert(0, args.otava)
    import otava.analysis as analysis

    # compute_change_points hands its split result to merge(), which edits that list in place;
    # keep a copy of the indices on the way in to record the weak change points.
    weak_seen = []
    real_merge = analysis.merge

    def recording_merge(change_points, *rest, **kw):
        weak_seen.append([int(c.index) for c in change_points])
        return real_merge(change_points, *rest, **kw)

    analysis.merge = recording_merge

    rng = np.random.default_rng(args.seed)
    cases = []
    for k in range(args.cases + args.threshold_cases):
        if k < args.cases:
            kind = KINDS[k % len(KINDS)]
            n = int(rng.choice(LENGTHS))
            options = {
                "window": int(rng.choice(WINDOWS)),
                "maxPValue": float(rng.choice(PVALUES)),
                "minMagnitude": float(rng.choice(MAGNITUDES)),
            }
        else:
            # Few-valued series in small windows make 2-vs-2 and 1-vs-3 splits whose p-value is
            # exactly 0.4 (df = 2), i.e. on the first-pass threshold of max p-value 0.2.
            kind = "small_ints"
            n = int(rng.choice([30, 60, 100]))
            options = {"window": int(rng.choice([4, 5, 6])), "maxPValue": 0.2, "minMagnitude": 0.0}
        values = make_series(rng, kind, n)
        # A list, as Otava's Series passes it: compute_change_points mis-slices numpy arrays.
        weak_seen.clear()
        cps, _ = analysis.compute_change_points(
            list(values), window_len=options["window"], max_pvalue=options["maxPValue"], min_magnitude=options["minMagnitude"]
        )
        cases.append({
            "name": f"{k:03d}-{kind}-n{n}",
            "options": options,
            "values": values,
            "weakIndices": weak_seen[0],
            "changePoints": [
                {
                    "index": int(c.index),
                    "pValue": num(c.stats.pvalue),
                    "meanBefore": num(c.stats.mean_1),
                    "meanAfter": num(c.stats.mean_2),
                    "stdDevBefore": num(c.stats.std_1),
                    "stdDevAfter": num(c.stats.std_2),
                    "magnitude": num(c.stats.change_magnitude()),
                    "forwardChangePercent": num(c.stats.forward_change_percent()),
                }
                for c in cps
            ],
        })
    doc = {
        "producedBy": "bench/baselines/record_otava_fixture.py",
        "otava": {"repository": "https://github.com/apache/otava", "revision": args.otava_rev},
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "seed": args.seed,
        "cases": cases,
    }
    with open(args.out, "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {len(cases)} cases to {args.out}")


if __name__ == "__main__":
    main()
