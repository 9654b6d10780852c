#!/usr/bin/python3
"""Writes the benchmark's CSV files (fixed seeds, so every run fits the same numbers) into data/.

Each dataset: standard-normal features x1..xp (uniform on [0, 1) where an identity or sqrt link needs positive
means), the option columns (exposure, offset, weights, cluster labels) and a response drawn from the family and link
with known coefficients.
"""
import math
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")

# name: (family, rows, features, classes[, options]). Options: link (default: the family's canonical link, gamma log),
# exposure/offset (a column added to the linear predictor, log taken for exposure), freq_weights/var_weights (a weight
# column), alpha (the negative binomial's; "ml": estimated, statsmodels' discrete NB2), var_power (Tweedie's), cov_type and groups (cluster labels drawn from that many groups).
DATASETS = {
    "gaussian_10k": ("gaussian", 10_000, 10, None),
    "binomial_10k": ("binomial", 10_000, 10, None),
    "poisson_10k": ("poisson", 10_000, 10, None),
    "gamma_10k": ("gamma", 10_000, 10, None),
    "multinomial_10k": ("multinomial", 10_000, 10, 5),
    "binomial_200k": ("binomial", 200_000, 20, None),
    "multinomial_50k": ("multinomial", 50_000, 20, 8),
    # The models added in issue 11.
    "poisson_exposure_10k": ("poisson", 10_000, 5, None, {"exposure": True}),
    "poisson_offset_10k": ("poisson", 10_000, 5, None, {"offset": True}),
    "gaussian_freq_weights_10k": ("gaussian", 10_000, 5, None, {"freq_weights": True}),
    "gamma_var_weights_10k": ("gamma", 10_000, 5, None, {"var_weights": True}),
    "binomial_probit_10k": ("binomial", 10_000, 5, None, {"link": "probit"}),
    "binomial_cloglog_10k": ("binomial", 10_000, 5, None, {"link": "cloglog"}),
    "poisson_identity_10k": ("poisson", 10_000, 5, None, {"link": "identity"}),
    "poisson_sqrt_10k": ("poisson", 10_000, 5, None, {"link": "sqrt"}),
    "gamma_identity_10k": ("gamma", 10_000, 5, None, {"link": "identity"}),
    "negbin_alpha_10k": ("negativebinomial", 10_000, 5, None, {"alpha": 0.5}),
    "poisson_hc1_10k": ("poisson", 10_000, 5, None, {"cov_type": "HC1"}),
    "binomial_hc3_10k": ("binomial", 10_000, 5, None, {"cov_type": "HC3"}),
    "poisson_cluster_10k": ("poisson", 10_000, 5, None, {"cov_type": "cluster", "groups": 40}),
    "negbin_10k": ("negativebinomial", 10_000, 10, None, {"alpha": "ml"}),  # NB2, alpha estimated (--alpha ml)
    "tweedie_10k": ("tweedie", 10_000, 10, None, {"var_power": 1.5}),
}


def spec(name):
    """(family, rows, features, classes, options) of a dataset; options default to {}."""
    entry = DATASETS[name]
    return entry if len(entry) == 5 else entry + ({},)


def link_of(family, options):
    return options.get("link") or {"gaussian": "identity", "binomial": "logit", "poisson": "log", "gamma": "log",
                                   "negativebinomial": "log", "tweedie": "log", "multinomial": "softmax"}[family]


def generate(family, n, p, classes, rng, options=None):
    """Features x, response y and the option columns {name: values}, in the order they are written."""
    options = options or {}
    link = link_of(family, options)
    positive = link in ("identity", "sqrt") and family != "gaussian"
    # Links whose mean must stay positive get non-negative features and coefficients.
    x = rng.uniform(size=(n, p)) if positive else rng.normal(size=(n, p))
    beta = rng.normal(scale=0.3, size=p)
    eta = 0.2 + x @ beta
    extra = {}
    shift = np.zeros(n)
    if options.get("exposure"):
        extra["exposure"] = rng.uniform(0.5, 3.0, size=n)
        shift += np.log(extra["exposure"])
    if options.get("offset"):
        extra["offset"] = rng.normal(scale=0.3, size=n)
        shift += extra["offset"]
    if options.get("freq_weights"):
        extra["fw"] = rng.integers(1, 5, size=n).astype(float)
    if options.get("var_weights"):
        extra["vw"] = rng.uniform(0.5, 2.0, size=n)
    if options.get("groups"):
        extra["group"] = rng.integers(0, options["groups"], size=n).astype(float)
    vw = extra.get("vw", np.ones(n))
    if family == "gaussian":
        y = eta + shift + rng.normal(scale=1.0, size=n) / np.sqrt(vw)
    elif family == "binomial":
        z = eta + shift
        prob = {"logit": lambda: 1 / (1 + np.exp(-z)),
                "probit": lambda: 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2))),
                "cloglog": lambda: 1 - np.exp(-np.exp(z))}[link]()
        y = (rng.uniform(size=n) < prob).astype(float)
    elif family == "negativebinomial" and options.get("alpha") == "ml":
        alpha = 0.8  # overdispersed counts: Poisson with a gamma-distributed mean
        y = rng.poisson(rng.gamma(1 / alpha, alpha * np.exp(0.5 * eta))).astype(float)
    elif family == "tweedie":
        mu, p, phi = np.exp(0.5 * eta), options["var_power"], 1.0  # compound Poisson-gamma: exact zeros and positive amounts
        counts = rng.poisson(mu ** (2 - p) / (phi * (2 - p)))
        y = np.where(counts > 0, rng.gamma(np.maximum(counts, 1) * (2 - p) / (p - 1), phi * (p - 1) * mu ** (p - 1)), 0.0)
    elif family in ("poisson", "negativebinomial", "gamma"):
        if link == "identity":
            mu = 1.0 + x @ np.abs(beta)
        elif link == "sqrt":
            mu = (1.0 + x @ np.abs(beta)) ** 2
        else:
            mu = np.exp(0.5 * eta + shift)
        if family == "poisson":
            y = rng.poisson(mu).astype(float)
        elif family == "negativebinomial":
            size = 1 / options.get("alpha", 1.0)
            y = rng.negative_binomial(size, size / (size + mu)).astype(float)
        else:
            shape = 3.0 * vw  # Var(y) = scale·μ²/var_weight
            y = rng.gamma(shape, mu / shape)
    else:
        b = rng.normal(scale=0.3, size=(classes - 1, p + 1))
        logits = np.column_stack([np.zeros(n), b[:, 0] + x @ b[:, 1:].T])
        prob = np.exp(logits - logits.max(axis=1, keepdims=True))
        prob /= prob.sum(axis=1, keepdims=True)
        u = rng.uniform(size=(n, 1))
        y = (prob.cumsum(axis=1) < u).sum(axis=1).astype(float)
    return x, y, extra


def main(names):
    os.makedirs(DATA, exist_ok=True)
    for i, name in enumerate(DATASETS):
        if names and name not in names:
            continue
        path = os.path.join(DATA, name + ".csv")
        if os.path.exists(path):
            continue
        family, n, p, classes, options = spec(name)
        x, y, extra = generate(family, n, p, classes, np.random.default_rng(1000 + i), options)
        # Features, then the option columns, then y (the last column).
        header = ",".join([f"x{j + 1}" for j in range(p)] + list(extra) + ["y"])
        np.savetxt(path, np.column_stack([x, *extra.values(), y]), delimiter=",", header=header, comments="", fmt="%.17g")
        print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
