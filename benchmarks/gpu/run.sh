#!/usr/bin/env bash
# Runs Degenerate on a Linux machine with an NVIDIA GPU and a pip PyTorch, without the .NET SDK and without a
# network, from a bundle made by benchmarks/gpu/prepare.sh (this script travels inside it):
#   1. unpacks the bundled .NET runtime;
#   2. builds the native shim with cmake against python3's PyTorch (its libtorch, CUDA included);
#   3. runs the xunit suite on the device (DEGENERATE_DEVICE), with Degenerate.TestRunner;
#   4. runs every example;
#   5. runs the benchmark scenarios in Degenerate (GpuBench) and in PyTorch eager, and prints the ratios;
#   6. runs the NCCL smoke test (nccl_smoke.sh: c10d NCCL collectives, data-parallel Fit and the distributed GLM).
#
#   bash .bundle/run.sh [--device cuda|cuda:N|cpu] [--scale full|quick] [--only tests,examples,bench,nccl] [--results DIR]
#
# Defaults: --device cuda when python3's torch sees a GPU (else cpu), --scale full on CUDA and quick on the CPU, all
# stages, results in $OUT when set (the GPU lease's output folder) else <bundle>/results. Environment:
# DEGENERATE_PYTHON (interpreter holding torch, default python3), LIBTORCH (use that libtorch instead of PyTorch's),
# DEGENERATE_WORK (scratch folder, default /tmp/degenerate-gpu-$UID; the runtime and shim are reused from there).
# Exit status: 0 when every stage run succeeded, 1 otherwise (details in summary.md).
set -uo pipefail

bundle=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
device="" scale="" only="tests,examples,bench,nccl" results=""
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device=$2; shift 2 ;;
    --scale) scale=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
results=${results:-${OUT:-$bundle/results}}
work=${DEGENERATE_WORK:-/tmp/degenerate-gpu-$(id -u)}
python=${DEGENERATE_PYTHON:-python3}
mkdir -p "$results" "$work"
results=$(cd "$results" && pwd)
summary="$results/summary.md"
: >"$summary"
status=0
note() { echo "$*" | tee -a "$summary"; }
stage() { echo; echo "==== $* ===="; }
wants() { [[ ",$only," == *",$1,"* ]]; }
fail() { note "- FAILED: $*"; status=1; }

stage "bundle"
cat "$bundle/VERSION" 2>/dev/null
if [ -f "$bundle/SHA256SUMS" ]; then
  (cd "$bundle" && sha256sum --quiet -c SHA256SUMS) || { echo "run.sh: the bundle is damaged (SHA256SUMS)"; exit 1; }
fi
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

stage "python and torch"
torch_info=$("$python" -c 'import os, torch; print(torch.__version__, torch.version.cuda, int(torch.cuda.is_available()), os.path.join(os.path.dirname(torch.__file__), "lib"))') ||
  { echo "run.sh: '$python' cannot import torch (set DEGENERATE_PYTHON)"; exit 1; }
read -r torch_version torch_cuda torch_gpu torch_lib <<<"$torch_info"
echo "torch $torch_version (CUDA $torch_cuda), GPU visible to torch: $torch_gpu, libraries in $torch_lib"
if [ -z "$device" ]; then device=$([ "$torch_gpu" = 1 ] && echo cuda || echo cpu); fi
if [ -z "$scale" ]; then scale=$([[ $device == cuda* ]] && echo full || echo quick); fi
note "# Degenerate GPU bundle run"
note ""
note "- bundle: $(cat "$bundle/VERSION" 2>/dev/null)"
note "- machine: $(command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | head -1 || echo 'no nvidia-smi'), torch $torch_version (CUDA $torch_cuda)"
note "- device: $device, benchmark scale: $scale"

stage ".NET runtime"
archive=$(ls "$bundle"/dotnet-runtime-*-linux-x64.tar.xz 2>/dev/null | head -1)
[ -n "$archive" ] || { echo "run.sh: no dotnet-runtime-*.tar.xz in $bundle"; exit 1; }
dotnet_root="$work/dotnet"
if [ "$(cat "$dotnet_root/.archive" 2>/dev/null)" != "$(basename "$archive")" ]; then
  rm -rf "$dotnet_root" && mkdir -p "$dotnet_root"
  if command -v xz >/dev/null; then
    tar -xJf "$archive" -C "$dotnet_root"
  else  # no xz binary: Python's tarfile reads .tar.xz itself
    "$python" -c 'import sys, tarfile; t = tarfile.open(sys.argv[1]); t.extractall(sys.argv[2], **({"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}))' "$archive" "$dotnet_root"
  fi || { echo "run.sh: unpacking $archive failed"; exit 1; }
  basename "$archive" >"$dotnet_root/.archive"
