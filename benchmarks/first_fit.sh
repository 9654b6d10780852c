#!/usr/bin/env bash
# The first GLM fit in a fresh process (issue 11): `degenerate glm` on a 20-row CSV against statsmodels'
# sm.GLM(...).fit() in fresh Python processes, side by side, CPU and wall seconds (medians, interleaved).
# Usage: benchmarks/first_fit.sh [RUNS]   (default 5). Builds the CLI in Release first.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
python="${DEGENERATE_PYTHON:-/usr/bin/python3}"
if ! "$python" -c 'import statsmodels, numpy' 2>/dev/null; then
  echo "benchmarks/first_fit.sh needs python3-statsmodels for $python (apt-get install it as root)" >&2; exit 1
fi
dotnet build "$root/src/Degenerate.Cli/Degenerate.Cli.csproj" -c Release -v quiet -nologo > /dev/null
"$python" "$here/first_fit/measure.py" "$root/src/Degenerate.Cli/bin/Release/net10.0/Degenerate.Cli.dll" "${1:-5}"
