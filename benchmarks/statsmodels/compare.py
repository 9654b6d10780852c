#!/usr/bin/python3
"""Fits every benchmark dataset with statsmodels and with the Degenerate CLI (glm --json --timing) and prints a
markdown table: the largest relative differences of params, bse and llf, and both fit times.

Each dataset's options (link, offset/exposure, frequency/variance weights, the negative binomial's alpha, robust
covariance) are passed to both: statsmodels' GLM(..., offset=, exposure=, freq_weights=, var_weights=).fit(cov_type=)
and the CLI's --link, --offset, --exposure, --freq-weights, --var-weights, --alpha, --cov-type, --groups.

Usage: compare.py DEGENERATE_CLI_DLL [dataset ...]
"""
import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np
import statsmodels.api as sm
from statsmodels.tools.sm_exceptions import DomainWarning

# statsmodels warns that identity and sqrt links can leave the Poisson/Gamma domain; the data here keep means positive.
warnings.simplefilter("ignore", DomainWarning)

from make_data import DATA, DATASETS, link_of, spec

SM_LINKS = {"identity": sm.families.links.identity, "logit": sm.families.links.Logit, "probit": sm.families.links.probit,
            "cloglog": sm.families.links.CLogLog, "log": sm.families.links.Log, "sqrt": sm.families.links.sqrt}


def statsmodels_fit(family, options, x, y, extra):
    design = sm.add_constant(x)
    best = None
    for _ in range(3):  # as for Degenerate: the best of three fits
        result = fit_once(family, options, design, y, extra)
        best = result if best is None or result[3] < best[3] else best
    return best


def fit_once(family, options, design, y, extra):
    start = time.perf_counter()
    if family == "multinomial":
        # MNLogit's Newton (statsmodels' default); params are [column, class], Degenerate lists class by class.
        res = sm.MNLogit(y, design).fit(method="newton", maxiter=100, disp=0)
        seconds = time.perf_counter() - start
        return np.asarray(res.params).T.ravel(), np.asarray(res.bse).T.ravel(), res.llf, seconds
    if family == "negativebinomial" and options.get("alpha") == "ml":
        # The discrete NB2 model (alpha estimated), by Newton: its default BFGS stops after 35 iterations.
        res = sm.NegativeBinomial(y, design, loglike_method="nb2").fit(method="newton", maxiter=100, disp=0)
        seconds = time.perf_counter() - start
        return np.asarray(res.params), np.asarray(res.bse), res.llf, seconds
    link = SM_LINKS[link_of(family, options)]()
    families = {
        "gaussian": lambda: sm.families.Gaussian(link),
        "binomial": lambda: sm.families.Binomial(link),
        "poisson": lambda: sm.families.Poisson(link),
        "gamma": lambda: sm.families.Gamma(link),
        "negativebinomial": lambda: sm.families.NegativeBinomial(link, alpha=options.get("alpha", 1.0)),
        "tweedie": lambda: sm.families.Tweedie(link, var_power=options.get("var_power", 1.0)),
    }
    kwargs = {key: extra[column] for key, column in
              (("exposure", "exposure"), ("offset", "offset"), ("freq_weights", "fw"), ("var_weights", "vw")) if column in extra}
    fit = {}
    if options.get("cov_type"):
        fit["cov_type"] = options["cov_type"]
        if options["cov_type"] == "cluster":
            fit["cov_kwds"] = {"groups": extra["group"].astype(int)}
    res = sm.GLM(y, design, family=families[family](), **kwargs).fit(**fit)  # IRLS, tol 1e-8 on the deviance
    seconds = time.perf_counter() - start
    return np.asarray(res.params), np.asarray(res.bse), res.llf, seconds


def degenerate_fit(dll, path, family, options, p):
    # Three fits in one process: the first pays one-off costs (JIT, libtorch's thread pools), the best is steady state.
    args = ["dotnet", dll, "glm", path, "--target", "y", "--family", family, "--json", "--timing", "--repeat", "3",
            "--features", ",".join(f"x{j + 1}" for j in range(p)), "--link", link_of(family, options)]
    if family == "multinomial":
        args = args[:-2]
    for option, column in (("exposure", "exposure"), ("offset", "offset"), ("freq_weights", "fw"), ("var_weights", "vw")):
        if options.get(option):
            args += ["--" + option.replace("_", "-"), column]
    if "alpha" in options:
        args += ["--alpha", str(options["alpha"])]
    if "var_power" in options:
        args += ["--var-power", repr(options["var_power"])]
    if options.get("cov_type"):
        args += ["--cov-type", options["cov_type"]]
        if options["cov_type"] == "cluster":
            args += ["--groups", "group"]
    start = time.perf_counter()
    run = subprocess.run(args, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(f"degenerate failed on {path} (exit {run.returncode}): {run.stderr.strip()}")
    result = json.loads(run.stdout)
    times = [float(t) for t in next(l for l in run.stderr.splitlines() if l.startswith("fit_seconds:")).split(":")[1].split()]
    llf = float("nan") if result["llf"] is None else float(result["llf"])
    return np.asarray(result["params"], float), np.asarray(result["bse"], float), llf, times[0], min(times), wall


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
        family, n, p, classes, options = spec(name)
        path = os.path.join(DATA, name + ".csv")
        with open(path) as f:
            header = f.readline().strip().split(",")
        data = np.loadtxt(path, delimiter=",", skiprows=1)
        x, y = data[:, :p], data[:, -1]
        extra = {column: data[:, j] for j, column in enumerate(header) if p <= j < len(header) - 1}
        sp, sb, sl, st = statsmodels_fit(family, options, x, y, extra)
        dp, db, dl, first, dt, wall = degenerate_fit(dll, path, family, options, p)
        notes = [k.replace("_", " ") for k in ("exposure", "offset", "freq_weights", "var_weights") if options.get(k)]
        notes += [f"alpha {options['alpha']}"] if "alpha" in options else []
        notes += [f"var power {options['var_power']}"] if "var_power" in options else []
        notes += [f"cov {options['cov_type']}"] if options.get("cov_type") else []
        label = f"{family} ({link_of(family, options)})" + (f", {classes} classes" if classes else "") + "".join(", " + t for t in notes)
        print(f"| {name} | {label} | {n:,} × {p} | {relative(dp, sp):.1e} | {relative(db, sb):.1e} | {relative(dl, sl):.1e} "
              f"| {st:.3f} s | {dt:.3f} s | {first:.3f} s | {wall:.2f} s |", flush=True)


if __name__ == "__main__":
    main()
