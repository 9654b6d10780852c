// Optimizers with Keras's exact update rules (epsilon placement, accumulator start), run natively so that one
// call updates every parameter. libtorch's own torch::optim classes use PyTorch's formulas, which differ.
#include <cmath>
#include <memory>

#include "optimizer.h"
#include "shim.h"

using dg::T;

using dg::Optimizer;

extern "C" {

dg_status dg_optimizer_create(int32_t kind, const double* hyper, int32_t nhyper, const dg_tensor* params,
                              int32_t nparams, dg_optimizer* out) {
  return dg::guard([&] {
    if (kind < DG_OPT_SGD || kind > DG_OPT_ADAGRAD)
      throw std::invalid_argument("unknown optimizer kind " + std::to_string(kind));
    auto opt = std::make_unique<Optimizer>();
    opt->kind = kind;
    opt->hyper.assign(hyper, hyper + nhyper);
    at::NoGradGuard no_grad;
    for (int32_t i = 0; i < nparams; ++i) {
      const auto& p = T(params[i]);
      opt->params.push_back(p);
      const double init = kind == DG_OPT_ADAGRAD ? opt->h(0, 0.1) : 0.0;
      opt->slot1.push_back(at::full_like(p, init, at::MemoryFormat::Contiguous));
      opt->slot2.push_back(at::zeros_like(p, at::MemoryFormat::Contiguous));
      opt->slot3.push_back(at::zeros_like(p, at::MemoryFormat::Contiguous));
    }
    *out = opt.release();
  });
}

void dg_optimizer_free(dg_optimizer opt) { delete static_cast<Optimizer*>(opt); }

dg_status dg_optimizer_step(dg_optimizer opt, double lr, double clipnorm, double clipvalue) {
  return dg::guard([&] {
    if (opt == nullptr) throw std::invalid_argument("null optimizer handle");
    static_cast<Optimizer*>(opt)->step(lr, clipnorm, clipvalue);
  });
}

dg_status dg_optimizer_iterations(dg_optimizer opt, int64_t* out) {
  return dg::guard([&] { *out = static_cast<Optimizer*>(opt)->iterations; });
}

// The state a saved model carries: slot k (0..2) of parameter i as a new handle aliasing the optimizer's own tensor (so
// writing into it restores the state), and the step count.
dg_status dg_optimizer_slot(dg_optimizer opt, int32_t param, int32_t slot, dg_tensor* out) {
  return dg::guard([&] {
    if (opt == nullptr) throw std::invalid_argument("null optimizer handle");
    auto* o = static_cast<Optimizer*>(opt);
    if (param < 0 || static_cast<size_t>(param) >= o->params.size())
      throw std::out_of_range("optimizer parameter index " + std::to_string(param) + " out of range");
    if (slot < 0 || slot > 2) throw std::out_of_range("optimizer slot " + std::to_string(slot) + " out of range 0..2");
    auto& slots = slot == 0 ? o->slot1 : slot == 1 ? o->slot2 : o->slot3;
    *out = dg::give(slots[param]);
  });
}

dg_status dg_optimizer_set_iterations(dg_optimizer opt, int64_t iterations) {
  return dg::guard([&] {
    if (opt == nullptr) throw std::invalid_argument("null optimizer handle");
    if (iterations < 0) throw std::invalid_argument("iterations must be >= 0, got " + std::to_string(iterations));
    static_cast<Optimizer*>(opt)->iterations = iterations;
  });
}

}  // extern "C"
