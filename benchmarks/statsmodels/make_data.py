#!/usr/bin/python3
"""Writes the benchmark's CSV files (fixed seeds, so every run fits the same numbers) into data/.

Each dataset: standard-normal features x1..xp and a response drawn from the family with known coefficients.
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")

# name: (family, rows, features, classes)
DATASETS = {
    "gaussian_10k": ("gaussian", 10_000, 10, None),
    "binomial_10k": ("binomial", 10_000, 10, None),
    "poisson_10k": ("poisson", 10_000, 10, None),
    "gamma_10k": ("gamma", 10_000, 10, None),
    "multinomial_10k": ("multinomial", 10_000, 10, 5),
    "binomial_200k": ("binomial", 200_000, 20, None),
    "multinomial_50k": ("multinomial", 50_000, 20, 8),
    "negbin_10k": ("negativebinomial", 10_000, 10, None),  # NB2, alpha estimated (--alpha ml)
    "tweedie_10k": ("tweedie", 10_000, 10, None),  # var_power 1.5
}


def generate(family, n, p, classes, rng):
    x = rng.normal(size=(n, p))
    beta = rng.normal(scale=0.3, size=p)
    eta = 0.2 + x @ beta
    if family == "gaussian":
        y = eta + rng.normal(scale=1.0, size=n)
    elif family == "binomial":
        y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(float)
    elif family == "poisson":
        y = rng.poisson(np.exp(0.5 * eta)).astype(float)
    elif family == "negativebinomial":
        alpha = 0.8  # overdispersed counts: Poisson with a gamma-distributed mean
        y = rng.poisson(rng.gamma(1 / alpha, alpha * np.exp(0.5 * eta))).astype(float)
    elif family == "tweedie":
        mu, p, phi = np.exp(0.5 * eta), 1.5, 1.0  # compound Poisson-gamma: exact zeros and positive amounts
        counts = rng.poisson(mu ** (2 - p) / (phi * (2 - p)))
        y = np.where(counts > 0, rng.gamma(np.maximum(counts, 1) * (2 - p) / (p - 1), phi * (p - 1) * mu ** (p - 1)), 0.0)
    elif family == "gamma":
        shape = 3.0
        y = rng.gamma(shape, np.exp(0.5 * eta) / shape)  # log link
    else:
        b = rng.normal(scale=0.3, size=(classes - 1, p + 1))
        logits = np.column_stack([np.zeros(n), b[:, 0] + x @ b[:, 1:].T])
        prob = np.exp(logits - logits.max(axis=1, keepdims=True))
        prob /= prob.sum(axis=1, keepdims=True)
        u = rng.uniform(size=(n, 1))
        y = (prob.cumsum(axis=1) < u).sum(axis=1).astype(float)
    return x, y


def main(names):
    os.makedirs(DATA, exist_ok=True)
    for i, (name, (family, n, p, classes)) in enumerate(DATASETS.items()):
        if names and name not in names:
            continue
        path = os.path.join(DATA, name + ".csv")
        if os.path.exists(path):
            continue
        x, y = generate(family, n, p, classes, np.random.default_rng(1000 + i))
        header = ",".join([f"x{j + 1}" for j in range(p)] + ["y"])
        np.savetxt(path, np.column_stack([x, y]), delimiter=",", header=header, comments="", fmt="%.17g")
        print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
