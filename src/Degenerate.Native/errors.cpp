// The per-thread message of the last failed call, and the conversions every other file shares.
#include "shim.h"

namespace {
thread_local std::string last_error;
}

namespace dg {

void set_error(const std::string& message) { last_error = message; }

at::ScalarType scalar_type(int32_t code) {
  switch (code) {
    case DG_FLOAT32: return at::kFloat;
    case DG_FLOAT64: return at::kDouble;
    case DG_INT64: return at::kLong;
    case DG_INT32: return at::kInt;
    case DG_BOOL: return at::kBool;
    case DG_BFLOAT16: return at::kBFloat16;
    case DG_FLOAT16: return at::kHalf;
  }
  throw std::invalid_argument("unknown dtype code " + std::to_string(code));
}

int32_t dtype_code(at::ScalarType t) {
  switch (t) {
    case at::kFloat: return DG_FLOAT32;
    case at::kDouble: return DG_FLOAT64;
    case at::kLong: return DG_INT64;
    case at::kInt: return DG_INT32;
    case at::kBool: return DG_BOOL;
    case at::kBFloat16: return DG_BFLOAT16;
    case at::kHalf: return DG_FLOAT16;
    default: throw std::invalid_argument(std::string("unsupported dtype ") + c10::toString(t));
  }
}

at::Device device(int32_t type, int32_t index) {
  if (type == DG_CPU) return at::Device(at::kCPU);
  if (type == DG_CUDA) return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
  throw std::invalid_argument("unknown device type code " + std::to_string(type));
}

at::TensorOptions options(int32_t dtype, int32_t device_type, int32_t device_index) {
  return at::TensorOptions().dtype(scalar_type(dtype)).device(device(device_type, device_index));
}

std::vector<int64_t> dims(const int64_t* d, int32_t n) {
  if (n < 0 || n > DG_MAX_DIMS) throw std::invalid_argument("bad number of dimensions " + std::to_string(n));
  return std::vector<int64_t>(d, d + n);
}

}  // namespace dg

extern "C" const char* dg_last_error(void) { return last_error.c_str(); }
