#!/usr/bin/env python3
"""PyTorch eager side of the GPU benchmark, and the side-by-side table.

  pytorch_bench.py run [--scale full|quick] [--device cuda] [--only KEY,...] [--out pytorch.json]
  pytorch_bench.py compare degenerate.json pytorch.json [--markdown compare.md]

`run` does the scenarios of scenarios.json exactly as GpuBench does them in Degenerate (same sizes, same data
layout on the device, the same training loop: a random permutation per epoch, batches gathered on the device,
forward, Keras's mean squared error, backward, Adam, the epoch's loss read once at the end of the epoch), timing each
epoch (Newton iteration) with the device drained. `compare` prints Degenerate's throughput as a ratio to PyTorch's.
Works with PyTorch 1.13 and 2.x. A benchmark tool only: Degenerate never needs Python.
"""
import argparse
import json
import os
import statistics
import sys
import time

KEYS = ["dense_float32", "dense_tf32", "dense_bfloat16", "mle_float64", "balloon_float32"]
TARGETS = {"dense_float32": 0.95, "dense_tf32": 0.95, "dense_bfloat16": 0.95, "balloon_float32": 2.0}
HERE = os.path.dirname(os.path.abspath(__file__))


def sync(device):
    import torch
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def set_tf32(on):
    import torch
    # The same switch Degenerate's Engine.AllowTF32 flips (cuBLAS TF32 for float32 matrix products).
    torch.backends.cuda.matmul.allow_tf32 = on


def fit(model, optimizer, x, y, batch, epochs):
    """Keras-style epochs: shuffled batches gathered on the device, loss summed on the device, read once per epoch."""
    import torch
    n = x.shape[0]
    seconds, losses = [], []
    for _ in range(epochs):
        start = time.perf_counter()
        perm = torch.randperm(n, device=x.device)
        total = torch.zeros((), dtype=torch.float64, device=x.device)
        for s in range(0, n, batch):
            index = perm[s:s + batch]
            xb, yb = x.index_select(0, index), y.index_select(0, index)
            loss = torch.mean((model(xb) - yb) ** 2)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            total += loss.detach() * xb.shape[0]
        losses.append(total.item() / n)  # drains the queue: the epoch's time includes all its GPU work
        seconds.append(time.perf_counter() - start)
    return seconds, losses


