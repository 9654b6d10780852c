#!/usr/bin/env bash
# Fuzzes the model-file reader (Sequential.Load) with AFL++ through SharpFuzz for a bounded time, then copies the
# inputs AFL++ found interesting (new coverage) into tests/fuzz/corpus/, which tests/Degenerate.AttackTests replays.
#   tests/fuzz/run.sh [seconds=300]
# Needs afl-fuzz (apt-get install afl++) and the sharpfuzz tool (dotnet tool install -g SharpFuzz.CommandLine
# --version 2.3.0); installs both when run as root and missing. See docs/model-format.md, "Fuzzing".
set -euo pipefail
seconds="${1:-300}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$root/tests/fuzz/work"   # ignored by git (tests/fuzz/.gitignore)
export PATH="$PATH:$HOME/.dotnet/tools"

if ! command -v afl-fuzz > /dev/null; then
  [[ $(id -u) -eq 0 ]] || { echo "tests/fuzz/run.sh needs afl-fuzz: apt-get install afl++" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq afl++ > /dev/null
fi
command -v sharpfuzz > /dev/null || dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0

echo "building the fuzz target (Release) ..."
dotnet build "$here/Degenerate.Fuzz/Degenerate.Fuzz.csproj" -c Release -nologo -v quiet -clp:ErrorsOnly
out="$here/Degenerate.Fuzz/bin/Release/net10.0"
# Seeds: a valid file of each format version, written by the library itself (before instrumenting: an instrumented
# library runs only under the fuzzer), and the committed corpus.
rm -rf "$work" && mkdir -p "$work/seeds"
cp "$root"/tests/fixtures/models/*.dgm "$work/seeds/"
cp "$here"/corpus/* "$work/seeds/" 2>/dev/null || true
dotnet "$out/Degenerate.Fuzz.dll" --write-seed "$work/seeds/valid-v2.dgm"

# Instrument the library (only it: the reader lives there). sharpfuzz rewrites it in place, so instrument a copy
# (bin/ files are hard links into other outputs and must not change in place).
cp --remove-destination "$out/Degenerate.dll" "$out/Degenerate.dll.plain"
cp "$out/Degenerate.dll.plain" "$out/Degenerate.instrumenting.dll"
sharpfuzz "$out/Degenerate.instrumenting.dll"
mv -f "$out/Degenerate.instrumenting.dll" "$out/Degenerate.dll"


export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_SKIP_BIN_CHECK=1 AFL_NO_AFFINITY=1
export DEGENERATE_ENGINE="${DEGENERATE_ENGINE:-native}"
echo "fuzzing for $seconds s on the $DEGENERATE_ENGINE engine ..."
afl-fuzz -V "$seconds" -i "$work/seeds" -o "$work/findings" -m none -t 10000 -- dotnet "$out/Degenerate.Fuzz.dll" > "$work/afl.log" 2>&1 || {
  tail -40 "$work/afl.log" >&2; exit 1; }
grep -E "execs_done|corpus_count|saved_crashes|saved_hangs|run_time" "$work/findings/default/fuzzer_stats" || true

# Crashes and hangs are findings: keep them for the regression test (after fixing the reader).
mkdir -p "$here/corpus"
for f in "$work"/findings/default/{queue,crashes,hangs}/id:*; do
  [[ -e "$f" ]] || continue
  cp "$f" "$here/corpus/$(sha1sum "$f" | cut -c1-16)"
done
echo "corpus: $(ls "$here/corpus" | wc -l) files in tests/fuzz/corpus"
ls "$work"/findings/default/crashes/id:* "$work"/findings/default/hangs/id:* 2>/dev/null && { echo "findings above: fix the reader" >&2; exit 1; }
exit 0
