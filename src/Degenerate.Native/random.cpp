// Random tensors from libtorch's default generators (seeded by dg_manual_seed).
#include "shim.h"

using dg::give;

extern "C" {

dg_status dg_rand_uniform(const int64_t* dims, int32_t ndim, double low, double high, int32_t dtype,
                          int32_t device_type, int32_t device_index, dg_tensor* out) {
  return dg::guard([&] {
    auto t = at::empty(dg::dims(dims, ndim), dg::options(dtype, device_type, device_index));
    t.uniform_(low, high);
    *out = give(t);
  });
}

dg_status dg_rand_normal(const int64_t* dims, int32_t ndim, double mean, double std, int32_t dtype,
                         int32_t device_type, int32_t device_index, dg_tensor* out) {
  return dg::guard([&] {
    auto t = at::empty(dg::dims(dims, ndim), dg::options(dtype, device_type, device_index));
    t.normal_(mean, std);
    *out = give(t);
  });
}

dg_status dg_randperm(int64_t n, int32_t device_type, int32_t device_index, dg_tensor* out) {
  return dg::guard([&] { *out = give(at::randperm(n, dg::options(DG_INT64, device_type, device_index))); });
}

}  // extern "C"