fi
export DOTNET_ROOT="$dotnet_root" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Without ICU (often absent from minimal images) .NET stops at start-up; Degenerate formats invariantly anyway.
if ! ldconfig -p 2>/dev/null | grep -q 'libicuuc\.so'; then export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1; fi
dotnet="$dotnet_root/dotnet"
"$dotnet" --list-runtimes || { echo "run.sh: the bundled .NET runtime does not start"; exit 1; }

stage "native shim (cmake against PyTorch's libtorch)"
export DEGENERATE_LIBTORCH_USE_PYTORCH=1 DEGENERATE_PYTHON="$python" DEGENERATE_NATIVE_BUILD_DIR="$work/native-build"
if ! bash "$bundle/native/build.sh" "$work/native" >"$results/build.log" 2>&1; then
  tail -40 "$results/build.log"
  fail "building the native shim (build.log)"
  exit 1
fi
tail -3 "$results/build.log"
export DEGENERATE_NATIVE_LIB="$work/native/libdegenerate_native.so" DEGENERATE_ENGINE=native
# libtorch opens some of its own libraries lazily by name (e.g. libtorch_cuda_linalg.so): let the loader find them.
export LD_LIBRARY_PATH="$torch_lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
note "- native shim: $(cat "$work/native/libtorch.txt")"
if ! "$dotnet" "$bundle/app/bench/GpuBench.dll" --info --device "$device" | tee -a "$summary"; then
  fail "Degenerate cannot use device $device (see above)"
  exit 1
fi

if wants tests; then
  stage "tests (DEGENERATE_DEVICE=$device)"
  DEGENERATE_DEVICE=$device "$dotnet" "$bundle/app/tests/Degenerate.TestRunner.dll" 2>&1 | tee "$results/tests.log"
  [ "${PIPESTATUS[0]}" = 0 ] || fail "tests (tests.log)"
  note "- tests on $device: $(grep -E '^Tests: ' "$results/tests.log" | tail -1)"
fi

if wants examples; then
  stage "examples (DEGENERATE_DEVICE=$device)"
  : >"$results/examples.log"
  for dir in "$bundle"/app/examples/*/; do
    [ -d "$dir" ] || continue
    name=$(basename "$dir")
    echo "---- $name" | tee -a "$results/examples.log"
    start=$(date +%s)
    (cd "$dir" && DEGENERATE_DEVICE=$device timeout 600 "$dotnet" "$name.dll") 2>&1 | tee -a "$results/examples.log"
    rc=${PIPESTATUS[0]}
    if [ "$rc" = 0 ]; then note "- example $name: ok ($(($(date +%s) - start)) s)"; else fail "example $name (exit $rc, examples.log)"; fi
  done
fi

if wants bench; then
  stage "benchmark: Degenerate ($scale)"
  "$dotnet" "$bundle/app/bench/GpuBench.dll" --scale "$scale" --device "$device" --spec "$bundle/scenarios.json" \
    --out "$results/degenerate.json" 2>&1 | tee "$results/bench.log"
  [ "${PIPESTATUS[0]}" = 0 ] || fail "Degenerate benchmark (bench.log)"
  stage "benchmark: PyTorch eager ($scale)"
  "$python" "$bundle/pytorch_bench.py" run --scale "$scale" --device "$device" --spec "$bundle/scenarios.json" \
    --out "$results/pytorch.json" 2>&1 | tee -a "$results/bench.log"
  [ "${PIPESTATUS[0]}" = 0 ] || fail "PyTorch benchmark (bench.log)"
  stage "benchmark: side by side"
  if [ -f "$results/degenerate.json" ] && [ -f "$results/pytorch.json" ]; then
    "$python" "$bundle/pytorch_bench.py" compare "$results/degenerate.json" "$results/pytorch.json" --markdown "$results/compare.md"
    { echo; cat "$results/compare.md"; } >>"$summary"
  fi
fi

if wants nccl; then
  stage "NCCL smoke test"
  if bash "$bundle/nccl_smoke.sh" "$dotnet" "$bundle/app/rankprobe/Degenerate.RankProbe.dll" "$results"; then
    note "- NCCL smoke test: $(tail -1 "$results/nccl.log")"
  else
    fail "NCCL smoke test (nccl.log)"
  fi
fi

stage "summary ($summary)"
cat "$summary"
exit $status
