"""The side-by-side suite behind benchmarks/run.

Starts one long-lived worker per contender's runtime (Degenerate's SideBySide twice, once per Degenerate engine:
DEGENERATE_ENGINE=native and =torchsharp; PyTorch eager; statsmodels/scikit-learn; the C++ limit program), then runs every scenario interleaved: repetition r asks each contender in turn (in a rotating order),
so that the machine's noise falls on all of them alike. Results are medians; ratios are the result. Writes
benchmarks/results/{results.json, table.md, glm-fit-vs-n.svg}.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "benchmarks", "results")
DATA = os.path.join(RESULTS, "tmp")


class Worker:
    """A worker process speaking one JSON line per request and per answer."""

    def __init__(self, name, argv, threads, **extra_env):
        env = dict(os.environ, BENCH_THREADS=str(threads), OMP_NUM_THREADS=str(threads),
                   OPENBLAS_NUM_THREADS=str(threads), DOTNET_TieredPGO="1", **extra_env)
        self.name = name
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
        self.info = json.loads(self.proc.stdout.readline())

    def ask(self, request):
        self.proc.stdin.write(json.dumps(request) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            return {"error": f"{self.name} worker exited"}
        return json.loads(line)

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


def write_data(rows, cols, seed=0):
    """Logistic data: an intercept column and cols-1 standard normal features; y ~ Bernoulli(sigmoid(X beta))."""
    x_path = os.path.join(DATA, f"x_{rows}_{cols}.f64")
    y_path = os.path.join(DATA, f"y_{rows}_{cols}.f64")
    if not (os.path.exists(x_path) and os.path.exists(y_path)):
        rng = np.random.default_rng(seed)
        beta = np.linspace(-1.0, 1.0, cols) / np.sqrt(cols)
        with open(x_path, "wb") as fx, open(y_path, "wb") as fy:
            for start in range(0, rows, 1_000_000):
                n = min(1_000_000, rows - start)
                x = rng.standard_normal((n, cols))
                x[:, 0] = 1.0
                p = 1 / (1 + np.exp(-(x @ beta)))
                y = (rng.random(n) < p).astype(np.float64)
                x.tofile(fx)
                y.tofile(fy)
    return {"x": x_path, "y": y_path, "rows": rows, "cols": cols}


def run_interleaved(workers, contenders, request, reps, log):
    """contenders: list of (label, worker name, extra request fields). Returns label -> list of answers."""
    answers = {label: [] for label, _, _ in contenders}
    for r in range(reps):
        order = contenders[r % len(contenders):] + contenders[:r % len(contenders)]
        for label, worker, extra in order:
            answer = workers[worker].ask({**request, **extra})
            answers[label].append(answer)
            if "error" in answer:
                log(f"    {label}: ERROR {answer['error']}")
            else:
                log(f"    {label}: {answer['seconds']:.4f} s")
    return answers


ENGINES = ("native", "torchsharp")  # Degenerate's engines, one worker each (one libtorch per process)


def dg_env(engine, threads):
    return dict(os.environ, BENCH_THREADS=str(threads), DEGENERATE_ENGINE=engine)


def degenerate_contenders(eager_extra=None):
    """Degenerate's contenders on both engines: (label, worker, extra) for the planned and the op-by-op path."""
    rows = []
    for engine in ENGINES:
        rows.append((f"degenerate {engine}", f"dg-{engine}", {}))
        rows.append((f"degenerate {engine} eager", f"dg-{engine}", {"eager": True, **(eager_extra or {})}))
    return rows


def first_error_line(text):
    """The exception line of a .NET crash ("Unhandled exception. System.X: message"), else the text's tail."""
    for line in text.splitlines():
        if "Exception:" in line:
            return line.replace("Unhandled exception. ", "").strip()[:300]
    return text[-300:]


