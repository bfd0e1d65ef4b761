#!/usr/bin/env python3
"""Record scipy's Welch t-test on seeded random samples, for Vera's test of `welchTTest`.

Usage:
  python3 bench/baselines/record_welch_fixture.py [--seed 20260502] [--cases 60] \
      --out test/fixtures/detect/welch-scipy.json

Each case is two samples and what `scipy.stats.ttest_ind(a, b, equal_var=False)` reports: the t
statistic, the Welch-Satterthwaite degrees of freedom, and the p-values for the two-sided, 'less'
and 'greater' alternatives. Samples are written with repr-exact floats (JSON round-trips float64).
"""
import argparse
import json
import platform

import numpy as np
import scipy
from scipy import stats


def make_cases(rng, count):
    cases = []
    # Hand-picked shapes first: what a metric series produces at the edges.
    fixed = [
        ("equal means, equal spread", rng.normal(10, 1, 20), rng.normal(10, 1, 20)),
        ("2 sigma step, 15 + 15", rng.normal(10, 1, 15), rng.normal(12, 1, 15)),
        ("huge t (p far below 1e-20)", rng.normal(10, 0.1, 40), rng.normal(12, 0.1, 40)),
        ("very unequal spreads", rng.normal(5, 0.01, 12), rng.normal(5.3, 3, 9)),
        ("minimum sizes 2 + 2", rng.normal(0, 1, 2), rng.normal(1, 1, 2)),
        ("2 + 30", rng.normal(0, 1, 2), rng.normal(0.5, 1, 30)),
        ("one constant side", np.full(6, 3.25), rng.normal(3.5, 0.2, 8)),
        ("large offset, tiny scatter (27 mag zero point)", 27.0 + rng.normal(0, 1e-4, 25), 27.0 + 2e-4 + rng.normal(0, 1e-4, 25)),
        ("integers with ties", rng.integers(0, 4, 10).astype(float), rng.integers(1, 5, 11).astype(float)),
        ("negative values", rng.normal(-50, 4, 18), rng.normal(-47, 6, 13)),
        ("df just above 1", np.array([0.0, 10.0]), rng.normal(5, 0.001, 50)),
    ]
    for name, a, b in fixed:
        cases.append((name, a, b))
    for i in range(count - len(fixed)):
        na = int(rng.integers(2, 61))
        nb = int(rng.integers(2, 61))
        scale_a = float(rng.choice([0.01, 0.5, 1, 3, 100]))
        scale_b = scale_a * float(rng.choice([0.2, 1, 1, 2.5, 10]))
        loc = float(rng.normal(0, 100))
        shift = float(rng.choice([0, 0, 0.5, 1, 2, 5])) * scale_a * float(rng.choice([-1, 1]))
        cases.append((f"random {i}", rng.normal(loc, scale_a, na), rng.normal(loc + shift, scale_b, nb)))
    return cases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=20260502)
    ap.add_argument("--cases", type=int, default=60)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    out = []
    for name, a, b in make_cases(rng, args.cases):
        two = stats.ttest_ind(a, b, equal_var=False)
        less = stats.ttest_ind(a, b, equal_var=False, alternative="less")
        greater = stats.ttest_ind(a, b, equal_var=False, alternative="greater")
        out.append({
            "name": name,
            "a": [float(x) for x in a],
            "b": [float(x) for x in b],
            "t": float(two.statistic),
            "df": float(two.df),
            "pTwoSided": float(two.pvalue),
            "pLess": float(less.pvalue),
            "pGreater": float(greater.pvalue),
        })
    doc = {
        "source": "bench/baselines/record_welch_fixture.py",
        "seed": args.seed,
        "scipy": scipy.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "cases": out,
    }
    # One case per line: diffs of a re-recorded fixture stay readable.
    head = json.dumps({k: v for k, v in doc.items() if k != "cases"})[:-1]
    lines = ",\n  ".join(json.dumps(c) for c in out)
    with open(args.out, "w") as f:
        f.write(f'{head}, "cases": [\n  {lines}\n]}}\n')


if __name__ == "__main__":
    main()
