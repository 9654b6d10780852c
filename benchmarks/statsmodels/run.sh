#!/usr/bin/env bash
# Degenerate's GLMs side by side with statsmodels: generates the CSV files (once, into data/), builds the CLI in
# Release, fits every dataset with both, and prints a markdown table (max relative differences of params, bse and
# llf; fit times). Usage: benchmarks/statsmodels/run.sh [dataset ...]   (names: see make_data.py)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${DEGENERATE_PYTHON:-/usr/bin/python3}"
# The anchor: Debian's statsmodels (and NumPy/pandas it brings); installed as root when missing, as benchmarks/run does.
if ! "$python" -c 'import statsmodels, numpy' 2>/dev/null; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get > /dev/null; then
    echo "installing python3-statsmodels for the comparison" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-statsmodels python3-numpy > /dev/null
  else
    echo "benchmarks/statsmodels/run.sh needs python3-statsmodels for $python (apt-get install it as root)" >&2; exit 1
  fi
fi

"$python" "$here/make_data.py" "$@"
dotnet build "$root/src/Degenerate.Cli/Degenerate.Cli.csproj" -c Release -v quiet -nologo > /dev/null
dll="$root/src/Degenerate.Cli/bin/Release/net10.0/Degenerate.Cli.dll"

echo "statsmodels $("$python" -c 'import statsmodels; print(statsmodels.__version__)'), $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
cd "$here"
"$python" "$here/compare.py" "$dll" "$@"
