"""The first GLM fit in a fresh process: Degenerate's CLI against statsmodels, side by side (issue 11).

Usage: /usr/bin/python3 benchmarks/first_fit/measure.py CLI_DLL [RUNS]   (benchmarks/first_fit.sh builds the DLL)
Each case runs RUNS times in fresh processes, the cases interleaved so that load on the shared machine hits all of
them alike; it prints medians of CPU seconds (user + sys of the child, the honest figure on a loaded machine) and
wall seconds. The floors show what each side pays before any fitting: the .NET runtime with the CLI's code
(`--help`) and Python importing statsmodels.
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def run(cmd, env=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main():
    dll = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    tmp = tempfile.mkdtemp()
    csv = os.path.join(tmp, "tiny.csv")
    # 20 rows, two features, a binary target that is not separable: a logistic GLM that converges in a few steps.
    with open(csv, "w") as f:
        f.write("x1,x2,y\n")
        for i in range(20):
            x1 = (i * 37 % 20) / 10 - 1
            x2 = (i * 11 % 7) / 3 - 1
            y = 1 if (x1 + 0.5 * x2 + ((i * 13 % 5) - 2) / 2) > 0 else 0
            f.write(f"{x1},{x2},{y}\n")
    py = sys.executable
    statsmodels_fit = (
        "import numpy as np, statsmodels.api as sm\n"
        f"d = np.loadtxt({csv!r}, delimiter=',', skiprows=1)\n"
        "r = sm.GLM(d[:, 2], sm.add_constant(d[:, :2]), family=sm.families.Binomial()).fit()\n"
        "print(r.summary())\n")
    cases = {
        "degenerate glm (fit + summary)": ["dotnet", dll, "glm", csv, "--target", "y", "--family", "binomial"],
        "statsmodels GLM (fit + summary)": [py, "-c", statsmodels_fit],
        "floor: degenerate --help": ["dotnet", dll, "--help"],
        "floor: import statsmodels.api": [py, "-c", "import statsmodels.api"],
    }
    times = {name: [] for name in cases}
    for _ in range(runs):
        for name, cmd in cases.items():
            times[name].append(run(cmd))
    load = os.getloadavg()[0]
    print(f"fresh-process tiny fit, {runs} runs each, interleaved; {os.cpu_count()} cores, load average {load:.1f}")
    print()
    print("| | CPU s (median) | wall s (median) |")
    print("|---|---|---|")
    for name, t in times.items():
        print(f"| {name} | {statistics.median(c for c, _ in t):.2f} | {statistics.median(w for _, w in t):.2f} |")
    d = statistics.median(c for c, _ in times["degenerate glm (fit + summary)"])
    s = statistics.median(c for c, _ in times["statsmodels GLM (fit + summary)"])
    print()
    print(f"CPU ratio degenerate / statsmodels: {d / s:.2f}")


if __name__ == "__main__":
    main()
