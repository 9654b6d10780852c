// Process-wide settings of the engine: version, devices, threads, seeding, grad mode.
#include <ATen/Parallel.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/csrc/api/include/torch/version.h>
#include <c10/core/GradMode.h>

#include "shim.h"

extern "C" {

const char* dg_torch_version(void) { return TORCH_VERSION; }

int32_t dg_cuda_device_count(void) {
  // Never throws: a CPU-only build simply has no CUDA hooks.
  try {
    if (!at::globalContext().hasCUDA()) return 0;
    return static_cast<int32_t>(at::detail::getCUDAHooks().getNumGPUs());
  } catch (...) {
    return 0;
  }
}

int32_t dg_cuda_runtime_version(void) {
  // The base hooks (a libtorch without CUDA) throw here; a CUDA build answers CUDART_VERSION, e.g. 12080.
  try {
    return static_cast<int32_t>(at::detail::getCUDAHooks().versionCUDART());
  } catch (...) {
    return 0;
  }
}

dg_status dg_cuda_synchronize(int32_t device_index) {
  return dg::guard([&] { at::detail::getCUDAHooks().deviceSynchronize(device_index); });
}

int32_t dg_get_num_threads(void) { return at::get_num_threads(); }

dg_status dg_set_num_threads(int32_t n) { return dg::guard([&] { at::set_num_threads(n); }); }

dg_status dg_manual_seed(uint64_t seed) {
  // Seeds the CPU generator and, when present, every CUDA generator.
  return dg::guard([&] { at::manual_seed(seed); });
}

dg_status dg_set_grad_enabled(int32_t enabled, int32_t* previous) {
  return dg::guard([&] {
    *previous = c10::GradMode::is_enabled() ? 1 : 0;
    c10::GradMode::set_enabled(enabled != 0);
  });
}

dg_status dg_set_float32_matmul_precision(int32_t level) {
  return dg::guard([&] { at::globalContext().setAllowTF32CuBLAS(level != 0); });
}

}  // extern "C"
