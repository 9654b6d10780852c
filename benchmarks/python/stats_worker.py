"""statsmodels' and scikit-learn's side of the logistic-MLE scenario (benchmarks/run): GLM (IRLS), Logit (Newton) and
LogisticRegression (lbfgs, no penalty), on the same float64 data. One JSON request per stdin line, one JSON answer per
stdout line; timings cover the fit only."""
import json
import os
import sys
import time
import warnings

import numpy as np

threads = os.environ.get("BENCH_THREADS", "1")
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, threads)

import statsmodels.api as sm  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

_loaded = {}


def load(x, y, rows, cols):
    if x not in _loaded:
        _loaded.clear()
        _loaded[x] = (np.fromfile(x, dtype=np.float64).reshape(rows, cols), np.fromfile(y, dtype=np.float64))
    return _loaded[x]


def fit(method, x, y, rows, cols, **_):
    X, Y = load(x, y, rows, cols)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "sm_glm":
            r = sm.GLM(Y, X, family=sm.families.Binomial()).fit()  # IRLS, tol 1e-8 on the deviance
            params, iterations = r.params, int(r.fit_history["iteration"])
        elif method == "sm_logit":
            r = sm.Logit(Y, X).fit(disp=0)  # Newton, tol 1e-8 on the parameters
            params, iterations = r.params, int(r.mle_retvals["iterations"])
        elif method == "sklearn":
            m = LogisticRegression(penalty="none", solver="lbfgs", fit_intercept=False, tol=1e-10, max_iter=1000)
            m.fit(X, Y)
            params, iterations = m.coef_.ravel(), int(m.n_iter_[0])
        else:
            raise ValueError(method)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "params": np.asarray(params).tolist(), "iterations": iterations}


def main():
    import sklearn
    import statsmodels
    print(json.dumps({"ready": True, "statsmodels": statsmodels.__version__, "sklearn": sklearn.__version__}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            answer = fit(request.pop("method"), **request)
        except Exception as e:
            answer = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
