// Tensor creation from host memory, inspection, conversion and copying back to host memory.
#include <cstring>

#include "shim.h"

using dg::give;
using dg::T;

namespace {

// One pass, no temporaries: v - v is 0 for every finite value and NaN for NaN and ±inf. (at::isfinite builds several
// full-size temporaries; Fit checks every input with this, so it runs once per Fit over the whole data.)
template <class S>
bool all_finite(const S* v, int64_t n) {
  int bad = 0;
  for (int64_t i = 0; i < n; ++i) bad |= !(v[i] - v[i] == S(0));
  return bad == 0;
}

}  // namespace

extern "C" {

void dg_tensor_free(dg_tensor t) { delete static_cast<at::Tensor*>(t); }

dg_status dg_tensor_from_data(const void* data, const int64_t* dims, int32_t ndim, int32_t dtype,
                              int32_t device_type, int32_t device_index, dg_tensor* out) {
  return dg::guard([&] {
    auto shape = dg::dims(dims, ndim);
    auto cpu = at::empty(shape, at::TensorOptions().dtype(dg::scalar_type(dtype)));
    // One bulk copy from the caller's buffer, then at most one transfer to the device.
    if (cpu.numel() > 0) std::memcpy(cpu.data_ptr(), data, cpu.nbytes());
    *out = give(device_type == DG_CPU ? cpu : cpu.to(dg::device(device_type, device_index)));
  });
}

dg_status dg_tensor_copy_out(dg_tensor t, void* dst, int64_t nbytes) {
  return dg::guard([&] {
    auto cpu = T(t).detach().to(at::kCPU).contiguous();
    if (static_cast<int64_t>(cpu.nbytes()) != nbytes)
      throw std::invalid_argument("copy_out: tensor has " + std::to_string(cpu.nbytes()) + " bytes, buffer " +
                                  std::to_string(nbytes));
    if (nbytes > 0) std::memcpy(dst, cpu.data_ptr(), nbytes);
  });
}

// The data of a contiguous CPU tensor, for kernels that work on its memory in place (the managed training plan).
dg_status dg_tensor_data_ptr(dg_tensor t, void** out) {
  return dg::guard([&] {
    auto& x = T(t);
    if (x.is_cuda() || x.device().type() != at::kCPU)
      throw std::invalid_argument("data_ptr: the tensor is on " + x.device().str() + ", not the CPU");
    if (!x.is_contiguous()) throw std::invalid_argument("data_ptr: the tensor is not contiguous");
    *out = x.data_ptr();
  });
}

dg_status dg_tensor_info(dg_tensor t, int32_t* dtype, int32_t* ndim, int64_t* dims, int32_t* device_type,
                         int32_t* device_index) {
  return dg::guard([&] {
    auto& x = T(t);
    if (x.dim() > DG_MAX_DIMS) throw std::invalid_argument("tensor has too many dimensions");
    *dtype = dg::dtype_code(x.scalar_type());
    *ndim = static_cast<int32_t>(x.dim());
    for (int64_t i = 0; i < x.dim(); ++i) dims[i] = x.size(i);
    *device_type = x.is_cuda() ? DG_CUDA : DG_CPU;
    *device_index = x.is_cuda() ? x.device().index() : -1;
  });
}

dg_status dg_tensor_item(dg_tensor t, double* out) {
  return dg::guard([&] { *out = T(t).item<double>(); });
}

dg_status dg_tensor_full(const int64_t* dims, int32_t ndim, double value, int32_t dtype, int32_t device_type,
                         int32_t device_index, dg_tensor* out) {
  return dg::guard([&] {
    *out = give(at::full(dg::dims(dims, ndim), value, dg::options(dtype, device_type, device_index)));
  });
}

dg_status dg_tensor_arange(int64_t n, int32_t dtype, int32_t device_type, int32_t device_index, dg_tensor* out) {
  return dg::guard([&] { *out = give(at::arange(n, dg::options(dtype, device_type, device_index))); });
}

dg_status dg_tensor_eye(int64_t n, int32_t dtype, int32_t device_type, int32_t device_index, dg_tensor* out) {
  return dg::guard([&] { *out = give(at::eye(n, dg::options(dtype, device_type, device_index))); });
}

dg_status dg_tensor_to(dg_tensor t, int32_t dtype, int32_t device_type, int32_t device_index, dg_tensor* out) {
  return dg::guard([&] {
    *out = give(T(t).to(dg::device(device_type, device_index), dg::scalar_type(dtype)));
  });
}

dg_status dg_tensor_clone(dg_tensor t, dg_tensor* out) {
  return dg::guard([&] { *out = give(T(t).clone()); });
}

dg_status dg_tensor_detach(dg_tensor t, dg_tensor* out) {
  return dg::guard([&] { *out = give(T(t).detach()); });
}

dg_status dg_tensor_alias(dg_tensor t, dg_tensor* out) {
  return dg::guard([&] { *out = give(T(t)); });
}

dg_status dg_tensor_all_finite(dg_tensor t, int32_t* out) {
  return dg::guard([&] {
    auto& x = T(t);
    if (!x.is_floating_point() || x.numel() == 0) {
      *out = 1;
    } else if (x.device().is_cpu() && x.is_contiguous() && x.scalar_type() == at::kFloat) {
      *out = all_finite(x.data_ptr<float>(), x.numel()) ? 1 : 0;
    } else if (x.device().is_cpu() && x.is_contiguous() && x.scalar_type() == at::kDouble) {
      *out = all_finite(x.data_ptr<double>(), x.numel()) ? 1 : 0;
    } else {
      *out = at::isfinite(x.detach()).all().item<bool>() ? 1 : 0;
    }
  });
}

dg_status dg_tensor_equal(dg_tensor a, dg_tensor b, int32_t* out) {
  return dg::guard([&] { *out = at::equal(T(a), T(b)) ? 1 : 0; });
}

}  // extern "C"
