#!/usr/bin/python3
"""Fits every benchmark dataset with statsmodels and with the Degenerate CLI (glm --json --timing) and prints a
markdown table: the largest relative differences of params, bse and llf, and both fit times.

Usage: compare.py DEGENERATE_CLI_DLL [dataset ...]
"""
import json
import os
import subprocess
import sys
import time

import numpy as np
import statsmodels.api as sm

from make_data import DATA, DATASETS

LINKS = {"gaussian": None, "binomial": None, "poisson": None, "gamma": "log", "multinomial": None,
         "negativebinomial": None, "tweedie": None}
# CLI options beyond the family: NB2 estimates alpha; Tweedie's variance power.
EXTRA = {"negativebinomial": ["--alpha", "ml"], "tweedie": ["--var-power", "1.5"]}


def statsmodels_fit(family, x, y):
    design = sm.add_constant(x)
    best = None
    for _ in range(3):  # as for Degenerate: the best of three fits
        result = fit_once(family, design, y)
        best = result if best is None or result[3] < best[3] else best
    return best


def fit_once(family, design, y):
    start = time.perf_counter()
    if family == "multinomial":
        # MNLogit's Newton (statsmodels' default); params are [column, class], Degenerate lists class by class.
        res = sm.MNLogit(y, design).fit(method="newton", maxiter=100, disp=0)
        seconds = time.perf_counter() - start
        return np.asarray(res.params).T.ravel(), np.asarray(res.bse).T.ravel(), res.llf, seconds
    if family == "negativebinomial":
        # The discrete NB2 model (alpha estimated), by Newton: its default BFGS stops after 35 iterations.
        res = sm.NegativeBinomial(y, design, loglike_method="nb2").fit(method="newton", maxiter=100, disp=0)
        seconds = time.perf_counter() - start
        return np.asarray(res.params), np.asarray(res.bse), res.llf, seconds
    families = {
        "gaussian": sm.families.Gaussian(),
        "binomial": sm.families.Binomial(),
        "poisson": sm.families.Poisson(),
        "gamma": sm.families.Gamma(sm.families.links.log()),
        "tweedie": sm.families.Tweedie(var_power=1.5),
    }
    res = sm.GLM(y, design, family=families[family]).fit()  # IRLS, tol 1e-8 on the deviance
    seconds = time.perf_counter() - start
    return np.asarray(res.params), np.asarray(res.bse), res.llf, seconds


def degenerate_fit(dll, path, family):
    # Three fits in one process: the first pays one-off costs (JIT, libtorch's thread pools), the best is steady state.
    args = ["dotnet", dll, "glm", path, "--target", "y", "--family", family, "--json", "--timing", "--repeat", "3"]
    if LINKS[family]:
        args += ["--link", LINKS[family]]
    args += EXTRA.get(family, [])
    start = time.perf_counter()
    run = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"degenerate failed on {path} (exit {run.returncode}): {run.stderr.strip()}")
    result = json.loads(run.stdout)
    times = [float(t) for t in next(l for l in run.stderr.splitlines() if l.startswith("fit_seconds:")).split(":")[1].split()]
    return np.asarray(result["params"], float), np.asarray(result["bse"], float), float("nan") if result["llf"] is None else float(result["llf"]), times[0], min(times), wall


def relative(a, b):
    # Element-wise |a − b| / |b|, floored at 1e-8 so that a coefficient near zero does not blow the ratio up.
    a, b = np.atleast_1d(a), np.atleast_1d(b)
    if np.all(np.isnan(a)) and np.all(np.isnan(b)):
        return 0.0  # both undefined (Tweedie's llf is NaN in statsmodels 0.13.5)
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1e-8)))


def main():
    dll = sys.argv[1]
    names = sys.argv[2:] or list(DATASETS)
    print("| dataset | family (link) | rows × features | max rel Δ params | max rel Δ bse | rel Δ llf "
          "| statsmodels fit | Degenerate fit | Degenerate first fit | Degenerate CLI wall |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name in names:
        family, n, p, classes = DATASETS[name]
        path = os.path.join(DATA, name + ".csv")
        data = np.loadtxt(path, delimiter=",", skiprows=1)
        x, y = data[:, :-1], data[:, -1]
        sp, sb, sl, st = statsmodels_fit(family, x, y)
        dp, db, dl, first, dt, wall = degenerate_fit(dll, path, family)
        link = LINKS[family] or {"gaussian": "identity", "multinomial": "softmax"}.get(family, {"binomial": "logit", "poisson": "log", "negativebinomial": "log", "tweedie": "log"}.get(family))
        label = f"{family} ({link})" + (f", {classes} classes" if classes else "")
        print(f"| {name} | {label} | {n:,} × {p} | {relative(dp, sp):.1e} | {relative(db, sb):.1e} | {relative(dl, sl):.1e} "
              f"| {st:.3f} s | {dt:.3f} s | {first:.3f} s | {wall:.2f} s |", flush=True)


if __name__ == "__main__":
    main()
