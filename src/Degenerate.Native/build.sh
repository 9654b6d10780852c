#!/usr/bin/env bash
# Builds the native shim (libdegenerate_native.so) against the libtorch this machine has, into $1.
# Called by src/Degenerate/Degenerate.csproj on every build; it does nothing when neither the shim's sources nor
# the chosen libtorch changed since the last build.
#
# libtorch is looked for in this order:
#   1. LIBTORCH=/path/to/libtorch            an unpacked libtorch folder (include/, lib/)
#   2. DEGENERATE_LIBTORCH_USE_PYTORCH=1     the libtorch inside python3's PyTorch (how a GPU machine gets CUDA);
#                                            DEGENERATE_PYTHON picks another interpreter than python3
#   3. the system's libtorch                 Debian's libtorch-dev, with OpenBLAS (libopenblas0-pthread)
# When none is found (or the system one lacks OpenBLAS) and we are root (or have password-less sudo) with apt-get,
# the packages are installed.
set -euo pipefail

out_dir=${1:?usage: build.sh OUTPUT_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build_dir=${DEGENERATE_NATIVE_BUILD_DIR:-$here/build}
packages="libtorch-dev libgloo-dev libopenblas0-pthread cmake g++"
multiarch=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)

say() { echo "degenerate native: $*" >&2; }
fail() { echo "error DGN001: $*" >&2; exit 1; }

abi_of() {  # the _GLIBCXX_USE_CXX11_ABI a libc10.so was built with
  if nm -D --defined-only "$1/libc10.so" 2>/dev/null | grep -q '__cxx11'; then echo 1; else echo 0; fi
}

system_openblas() {
  ls /usr/lib/"$multiarch"/openblas-pthread/libblas.so.3 /usr/lib/"$multiarch"/libopenblas*.so* >/dev/null 2>&1
}

install_packages() {
  local as_root=""
  if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null && sudo -n true 2>/dev/null; then as_root="sudo -n"; fi
  if { [ "$(id -u)" = 0 ] || [ -n "$as_root" ]; } && command -v apt-get >/dev/null; then
    say "installing $packages (apt-get): $1"
    $as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 &&
      $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >&2 ||
      fail "apt-get install $packages failed"
  else
    fail "libtorch not found ($1): run 'sudo apt-get update && sudo apt-get install -y $packages', or set LIBTORCH=/path/to/libtorch"
  fi
}

find_libtorch() {
  include_dirs="" lib_dir="" abi="" origin=""
  if [ -n "${LIBTORCH:-}" ]; then
    [ -f "$LIBTORCH/include/ATen/ATen.h" ] && [ -f "$LIBTORCH/lib/libc10.so" ] ||
      fail "LIBTORCH=$LIBTORCH does not look like a libtorch folder (include/ATen/ATen.h and lib/libc10.so expected)"
    include_dirs="$LIBTORCH/include;$LIBTORCH/include/torch/csrc/api/include"
    lib_dir="$LIBTORCH/lib" origin="LIBTORCH=$LIBTORCH"
  elif [ "${DEGENERATE_LIBTORCH_USE_PYTORCH:-}" = 1 ]; then
    # A pip PyTorch wheel holds a complete libtorch: headers under torch/include (plus the C++ API's own root
    # torch/include/torch/csrc/api/include), shared libraries under torch/lib, and the CUDA libraries it needs in
    # the nvidia-* wheels that libtorch_cuda.so finds through its own RUNPATH. The folders are read from torch's
    # location rather than from torch.utils.cpp_extension, which imports setuptools (absent from many venvs).
    local py=${DEGENERATE_PYTHON:-python3} info root
    command -v "$py" >/dev/null || fail "DEGENERATE_LIBTORCH_USE_PYTORCH=1 but the interpreter '$py' was not found (set DEGENERATE_PYTHON)"
    info=$("$py" - <<'PY'
import os, torch
abi = torch.compiled_with_cxx11_abi() if hasattr(torch, "compiled_with_cxx11_abi") else torch._C._GLIBCXX_USE_CXX11_ABI
print(os.path.dirname(os.path.abspath(torch.__file__)))
print(int(bool(abi)))
print(torch.__version__)
print(torch.version.cuda or "")
PY
) || fail "DEGENERATE_LIBTORCH_USE_PYTORCH=1 but '$py' could not import torch"
    root=$(sed -n 1p <<<"$info") abi=$(sed -n 2p <<<"$info")
    [ -f "$root/include/ATen/ATen.h" ] && [ -f "$root/lib/libc10.so" ] ||
      fail "PyTorch at $root has no C++ headers or libraries (include/ATen/ATen.h, lib/libc10.so expected)"
    include_dirs="$root/include;$root/include/torch/csrc/api/include" lib_dir="$root/lib"
    origin="PyTorch $(sed -n 3p <<<"$info") from $py"
    local cuda; cuda=$(sed -n 4p <<<"$info")
    if [ -n "$cuda" ]; then
      origin="$origin (CUDA $cuda)"
      [ -f "$lib_dir/libtorch_cuda.so" ] || fail "PyTorch reports CUDA $cuda but $lib_dir/libtorch_cuda.so is missing"
    fi
  else
    if [ ! -f /usr/include/ATen/ATen.h ] || [ ! -f "/usr/lib/$multiarch/libtorch.so" ]; then
      install_packages "no LIBTORCH, no DEGENERATE_LIBTORCH_USE_PYTORCH=1, no system libtorch-dev"
    elif ! system_openblas; then
      install_packages "the system libtorch needs OpenBLAS; Debian's default reference BLAS is ~35x slower"
    elif [ ! -f /usr/include/gloo/algorithm.h ]; then
      # c10d's Gloo headers (distributed training); without them, and without root, the shim builds without it.
      ( install_packages "the Gloo headers (libgloo-dev) are needed for distributed training" ) ||
        say "building without c10d Gloo: distributed training will be unavailable (install libgloo-dev)"
    fi
    command -v cmake >/dev/null && command -v g++ >/dev/null || install_packages "cmake and g++ are needed"
    include_dirs="/usr/include;/usr/include/torch/csrc/api/include"
    lib_dir="/usr/lib/$multiarch" origin="system libtorch (Debian libtorch-dev)"
  fi
  abi=${LIBTORCH_CXX11_ABI:-${abi:-$(abi_of "$lib_dir")}}
}