def median_seconds(runs):
    ok = [a["seconds"] for a in runs if "error" not in a]
    return statistics.median(ok) if ok else None


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smaller sizes and 3 repetitions, for iteration")
    ap.add_argument("--reps", type=int, default=None)
    ap.add_argument("--threads", type=int, default=1, help="intra-op threads for every engine (default 1)")
    ap.add_argument("--only", default="", help="comma-separated scenarios to run")
    args = ap.parse_args()
    quick = args.quick
    reps = args.reps or (3 if quick else 5)
    only = set(filter(None, args.only.split(",")))
    os.makedirs(DATA, exist_ok=True)
    started = time.time()

    def log(msg):
        print(msg, flush=True)

    def wanted(name):
        return not only or name in only

    dg_bin = os.path.join(ROOT, "benchmarks", "SideBySide", "bin", "Release", "net10.0", "SideBySide")
    workers = {
        **{f"dg-{e}": Worker(f"degenerate {e}", [dg_bin], args.threads, DEGENERATE_ENGINE=e) for e in ENGINES},
        "torch": Worker("pytorch", ["/usr/bin/python3", os.path.join(ROOT, "benchmarks", "python", "torch_worker.py")], args.threads),
        "stats": Worker("statsmodels", ["/usr/bin/python3", os.path.join(ROOT, "benchmarks", "python", "stats_worker.py")], args.threads),
        "cpp": Worker("c++ limit", [os.path.join(ROOT, "benchmarks", "cpp", "build", "limit")], args.threads),
    }
    results = {
        "machine": {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(), "threads": args.threads,
                    "python": platform.python_version(), "workers": {k: w.info for k, w in workers.items()}},
        "mode": "quick" if quick else "full", "repetitions": reps, "scenarios": {},
    }
    for e in ENGINES:
        if workers[f"dg-{e}"].info.get("engine") != e:
            sys.exit(f"the {e} worker runs the {workers[f'dg-{e}'].info.get('engine')} engine: DEGENERATE_ENGINE was not honoured")
    # TorchSharp's own op-by-op training of the same models: served by the torchsharp worker, where TorchSharp is loaded.
    torchsharp_anchor = ("torchsharp op-by-op", "dg-torchsharp", {"anchor": "torchsharp"})
    trainers = [*degenerate_contenders(), ("pytorch eager", "torch", {}), torchsharp_anchor, ("c++ limit", "cpp", {})]

    # Memory bandwidth, measured now on this machine: the floor every data-bound scenario is compared with.
    log("bandwidth (512 MiB tensor copy)")
    bw = run_interleaved(workers, [("degenerate native", "dg-native", {}), ("c++ limit", "cpp", {})],
                         {"scenario": "bandwidth", "bytes": 1 << 29}, 3, log)
    gbps = max(a["gbps"] for runs in bw.values() for a in runs if "error" not in a)
    results["bandwidth_gbps"] = gbps
    log(f"  {gbps:.1f} GB/s")

    def record(name, answers, anchor, extra=None, floor_bytes=None):
        med = {label: median_seconds(runs) for label, runs in answers.items()}
        entry = {"median_seconds": med, "runs": answers, "anchor": anchor}
        errors = {label: next(a["error"] for a in runs if "error" in a) for label, runs in answers.items()
                  if any("error" in a for a in runs)}
        if errors:
            entry["errors"] = errors  # shown in the table as the reason a contender is missing
        if floor_bytes:
            entry["floor_seconds"] = floor_bytes / (gbps * 1e9)
        if extra:
            entry.update(extra)
        results["scenarios"][name] = entry
        return med

    if wanted("seed000"):
        epochs = 10_000 if quick else 100_000
        log(f"seed000: delta rule, {epochs} epochs of 4 steps")
        contenders = [*degenerate_contenders({"epochs": max(1000, epochs // 10)}), ("pytorch eager", "torch", {}),
                      torchsharp_anchor, ("c++ limit", "cpp", {})]
        answers = run_interleaved(workers, contenders, {"scenario": "seed000", "epochs": epochs}, reps, log)
        ref = answers["pytorch eager"][0].get("weights")
        dev = {label: max(abs(a - b) for a, b in zip(runs[0]["weights"], ref))
               for label, runs in answers.items() if "weights" in runs[0] and runs[0]["steps"] == 4 * epochs and ref}
        record("seed000", answers, "pytorch eager", {"steps": 4 * epochs, "max_weight_diff_vs_pytorch": dev})

    if wanted("balloon"):
        log("balloon: MLP 3-16-16-1, Adam, batch 32, one epoch of 8,000 rows")
        answers = run_interleaved(workers, trainers, {"scenario": "balloon", "rows": 8000}, reps, log)
        record("balloon", answers, "pytorch eager", {"steps": 250})

    glm_rows = 100_000 if quick else 1_000_000
    data = write_data(glm_rows, 20)
    if wanted("glm"):
        log(f"glm: logistic MLE, N = {glm_rows}, p = 20, float64")
        contenders = [*((f"degenerate {e}", f"dg-{e}", {}) for e in ENGINES), ("c++ limit", "cpp", {}), ("pytorch lbfgs", "torch", {}),
                      ("statsmodels glm", "stats", {"method": "sm_glm"}), ("statsmodels logit", "stats", {"method": "sm_logit"}),
                      ("sklearn lbfgs", "stats", {"method": "sklearn"})]
        # One untimed fit of 10,000 rows by every contender first, as the other scenarios warm up: a process's first fit
        # pays one-time costs (JIT, imports, first-touch allocations) that a median of 3 would otherwise keep.
        run_interleaved(workers, contenders, {"scenario": "glm", **write_data(10_000, 20)}, 1, lambda msg: None)
        answers = run_interleaved(workers, contenders, {"scenario": "glm", **data}, reps, log)
        ref = answers["statsmodels glm"][0].get("params")
        dev = {label: max(abs(a - b) for a, b in zip(runs[0]["params"], ref))
               for label, runs in answers.items() if "params" in runs[0] and ref}
        iters = answers["degenerate native"][0].get("iterations") or answers["c++ limit"][0].get("iterations") or 1
        record("glm", answers, "statsmodels glm", {"rows": glm_rows, "cols": 20, "max_param_diff_vs_statsmodels": dev},
               floor_bytes=iters * glm_rows * 20 * 8)

    if wanted("minibatch"):
        log(f"minibatch: Adam, float32, batch 1024, one epoch of {glm_rows} rows")
        answers = run_interleaved(workers, trainers, {"scenario": "minibatch", **data}, reps, log)
        record("minibatch", answers, "pytorch eager", {"rows": glm_rows}, floor_bytes=glm_rows * 20 * 4)

    if wanted("predict"):
        rows = 100_000 if quick else 1_000_000
        log(f"predict: {rows} rows through the balloon MLP")
        answers = run_interleaved(workers, trainers, {"scenario": "predict", "rows": rows}, reps, log)
        record("predict", answers, "pytorch eager", {"rows": rows}, floor_bytes=rows * (3 + 1) * 4)

    if wanted("glm-vs-n"):
        sizes = [10_000, 100_000, 1_000_000] + ([] if quick else [10_000_000])
        curve = {}
        for n in sizes:
            d = write_data(n, 20)
            log(f"glm-vs-n: N = {n}")
            contenders = [*((f"degenerate {e}", f"dg-{e}", {}) for e in ENGINES), ("c++ limit", "cpp", {}), ("pytorch lbfgs", "torch", {}),
                          ("sklearn lbfgs", "stats", {"method": "sklearn"}), ("statsmodels logit", "stats", {"method": "sm_logit"})]
            if n <= 1_000_000:
                contenders.append(("statsmodels glm", "stats", {"method": "sm_glm"}))
            answers = run_interleaved(workers, contenders, {"scenario": "glm", **d}, 1 if n >= 10_000_000 else min(reps, 3), log)
            curve[n] = {label: median_seconds(runs) for label, runs in answers.items()}
            curve_errors = {label: runs[0]["error"] for label, runs in answers.items() if runs and "error" in runs[0]}
            if curve_errors:
                results.setdefault("glm_vs_n_errors", {})[n] = curve_errors
        results["glm_vs_n"] = curve

    if wanted("memory"):
        steps = 20_000 if quick else 100_000
        log(f"memory: resident memory over {steps} training steps")
        mem = {}
        for engine, label, extra in ((e, f"degenerate {e}{suffix}", flag) for e in ENGINES
                                     for suffix, flag in (("", []), (" eager", ["eager"]))):
            out = subprocess.run([dg_bin, "memory-steps", str(steps), *extra], capture_output=True, text=True,
                                 env=dg_env(engine, args.threads))
            try:
                answer = json.loads(out.stdout.strip().splitlines()[-1])
            except (json.JSONDecodeError, IndexError):
                answer = {"error": (out.stderr or out.stdout)[-300:]}
            if "error" in answer:
                log(f"    {label}: ERROR {answer['error']}")
                mem[label] = {"steps": steps, "error": answer["error"]}
                continue
            rss = [s["native_mb"] for s in answer["samples"]]  # resident set less the GC's committed managed heap
            ref = rss[len(rss) // 10]  # after warm-up (a tenth of the steps)
            drift = (rss[-1] - ref) / ref
            spread = (max(rss[len(rss) // 10:]) - min(rss[len(rss) // 10:])) / ref
            mem[label] = {"steps": steps, "native_mb_after_warmup": ref, "native_mb_end": rss[-1], "drift": drift,
                          "spread": spread, "tensors_end": answer["samples"][-1]["tensors"], "samples": answer["samples"]}
            log(f"    {label}: {ref:.1f} MB -> {rss[-1]:.1f} MB ({100 * drift:+.2f}%)")
        peaks = {}
        for engine in ENGINES:
            peaks[engine] = {}
            for n in ([1000, 100_000] if quick else [1000, 1_000_000, 10_000_000]):
                d = write_data(n, 20)
                out = subprocess.run([dg_bin, "glm-rss", d["x"], d["y"], str(n), "20"], capture_output=True, text=True,
                                     env=dg_env(engine, args.threads))
                try:
                    peaks[engine][n] = json.loads(out.stdout.strip().splitlines()[-1])
                except (json.JSONDecodeError, IndexError):
                    peaks[engine][n] = {"error": first_error_line(out.stderr or out.stdout)}
                log(f"    glm peak RSS ({engine}), N = {n}: {peaks[engine][n]}")
        results["memory"] = {"training": mem, "glm_peak": peaks}

    for w in workers.values():
        w.close()
    results["wall_seconds"] = time.time() - started
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    import report  # noqa: E402  (benchmarks/report.py: table and plot from results.json)
    report.write(results, RESULTS)
    log(f"done in {results['wall_seconds']:.0f} s: benchmarks/results/table.md, results.json, glm-fit-vs-n.svg")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
