// The optimizer state behind a dg_optimizer (internal to the shim): optim.cpp steps it from the parameters' .grad,
// plan.cpp steps it from gradients it computes itself, so both paths share one set of moments and one step count.
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "shim.h"

namespace dg {

struct Optimizer {
  int32_t kind;
  std::vector<double> hyper;
  std::vector<at::Tensor> params;
  std::vector<at::Tensor> slot1, slot2, slot3;  // per-parameter state (momentum, velocity, ...)
  int64_t iterations = 0;

  double h(size_t i, double fallback) const { return i < hyper.size() ? hyper[i] : fallback; }

  void step(double lr, double clipnorm, double clipvalue) {
    at::NoGradGuard no_grad;
    ++iterations;
    const double t = static_cast<double>(iterations);
    for (size_t i = 0; i < params.size(); ++i) {
      auto& p = params[i];
      at::Tensor g = p.grad();
      if (!g.defined()) continue;
      if (clipvalue > 0) g = g.clamp(-clipvalue, clipvalue);
      if (clipnorm > 0) {
        auto norm = g.norm();
        g = g * (clipnorm / at::maximum(norm, at::full({}, clipnorm, norm.options())));
      }
      switch (kind) {
        case DG_OPT_SGD: {
          const double momentum = h(0, 0.0);
          const bool nesterov = h(1, 0.0) != 0.0;
          if (momentum == 0.0) {
            p.sub_(g, lr);
          } else {
            auto& vel = slot1[i];
            vel.mul_(momentum).sub_(g, lr);  // vel = momentum * vel - lr * g
            if (nesterov) {
              p.add_(vel, momentum).sub_(g, lr);
            } else {
              p.add_(vel);
            }
          }
          break;
        }
        case DG_OPT_ADAM: {
          const double b1 = h(0, 0.9), b2 = h(1, 0.999), eps = h(2, 1e-7);
          const bool amsgrad = h(3, 0.0) != 0.0;
          const double alpha = lr * std::sqrt(1.0 - std::pow(b2, t)) / (1.0 - std::pow(b1, t));
          auto& m = slot1[i];
          auto& v = slot2[i];
          m.lerp_(g, 1.0 - b1);                  // m += (g - m) * (1 - b1)
          v.mul_(b2).addcmul_(g, g, 1.0 - b2);   // v += (g^2 - v) * (1 - b2)
          at::Tensor denom;
          if (amsgrad) {
            auto& vhat = slot3[i];
            at::maximum_out(vhat, vhat, v);
            denom = vhat.sqrt().add_(eps);
          } else {
            denom = v.sqrt().add_(eps);
          }
          p.addcdiv_(m, denom, -alpha);
          break;
        }
        case DG_OPT_RMSPROP: {
          const double rho = h(0, 0.9), momentum = h(1, 0.0), eps = h(2, 1e-7);
          const bool centered = h(3, 0.0) != 0.0;
          auto& vel = slot1[i];
          vel.mul_(rho).addcmul_(g, g, 1.0 - rho);
          at::Tensor denom;
          if (centered) {
            auto& avg = slot3[i];
            avg.mul_(rho).add_(g, 1.0 - rho);
            denom = vel - avg.square() + eps;
          } else {
            denom = vel + eps;
          }
          auto increment = g * lr / denom.sqrt_();
          if (momentum > 0) {
            auto& mom = slot2[i];
            mom.mul_(momentum).add_(increment);
            p.sub_(mom);
          } else {
            p.sub_(increment);
          }
          break;
        }
        case DG_OPT_ADAGRAD: {
          const double eps = h(1, 1e-7);
          auto& acc = slot1[i];
          acc.addcmul_(g, g);
          p.addcdiv_(g, (acc + eps).sqrt_(), -lr);
          break;
        }
        default: throw std::invalid_argument("unknown optimizer kind " + std::to_string(kind));
      }
      p.mutable_grad().reset();
    }
  }
};

}  // namespace dg
