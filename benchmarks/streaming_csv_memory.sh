#!/usr/bin/env bash
# Peak resident memory of training on a CSV file streamed batch by batch (examples/StreamingCsv, CsvBatches), for a
# small file and a large one (10^7 rows by default): bounded memory means the two peaks are about equal although the
# large file is 100 times longer. Not a timed test: it reports memory, and the times only for information.
#   benchmarks/streaming_csv_memory.sh                 # 10^5 and 10^7 rows
#   benchmarks/streaming_csv_memory.sh 100000 2000000  # other sizes
# Writes benchmarks/results/streaming-csv-memory-ENGINE.md (DEGENERATE_ENGINE, torchsharp by default). The CSV files go to a temporary folder, deleted afterwards.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
small="${1:-100000}"
large="${2:-10000000}"
engine="${DEGENERATE_ENGINE:-torchsharp}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

dotnet build "$root/examples/StreamingCsv/StreamingCsv.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly
app="$root/examples/StreamingCsv/bin/Release/net10.0/StreamingCsv.dll"

run() { # rows -> "peak_mib seconds bytes"
  local rows="$1" file="$work/rows-$1.csv"
  dotnet "$app" --generate "$rows" --file "$work/gen.csv" > /dev/null  # write the file in its own process
  mv "$work/gen.csv" "$file"
  local start end out
  start=$(date +%s.%N)
  out="$(dotnet "$app" --file "$file")"
  end=$(date +%s.%N)
  echo "$out" >&2
  local peak
  peak=$(echo "$out" | awk '/^peak_rss_mib/ {print $2}')
  echo "$peak $(echo "$end - $start" | bc) $(stat -c %s "$file")"
  rm -f "$file"
}

read -r small_peak small_time small_bytes <<< "$(run "$small")"
read -r large_peak large_time large_bytes <<< "$(run "$large")"
ratio=$(echo "scale=3; $large_peak / $small_peak" | bc)
mkdir -p "$here/results"
{
  echo "# Streaming a CSV file through Fit: peak resident memory"
  echo
  echo "examples/StreamingCsv: one epoch of Fit(CsvBatches(file, 1024, [-1])) on a 8-32-16-1 network (Adam), engine $engine,"
  echo "$(nproc) cores, $(date -u +%Y-%m-%d)."
  echo
  echo "| rows | file size | peak RSS (VmHWM) | wall time (process) |"
  echo "|---:|---:|---:|---:|"
  printf '| %s | %s MiB | %s MiB | %.1f s |\n' "$small" "$((small_bytes / 1048576))" "$small_peak" "$small_time"
  printf '| %s | %s MiB | %s MiB | %.1f s |\n' "$large" "$((large_bytes / 1048576))" "$large_peak" "$large_time"
  echo
  echo "Peak memory ratio (large / small): **$ratio** for $((large / small)) times the rows."
} > "$here/results/streaming-csv-memory-$engine.md"
cat "$here/results/streaming-csv-memory-$engine.md"
