#!/usr/bin/env bash
# Prepares the GPU bundle on a development machine that has the .NET SDK, for a Linux machine with an NVIDIA GPU and
# a pip PyTorch that may have neither the SDK nor a network (benchmarks/gpu/run.sh, inside the bundle, runs it there).
#
#   bash benchmarks/gpu/prepare.sh [BUNDLE_DIR]        (default: .bundle/ at the repository root, git-ignored)
#
# The bundle (about 41 MiB, under the 64 MiB that a GPU lease carries):
#   dotnet-runtime-<version>-linux-x64.tar.xz   the installed .NET runtime (host, hostfxr, Microsoft.NETCore.App) from
#                                                this machine's SDK folder: one shared runtime for every app
#   app/tests/     Degenerate.TestRunner + the xunit suite   (Release, framework-dependent)
#   app/bench/     GpuBench, Degenerate's side of the benchmark
#   app/rankprobe/ one rank of the NCCL smoke test (tests/Degenerate.RankProbe)
#   app/examples/<name>/   each project under examples/
#   native/        the C++ shim's sources and build.sh: compiled there against that machine's libtorch
#   run.sh, nccl_smoke.sh, pytorch_bench.py, scenarios.json, SHA256SUMS
# The apps are published with DegenerateSkipNative=true: no shim built here travels, since it must match the
# libtorch (and CUDA) of the machine that runs it, and DegenerateTorchSharp=false: the bundle runs the native engine,
# and TorchSharp's ~1 GB of CPU libtorch would not fit.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:-$repo/.bundle}
mkdir -p "$out"
out=$(cd "$out" && pwd)
say() { echo "prepare: $*" >&2; }

command -v dotnet >/dev/null || { echo "prepare: the .NET SDK (dotnet) is needed on this machine" >&2; exit 1; }
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
tfm_major=$(sed -n 's:.*<TargetFramework>net\([0-9]*\)\..*</TargetFramework>.*:\1:p' "$repo/Directory.Build.props" | head -1)
runtime=$(ls -1 "$dotnet_root/shared/Microsoft.NETCore.App" | grep "^${tfm_major}\." | sort -V | tail -1)
[ -n "$runtime" ] && [ -d "$dotnet_root/host/fxr/$runtime" ] ||
  { echo "prepare: no .NET $tfm_major runtime (with its hostfxr) under $dotnet_root" >&2; exit 1; }

# Everything but a runtime archive of the same version is rebuilt (compressing the runtime takes ~20 s).
archive="dotnet-runtime-$runtime-linux-x64.tar.xz"
find "$out" -mindepth 1 -maxdepth 1 ! -name "$archive" -exec rm -rf {} +
if [ ! -f "$out/$archive" ]; then
  say "packing the .NET runtime $runtime from $dotnet_root"
  tar -cf - -C "$dotnet_root" dotnet "host/fxr/$runtime" "shared/Microsoft.NETCore.App/$runtime" LICENSE.txt ThirdPartyNotices.txt |
    xz -T0 -6 >"$out/$archive.tmp"
  mv "$out/$archive.tmp" "$out/$archive"
fi

publish() {  # project folder, output folder
  say "publishing $1"
  dotnet publish "$repo/$1" -c Release --no-self-contained -p:DegenerateSkipNative=true -p:DegenerateTorchSharp=false -p:DebugType=none \
    -o "$out/$2" --nologo -v quiet -clp:ErrorsOnly >&2
}
publish tests/Degenerate.TestRunner app/tests
publish benchmarks/gpu/GpuBench app/bench
publish tests/Degenerate.RankProbe app/rankprobe  # one rank of nccl_smoke.sh
for project in "$repo"/examples/*/*.csproj; do
  [ -e "$project" ] || continue
  name=$(basename "$(dirname "$project")")
  publish "examples/$name" "app/examples/$name"
done

mkdir -p "$out/native"
cp "$repo"/src/Degenerate.Native/{*.cpp,*.h,CMakeLists.txt,build.sh} "$out/native/"
cp "$repo"/benchmarks/gpu/{run.sh,nccl_smoke.sh,pytorch_bench.py,scenarios.json} "$out/"
chmod +x "$out/run.sh" "$out/nccl_smoke.sh" "$out/native/build.sh"
(cd "$repo" && echo "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)'), runtime $runtime, prepared $(date -u +%FT%TZ)") >"$out/VERSION"
(cd "$out" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum >SHA256SUMS)

size=$(du -sb "$out" | cut -f1)
say "bundle ready: $out ($((size / 1024 / 1024)) MiB)"
if [ "$size" -gt $((60 * 1024 * 1024)) ]; then
  say "warning: over 60 MiB; a GPU lease carries at most 64 MiB including the repository's own files"
fi
