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

dg_status dg_autograd_hessian(dg_tensor output, const dg_tensor* inputs, int32_t n, dg_tensor* gradient,
                              dg_tensor* hessian) {
  return dg::guard([&] {
    std::vector<at::Tensor> in;
    in.reserve(n);
    for (int32_t i = 0; i < n; ++i) in.push_back(T(inputs[i]));
    auto grads = torch::autograd::grad({T(output)}, in, {}, /*retain_graph=*/true, /*create_graph=*/true,
                                       /*allow_unused=*/true);
    std::vector<at::Tensor> flat;
    for (int32_t i = 0; i < n; ++i)
      flat.push_back(grads[i].defined() ? grads[i].reshape({-1}) : at::zeros({in[i].numel()}, in[i].options()));
    auto g = at::cat(flat);
    const int64_t size = g.numel();
    auto h = at::zeros({size, size}, g.options().requires_grad(false));
    // One backward pass per row of the Hessian; the graph of g is kept for the next row.
    for (int64_t r = 0; r < size; ++r) {
      if (!g[r].requires_grad())
        throw std::invalid_argument(
            "the loss has no second derivative with respect to the parameters (an operation in it is not twice "
            "differentiable in libtorch, or the loss is linear in them)");
      auto row = torch::autograd::grad({g[r]}, in, {}, /*retain_graph=*/true, /*create_graph=*/false, true);
      int64_t offset = 0;
      for (int32_t i = 0; i < n; ++i) {
        const int64_t len = in[i].numel();
        if (row[i].defined()) h[r].narrow(0, offset, len).copy_(row[i].reshape({-1}));
        offset += len;
      }
    }
    *gradient = give(g.detach());
    *hessian = give(h);
  });
}

}  // extern "C"