find_libtorch
command -v cmake >/dev/null || fail "cmake not found: install it (e.g. 'apt-get install -y cmake g++')"

mkdir -p "$out_dir" "$build_dir"
exec 9>"$build_dir/.lock"
flock 9  # concurrent builds (Debug and Release, several test projects) take turns

gloo=$(ls /usr/include/gloo/algorithm.h 2>/dev/null || true)  # installing libgloo-dev later must rebuild the shim
stamp=$( (cat "$here"/*.cpp "$here"/*.h "$here/CMakeLists.txt" "$here/build.sh"; echo "$include_dirs|$lib_dir|$abi|$gloo") | sha256sum | cut -c1-16)
if [ -f "$out_dir/libdegenerate_native.so" ] && [ "$(cat "$out_dir/.stamp" 2>/dev/null)" = "$stamp" ]; then
  exit 0  # up to date: no cmake run
fi

say "building against $origin (lib: $lib_dir, C++11 ABI: $abi)"
generator=()
if [ ! -f "$build_dir/CMakeCache.txt" ] && ! command -v make >/dev/null && command -v ninja >/dev/null; then
  generator=(-G Ninja)  # GPU images often carry ninja (pip) but no make
fi
cmake "${generator[@]}" -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DTORCH_INCLUDE_DIRS="$include_dirs" \
  -DTORCH_LIB_DIR="$lib_dir" -DTORCH_CXX11_ABI="$abi" >"$build_dir/cmake.log" 2>&1 ||
  { cat "$build_dir/cmake.log" >&2; fail "cmake configure failed (log above)"; }
cmake --build "$build_dir" -j "$(nproc)" >&2 || fail "compiling the native shim failed (errors above)"
if [ -f "$lib_dir/libtorch_cuda.so" ]; then
  # libtorch_cuda must be a direct dependency, or CUDA's kernels never register (see CMakeLists.txt).
  grep -q libtorch_cuda.so "$build_dir/libdegenerate_native.so" ||
    fail "the shim was linked without libtorch_cuda.so although $lib_dir has it: CUDA would be unavailable"
  origin="$origin, CUDA linked"
fi
cp "$build_dir/libdegenerate_native.so" "$out_dir/libdegenerate_native.so.tmp"
mv "$out_dir/libdegenerate_native.so.tmp" "$out_dir/libdegenerate_native.so"
echo "$stamp" >"$out_dir/.stamp"
echo "$origin" >"$out_dir/libtorch.txt"
