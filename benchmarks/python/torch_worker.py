"""PyTorch eager's side of the suite (benchmarks/run): the same scenarios as benchmarks/SideBySide, written the way a
PyTorch user writes them, on the same libtorch (Debian's 1.13.1). One JSON request per stdin line, one JSON answer
per stdout line; timings cover the work only."""
import json
import os
import sys
import time

import numpy as np
import torch

torch.set_num_threads(int(os.environ.get("BENCH_THREADS", "1")))
_loaded = {}


def seed000(epochs, **_):
    x = torch.tensor([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0], [0.0, 1.0]], dtype=torch.float64)
    y = torch.tensor([[0.0], [1.0], [0.0], [1.0]], dtype=torch.float64)
    model = torch.nn.Linear(2, 1).double()
    with torch.no_grad():
        model.weight.fill_(0.2)
        model.bias.fill_(0.2)
    opt = torch.optim.SGD(model.parameters(), lr=0.7)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    start = time.perf_counter()
    for _ in range(epochs):
        total = torch.zeros((), dtype=torch.float64)
        for i in range(4):
            opt.zero_grad()
            loss = loss_fn(model(x[i:i + 1]), y[i:i + 1])
            loss.backward()
            opt.step()
            total += loss.detach()
        total.item()  # the epoch's loss is reported, as Keras does
    seconds = time.perf_counter() - start
    w = model.weight.detach().numpy().ravel().tolist() + model.bias.detach().numpy().tolist()
    return {"seconds": seconds, "steps": 4 * epochs, "weights": w}


def balloon_model():
    return torch.nn.Sequential(torch.nn.Linear(3, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.ReLU(),
                               torch.nn.Linear(16, 1))


def train_epoch(model, opt, loss_fn, x, y, batch):
    perm = torch.randperm(x.shape[0])
    total = torch.zeros(())
    for start in range(0, x.shape[0], batch):
        idx = perm[start:start + batch]
        xb, yb = x[idx], y[idx]
        opt.zero_grad()
        loss = loss_fn(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.detach() * xb.shape[0]
    return total.item() / x.shape[0]


def balloon(rows, **_):
    rng = np.random.default_rng(1)
    xn = rng.uniform(-1, 1, size=(rows, 3)).astype(np.float32)
    yn = (xn[:, 0] + 0.5 * xn[:, 1] * xn[:, 2] > 0).astype(np.float32)[:, None]
    x, y = torch.from_numpy(xn), torch.from_numpy(yn)
    model = balloon_model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    train_epoch(model, opt, loss_fn, x[:256], y[:256], 32)  # warm-up
    start = time.perf_counter()
    loss = train_epoch(model, opt, loss_fn, x, y, 32)
    return {"seconds": time.perf_counter() - start, "steps": (rows + 31) // 32, "loss": loss}


def load(x, y, rows, cols, dtype):
    key = (x, dtype)
    if key not in _loaded:
        _loaded.clear()
        xn = np.fromfile(x, dtype=np.float64).reshape(rows, cols)
        yn = np.fromfile(y, dtype=np.float64).reshape(rows, 1)
        _loaded[key] = (torch.from_numpy(xn).to(dtype), torch.from_numpy(yn).to(dtype))
    return _loaded[key]


def minibatch(x, y, rows, cols, **_):
    xt, yt = load(x, y, rows, cols, torch.float32)
    model = torch.nn.Linear(cols, 1)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    start = time.perf_counter()
    loss = train_epoch(model, opt, loss_fn, xt, yt, 1024)
    return {"seconds": time.perf_counter() - start, "steps": (rows + 1023) // 1024, "loss": loss}


_predict_x = None


def predict(rows, **_):
    global _predict_x
    if _predict_x is None or _predict_x.shape[0] != rows:
        _predict_x = torch.rand(rows, 3) * 2 - 1
    model = torch.nn.Sequential(balloon_model(), torch.nn.Sigmoid())
    with torch.no_grad():
        model(_predict_x[:256])  # the untimed warm-up every contender makes (Scenarios.Predict)
    start = time.perf_counter()
    with torch.no_grad():
        out = model(_predict_x)
    return {"seconds": time.perf_counter() - start, "rows": rows}


def glm_lbfgs(x, y, rows, cols, **_):
    """Logistic MLE by torch.optim.LBFGS (strong Wolfe line search) on the whole data in float64."""
    xt, yt = load(x, y, rows, cols, torch.float64)
    yv = yt[:, 0]
    beta = torch.zeros(cols, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([beta], lr=1, max_iter=200, tolerance_grad=1e-10, tolerance_change=1e-14,
                            history_size=20, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        z = xt @ beta
        loss = torch.nn.functional.binary_cross_entropy_with_logits(z, yv, reduction="sum") / rows
        loss.backward()
        return loss

    start = time.perf_counter()
    opt.step(closure)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "params": beta.detach().numpy().tolist()}


SCENARIOS = {"seed000": seed000, "balloon": balloon, "minibatch": minibatch, "predict": predict, "glm": glm_lbfgs}


def main():
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            answer = SCENARIOS[request.pop("scenario")](**request)
        except Exception as e:  # reported in the table, never fatal to the run
            answer = {"error": f"{type(e).__name__}: {e}"}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
