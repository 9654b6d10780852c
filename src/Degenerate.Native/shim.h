// Internal helpers shared by the shim's .cpp files (not part of the C ABI).
#pragma once

#include <ATen/ATen.h>
#include <torch/csrc/autograd/generated/variable_factories.h>

#include <exception>
#include <string>
#include <vector>

#include "degenerate.h"

namespace dg {

void set_error(const std::string& message);

// Runs f and turns every C++ exception into a status code plus a per-thread message, so that no exception ever
// crosses the C ABI. c10::Error is reported without its C++ backtrace: the message is what a user needs.
template <class F>
dg_status guard(F&& f) noexcept {
  try {
    f();
    return 0;
  } catch (const c10::Error& e) {
    set_error(e.what_without_backtrace());
  } catch (const std::exception& e) {
    set_error(e.what());
  } catch (...) {
    set_error("unknown C++ exception in libtorch");
  }
  return 1;
}

inline at::Tensor& T(dg_tensor t) {
  if (t == nullptr) throw std::invalid_argument("null tensor handle");
  return *static_cast<at::Tensor*>(t);
}

// Hands a tensor to the caller as an owned handle; undefined tensors become NULL.
inline dg_tensor give(at::Tensor t) { return t.defined() ? new at::Tensor(std::move(t)) : nullptr; }

at::ScalarType scalar_type(int32_t code);
int32_t dtype_code(at::ScalarType t);
at::Device device(int32_t type, int32_t index);
at::TensorOptions options(int32_t dtype, int32_t device_type, int32_t device_index);
std::vector<int64_t> dims(const int64_t* d, int32_t n);

}  // namespace dg