def dense(s, device, key, precision):
    import torch
    if precision == "tf32" and device.type != "cuda":
        return {"key": key, "skipped": "TF32 is a CUDA (tensor core) mode"}
    rows, width, hidden, batch = s["rows"], s["width"], s["hidden_layers"], s["batch"]
    warmup, epochs = s["warmup_epochs"], s["epochs"]
    dtype = torch.bfloat16 if precision == "bfloat16" else torch.float32
    set_tf32(precision == "tf32")
    try:
        torch.manual_seed(0)
        x = torch.randn(rows, width, dtype=dtype, device=device)
        y = torch.randn(rows, 1, dtype=dtype, device=device)
        layers = []
        for _ in range(hidden):
            layers += [torch.nn.Linear(width, width), torch.nn.ReLU()]
        layers.append(torch.nn.Linear(width, 1))
        model = torch.nn.Sequential(*layers).to(device=device, dtype=dtype)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-4, eps=1e-7)
        seconds, losses = fit(model, optimizer, x, y, batch, warmup + epochs)
    finally:
        set_tf32(False)
    median = statistics.median(seconds[warmup:])
    steps = -(-rows // batch)
    return {"key": key, "dtype": precision, "unit": "samples/s", "value": rows / median, "step": "step",
            "ms_per_step": 1e3 * median / steps, "epoch_seconds": seconds,
            "check": "loss %.4g -> %.4g" % (losses[0], losses[-1]),
            "size": "%d rows, %d x Linear(%d) + ReLU, Linear(1), batch %d, Adam" % (rows, hidden, width, batch)}


def newton(x, y, iterations):
    import torch
    beta = torch.zeros(x.shape[1], 1, dtype=torch.float64, device=x.device)
    for _ in range(iterations):
        mu = torch.sigmoid(x @ beta)
        xt = x.T
        hessian = xt @ (x * (mu * (1 - mu)))
        beta = beta + torch.linalg.solve(hessian, xt @ (y - mu))
    return beta


def mle(s, device, key):
    import torch
    rows, features = s["rows"], s["features"]
    warmup, iterations = s["warmup_iterations"], s["iterations"]
    k = features + 1
    truth = [-0.5 if j == 0 else (1.0 if j % 2 == 0 else -1.0) * j / features for j in range(k)]
    torch.manual_seed(0)
    f64 = torch.float64
    x = torch.cat([torch.ones(rows, 1, dtype=f64, device=device), torch.randn(rows, features, dtype=f64, device=device)], 1)
    beta_true = torch.tensor(truth, dtype=f64, device=device).reshape(k, 1)
    y = (torch.rand(rows, 1, dtype=f64, device=device) < torch.sigmoid(x @ beta_true)).to(f64)
    newton(x, y, warmup)
    sync(device)
    start = time.perf_counter()
    beta = newton(x, y, iterations)
    sync(device)
    seconds = time.perf_counter() - start
    estimate = beta.reshape(-1).tolist()
    error = max(abs(a - b) for a, b in zip(estimate, truth))
    eta = x @ beta
    loglik = (y * eta - torch.nn.functional.softplus(eta)).sum().item()
    return {"key": key, "dtype": "float64", "unit": "rows*iterations/s", "value": rows * iterations / seconds,
            "step": "iteration", "ms_per_step": 1e3 * seconds / iterations,
            "check": "loglik %.3f, max |beta - truth| %.3g" % (loglik, error), "beta": estimate,
            "size": "%d rows, %d features + intercept, %d Newton iterations" % (rows, features, iterations)}


def balloon(s, device, key):
    import torch
    rows, batch, warmup, epochs = s["rows"], s["batch"], s["warmup_epochs"], s["epochs"]
    torch.manual_seed(0)
    x = torch.randn(rows, 3, device=device)
    y = torch.randn(rows, 1, device=device)
    model = torch.nn.Sequential(torch.nn.Linear(3, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.ReLU(),
                                torch.nn.Linear(16, 1)).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    seconds, losses = fit(model, optimizer, x, y, batch, warmup + epochs)
    median = statistics.median(seconds[warmup:])
    steps = -(-rows // batch)
    return {"key": key, "dtype": "float32", "unit": "samples/s", "value": rows / median, "step": "step",
            "ms_per_step": 1e3 * median / steps, "epoch_seconds": seconds,
            "check": "loss %.4g -> %.4g" % (losses[0], losses[-1]),
            "size": "%d rows, Linear(16) + ReLU x 2, Linear(1), batch %d, Adam" % (rows, batch)}


def describe(r):
    if "error" in r:
        return "  %-16s ERROR %s" % (r["key"], r["error"])
    if "skipped" in r:
        return "  %-16s skipped: %s" % (r["key"], r["skipped"])
    return "  %-16s %14s %s  (%.3f ms/%s)  %s" % (r["key"], "{:,.0f}".format(r["value"]), r["unit"], r["ms_per_step"],
                                                 r["step"], r["check"])


def run(args):
    import torch
    with open(args.spec) as f:
        spec = json.load(f)[args.scale]
    device = torch.device(args.device or ("cuda" if torch.cuda.is_available() else "cpu"))
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU (%d threads)" % torch.get_num_threads()
    print("PyTorch eager GPU benchmark (%s): torch %s, CUDA %s, device %s: %s"
          % (args.scale, torch.__version__, torch.version.cuda, device, name))
    only = set(filter(None, (args.only or "").split(",")))
    runners = {"dense_float32": lambda: dense(spec["dense"], device, "dense_float32", "float32"),
               "dense_tf32": lambda: dense(spec["dense"], device, "dense_tf32", "tf32"),
               "dense_bfloat16": lambda: dense(spec["dense"], device, "dense_bfloat16", "bfloat16"),
               "mle_float64": lambda: mle(spec["mle"], device, "mle_float64"),
               "balloon_float32": lambda: balloon(spec["balloon"], device, "balloon_float32")}
    results = []
    for key in KEYS:
        if only and key not in only:
            continue
        try:
            r = runners[key]()
        except RuntimeError as e:  # e.g. a dtype this PyTorch lacks on this device
            r = {"key": key, "error": str(e).splitlines()[0]}
        r["device"] = str(device)
        results.append(r)
        print(describe(r), flush=True)
    doc = {"engine": "pytorch", "torch": torch.__version__, "cuda": torch.version.cuda, "gpu": name,
           "scale": args.scale, "results": results}
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=2)
    print("wrote " + args.out)
    return 1 if any("error" in r for r in results) else 0


def compare(args):
    with open(args.degenerate) as f:
        deg = json.load(f)
    with open(args.pytorch) as f:
        ref = json.load(f)
    by_key = {r["key"]: r for r in ref["results"]}
    lines = ["Degenerate (libtorch %s) vs PyTorch %s eager on %s, scale '%s'; ratio = Degenerate / PyTorch throughput "
             "(higher is better)." % (deg.get("libtorch"), ref.get("torch"), ref.get("gpu"), deg.get("scale")),
             ""]
    if deg.get("scale") == "quick":
        lines += ["(Scale 'quick' checks that the whole flow works; its sizes are too small for the ratios to mean "
                  "anything. Measure with --scale full on a GPU.)", ""]
    lines += ["| scenario | work | Degenerate | PyTorch eager | ratio | target |",
             "|---|---|---:|---:|---:|---|"]
    below = 0
    for d in deg["results"]:
        p = by_key.get(d["key"], {})
        if "value" not in d or "value" not in p:
            why = d.get("skipped") or d.get("error") or p.get("skipped") or p.get("error") or "missing"
            lines.append("| %s | | | | | %s |" % (d["key"], why))
            continue
        ratio = d["value"] / p["value"]
        target = TARGETS.get(d["key"])
        verdict = "" if target is None else ("≥ %.2fx: %s" % (target, "met" if ratio >= target else "NOT met"))
        below += target is not None and ratio < target
        lines.append("| %s | %s | %s %s (%.3f ms/%s) | %s (%.3f ms/%s) | %.2fx | %s |" % (
            d["key"], d.get("size", ""), "{:,.0f}".format(d["value"]), d["unit"], d["ms_per_step"], d["step"],
            "{:,.0f}".format(p["value"]), p["ms_per_step"], p["step"], ratio, verdict))
    lines.append("")
    lines.append("Checks (both sides seed libtorch's generator with 0 and draw the data in the same order, so with the "
                 "same libtorch they train on identical data; the MLE's estimates should then agree to rounding):")
    for d in deg["results"]:
        p = by_key.get(d["key"], {})
        if "check" in d and "check" in p:
            agree = ""
            if "beta" in d and "beta" in p:
                agree = "; max |beta(Degenerate) - beta(PyTorch)| %.3g" % max(abs(a - b) for a, b in zip(d["beta"], p["beta"]))
            lines.append("- %s: Degenerate %s; PyTorch %s%s" % (d["key"], d["check"], p["check"], agree))
    text = "\n".join(lines)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text + "\n")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("--scale", default="full")
    r.add_argument("--device")
    r.add_argument("--only")
    r.add_argument("--spec", default=os.path.join(HERE, "scenarios.json"))
    r.add_argument("--out", default="pytorch.json")
    c = sub.add_parser("compare")
    c.add_argument("degenerate")
    c.add_argument("pytorch")
    c.add_argument("--markdown")
    args = parser.parse_args()
    return run(args) if args.command == "run" else compare(args)


if __name__ == "__main__":
    sys.exit(main())
