// Gradient bookkeeping: requires_grad, backward, reading and clearing .grad, and torch::autograd::grad.
#include <torch/csrc/autograd/autograd.h>

#include "shim.h"

using dg::give;
using dg::T;

extern "C" {

dg_status dg_set_requires_grad(dg_tensor t, int32_t requires_grad) {
  return dg::guard([&] { T(t).set_requires_grad(requires_grad != 0); });
}

dg_status dg_requires_grad(dg_tensor t, int32_t* out) {
  return dg::guard([&] { *out = T(t).requires_grad() ? 1 : 0; });
}

dg_status dg_backward(dg_tensor t) {
  return dg::guard([&] { T(t).backward(); });
}

dg_status dg_grad(dg_tensor t, dg_tensor* out) {
  return dg::guard([&] { *out = give(T(t).grad()); });
}

dg_status dg_clear_grad(dg_tensor t) {
  return dg::guard([&] { T(t).mutable_grad().reset(); });
}

dg_status dg_autograd_grad(dg_tensor output, const dg_tensor* inputs, int32_t n, int32_t create_graph,
                           dg_tensor* outs) {
  return dg::guard([&] {
    std::vector<at::Tensor> in;
    in.reserve(n);
    for (int32_t i = 0; i < n; ++i) in.push_back(T(inputs[i]));
    auto grads = torch::autograd::grad({T(output)}, in, {}, /*retain_graph=*/c10::nullopt, create_graph != 0,
                                       /*allow_unused=*/true);
    for (int32_t i = 0; i < n; ++i) outs[i] = give(grads[i]);
  });
}

}  // extern "C"
