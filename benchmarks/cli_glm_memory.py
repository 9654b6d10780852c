#!/usr/bin/python3
"""Peak memory of a whole `degenerate glm` (or `ladder`) run against the size of the numbers it parses (issue 14).

Writes a CSV of ROWS rows: COLUMNS - 1 standard-normal features and a Gaussian target (fixed seed, plain Python), runs
`degenerate glm FILE --target y --family gaussian --json` (or `degenerate ladder FILE --target y --epochs 1`: the GLM and
both networks, one epoch each) in a fresh process on it and on a 100-row file of the same columns, and reports each process's peak resident set (ru_maxrss from wait4, as /usr/bin/time -v's "Maximum resident
set size"). The ratio that matters is (peak - the 100-row run's peak) / (rows x columns x 8 bytes): the memory the data
costs over the runtime's own, per byte of parsed numbers; 1 would be the numbers alone. Not a timed test.
Usage: benchmarks/cli_glm_memory [rows] [columns] [glm|ladder]   (default 1000000 rows, 11 columns, glm; run through
the shell script)
"""
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CLI = os.environ.get("DEGENERATE_CLI_DLL") or os.path.join(
    os.path.dirname(HERE), "src", "Degenerate.Cli", "bin", "Release", "net10.0", "Degenerate.Cli.dll")


def write(path, rows, columns):
    rng = random.Random(11)
    with open(path, "w") as f:
        f.write(",".join([f"x{i + 1}" for i in range(columns - 1)] + ["y"]) + "\n")
        for _ in range(rows):
            x = [rng.gauss(0, 1) for _ in range(columns - 1)]
            y = sum((i + 1) * 0.1 * v for i, v in enumerate(x)) + rng.gauss(0, 1)
            f.write(",".join(f"{v:.9g}" for v in x + [y]) + "\n")


COMMANDS = {
    "glm": ["--family", "gaussian", "--json"],
    "ladder": ["--epochs", "1"],
}


def peak_mb(command, path):
    p = subprocess.Popen(["dotnet", CLI, command, path, "--target", "y"] + COMMANDS[command],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    if status != 0:
        sys.exit(f"degenerate {command} failed on {path}: {err.decode()}")
    return usage.ru_maxrss / 1024


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    columns = int(sys.argv[2]) if len(sys.argv) > 2 else 11
    command = sys.argv[3] if len(sys.argv) > 3 else "glm"
    if command not in COMMANDS:
        sys.exit(f"command: '{command}' is not one of {', '.join(COMMANDS)}")
    with tempfile.TemporaryDirectory() as work:
        data, tiny = os.path.join(work, "data.csv"), os.path.join(work, "tiny.csv")
        write(data, rows, columns)
        write(tiny, 100, columns)
        file_mb = os.path.getsize(data) / 2**20
        parsed_mb = rows * columns * 8 / 2**20
        base, peak = peak_mb(command, tiny), peak_mb(command, data)
    engine = os.environ.get("DEGENERATE_ENGINE", "torchsharp")
    what = "gaussian" if command == "glm" else "gaussian, 1 epoch"
    print(f"`degenerate {command}` ({what}, {rows:,} rows x {columns} columns, engine {engine}): file {file_mb:.0f} MiB, "
          f"parsed numbers {parsed_mb:.0f} MiB")
    print("| run | peak RSS (MiB) |")
    print("|---|---:|")
    print(f"| 100-row file (the runtime's own) | {base:.0f} |")
    print(f"| the data | {peak:.0f} |")
    print(f"Memory for the data / parsed numbers: **{(peak - base) / parsed_mb:.2f}** "
          f"(/ file size: {(peak - base) / file_mb:.2f})")


if __name__ == "__main__":
    main()
