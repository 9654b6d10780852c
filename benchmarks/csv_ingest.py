#!/usr/bin/python3
"""CSV ingest side by side: the degenerate CLI's reader (benchmarks/CsvIngest) against pandas.read_csv.

Writes a 10^6-row CSV of standard-normal numbers (fixed seed; 5 columns, about 66 MB) unless it exists, then runs
each reader in fresh processes, interleaved: a first read in a fresh process (JIT included) and later reads in the
same process. Times are CPU seconds of the reading process (both readers are single-threaded; on this shared 2-core
machine wall time mostly measures the neighbours). Reports medians, the ratios and each process's peak resident
memory (from wait4), with the size of the file and of the parsed numbers for scale. Run through benchmarks/csv_ingest (it builds the C# side).
"""
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "results", "tmp", "csv_ingest_1e6.csv")  # generated, not committed
INGEST = os.path.join(HERE, "CsvIngest", "bin", "Release", "net10.0", "CsvIngest.dll")
ROWS, COLUMNS = 1_000_000, 5

PANDAS = """
import sys, time, json
import pandas as pd
seconds = []
for i in range(int(sys.argv[2])):
    s = time.process_time()
    frame = pd.read_csv(sys.argv[1])
    x = frame.drop(columns=["y"]).to_numpy(dtype=float); y = frame["y"].to_numpy(dtype=float)
    seconds.append(time.process_time() - s)
print(json.dumps({"rows": len(y), "features": x.shape[1], "seconds": seconds}))
"""


def write_data():
    if os.path.exists(DATA):
        return
    import numpy as np
    os.makedirs(os.path.dirname(DATA), exist_ok=True)
    rng = np.random.default_rng(11)
    x = rng.normal(size=(ROWS, COLUMNS - 1))
    y = x @ np.array([0.5, -1.0, 0.25, 2.0]) + rng.normal(size=ROWS)
    np.savetxt(DATA, np.column_stack([x, y]), fmt="%.9g", delimiter=",",
               header=",".join([f"x{i + 1}" for i in range(COLUMNS - 1)] + ["y"]), comments="")


def run(command):
    """Runs a child; returns its JSON line and its peak resident memory in MB."""
    p = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    if status != 0:
        sys.exit(f"{command[0]} failed: {err.decode()}")
    result = json.loads(out.decode().strip().splitlines()[-1])
    result["peak_mb"] = usage.ru_maxrss / 1024
    return result


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    write_data()
    tiny = os.path.join(os.path.dirname(DATA), "csv_ingest_tiny.csv")
    with open(tiny, "w") as f:
        f.write("x1,x2,x3,x4,y\n1,2,3,4,5\n2,3,4,5,7\n")
    size_mb = os.path.getsize(DATA) / 1e6
    parsed_mb = ROWS * COLUMNS * 8 / 1e6
    readers = {
        "degenerate": lambda path, n: ["dotnet", INGEST, path, "y", str(n)],
        "pandas": lambda path, n: ["/usr/bin/python3", "-c", PANDAS, path, str(n)],
    }
    cold, warm, peak, base = ({k: [] for k in readers} for _ in range(4))
    for _ in range(runs):  # interleaved, so both see the same machine load
        for name, command in readers.items():
            one = run(command(DATA, 1))  # a fresh process reading once: what the CLI does
            cold[name].append(one["seconds"][0])
            peak[name].append(one["peak_mb"])
            warm[name] += run(command(DATA, 4))["seconds"][1:]
            base[name].append(run(command(tiny, 1))["peak_mb"])

    m = {k: (statistics.median(cold[k]), statistics.median(warm[k]), statistics.median(peak[k]),
             statistics.median(peak[k]) - statistics.median(base[k])) for k in readers}
    print(f"CSV ingest, {ROWS:,} rows x {COLUMNS} columns: file {size_mb:.0f} MB, parsed numbers {parsed_mb:.0f} MB; "
          f"medians of {runs} interleaved runs (load average {os.getloadavg()[0]:.1f})")
    print("| reader | read in a fresh process (CPU s) | later reads (CPU s) | peak memory (MB) | of which the read (MB) |")
    print("|---|---|---|---|---|")
    print("| degenerate CLI (CsvTable + Dataset) | %.2f | %.2f | %.0f | %.0f |" % m["degenerate"])
    print("| pandas.read_csv + to_numpy | %.2f | %.2f | %.0f | %.0f |" % m["pandas"])
    d, p = m["degenerate"], m["pandas"]
    print(f"| ratio degenerate / pandas | {d[0] / p[0]:.2f} | {d[1] / p[1]:.2f} | {d[2] / p[2]:.2f} | {d[3] / p[3]:.2f} |")
    print("(peak memory: the process's maximum resident set; the read's share: minus the same process reading a "
          "2-row file)")


if __name__ == "__main__":
    main()
