// Dense linear algebra used by the exact (Newton) solvers and the statistics.
#include "shim.h"

using dg::give;
using dg::T;

extern "C" {

dg_status dg_cholesky(dg_tensor a, dg_tensor* out, int32_t* info) {
  return dg::guard([&] {
    auto result = at::linalg_cholesky_ex(T(a));
    *info = std::get<1>(result).item<int32_t>();
    *out = give(std::get<0>(result));
  });
}

dg_status dg_cholesky_solve(dg_tensor b, dg_tensor l, dg_tensor* out) {
  return dg::guard([&] { *out = give(at::cholesky_solve(T(b), T(l))); });
}

dg_status dg_cholesky_inverse(dg_tensor l, dg_tensor* out) {
  return dg::guard([&] { *out = give(at::cholesky_inverse(T(l))); });
}

dg_status dg_solve(dg_tensor a, dg_tensor b, dg_tensor* out) {
  return dg::guard([&] { *out = give(at::linalg_solve(T(a), T(b))); });
}

dg_status dg_pinv(dg_tensor a, dg_tensor* out) {
  return dg::guard([&] { *out = give(at::linalg_pinv(T(a))); });
}

dg_status dg_matrix_rank(dg_tensor a, double rtol, int64_t* out) {
  return dg::guard([&] {
    *out = at::linalg_matrix_rank(T(a), c10::optional<double>(0.0), c10::optional<double>(rtol), false)
               .item<int64_t>();
  });
}

dg_status dg_eigvalsh(dg_tensor a, dg_tensor* out) {
  return dg::guard([&] { *out = give(at::linalg_eigvalsh(T(a))); });
}

dg_status dg_diag(dg_tensor a, dg_tensor* out) {
  return dg::guard([&] { *out = give(at::diag(T(a))); });
}

}  // extern "C"
