// The training plan's arithmetic on raw row-major buffers: small GEMMs, activations and their derivatives, the
// Keras-formula optimizer updates, the softmax/cross-entropy head and the gradient adjustments (regularizers,
// clipping, weight decay). Included by plan.cpp only, which composes them into an epoch.
#pragma once

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "optimizer.h"
#include "shim.h"

using dg::T;

namespace {

constexpr int64_t kBlasWork = 1 << 15;
constexpr int64_t kPrefetch = 8;

template <class S>
at::Tensor view(S* data, int64_t rows, int64_t cols) {
  return at::from_blob(data, {rows, cols}, at::TensorOptions().dtype(c10::CppTypeToScalarType<S>::value));
}

// c[m×n] = a[m×k] · b[k×n] (all row-major, contiguous); with trans_a: a is stored [k×m]; with trans_b: b is [n×k].
template <class S>
void gemm(const S* a, const S* b, S* c, int64_t m, int64_t k, int64_t n, bool trans_a, bool trans_b) {
  if (m * k * n > kBlasWork) {
    auto A = trans_a ? view(const_cast<S*>(a), k, m).t() : view(const_cast<S*>(a), m, k);
    auto B = trans_b ? view(const_cast<S*>(b), n, k).t() : view(const_cast<S*>(b), k, n);
    auto C = view(c, m, n);
    at::mm_out(C, A, B);
    return;
  }
  // Dot products with four running sums (independent chains, so the adds overlap); each sum stays in a register.
  const int64_t as_i = trans_a ? 1 : k, as_p = trans_a ? m : 1;
  const int64_t bs_p = trans_b ? 1 : n, bs_j = trans_b ? k : 1;
  for (int64_t i = 0; i < m; ++i) {
    const S* ai = a + i * as_i;
    for (int64_t j = 0; j < n; ++j) {
      const S* bj = b + j * bs_j;
      S s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int64_t p = 0;
      for (; p + 4 <= k; p += 4) {
        s0 += ai[p * as_p] * bj[p * bs_p];
        s1 += ai[(p + 1) * as_p] * bj[(p + 1) * bs_p];
        s2 += ai[(p + 2) * as_p] * bj[(p + 2) * bs_p];
        s3 += ai[(p + 3) * as_p] * bj[(p + 3) * bs_p];
      }
      for (; p < k; ++p) s0 += ai[p * as_p] * bj[p * bs_p];
      c[i * n + j] = (s0 + s1) + (s2 + s3);
    }
  }
}

template <class S>
S sigmoid(S z) {
  return S(1) / (S(1) + std::exp(-z));  // libtorch's formula (exp(-z) = inf gives 0, as it should)
}

template <class S>
void activate(int32_t act, const S* z, S* a, int64_t n) {
  switch (act) {
    case DG_ACT_LINEAR: std::copy(z, z + n, a); break;
    case DG_ACT_SIGMOID: for (int64_t i = 0; i < n; ++i) a[i] = sigmoid(z[i]); break;
    case DG_ACT_RELU: for (int64_t i = 0; i < n; ++i) a[i] = z[i] > 0 ? z[i] : S(0); break;
    case DG_ACT_TANH: for (int64_t i = 0; i < n; ++i) a[i] = std::tanh(z[i]); break;
    default: throw std::invalid_argument("activation " + std::to_string(act) + " is not supported by training plans");
  }
}

// d *= act'(z), with a = act(z) already computed.
template <class S>
void activation_backward(int32_t act, const S* z, const S* a, S* d, int64_t n) {
  switch (act) {
    case DG_ACT_LINEAR: break;
    case DG_ACT_SIGMOID: for (int64_t i = 0; i < n; ++i) d[i] *= a[i] * (S(1) - a[i]); break;
    case DG_ACT_RELU: for (int64_t i = 0; i < n; ++i) d[i] = z[i] > 0 ? d[i] : S(0); break;
    case DG_ACT_TANH: for (int64_t i = 0; i < n; ++i) d[i] *= S(1) - a[i] * a[i]; break;
    default: throw std::invalid_argument("activation " + std::to_string(act) + " is not supported by training plans");
  }
}

// Keras-formula updates on raw memory (the same formulas as Optimizer::step in optimizer.h).
template <class S>
void update(dg::Optimizer& opt, size_t i, const S* g, double lr) {
  S* p = opt.params[i].data_ptr<S>();
  const int64_t n = opt.params[i].numel();
  S* s1 = opt.slot1[i].data_ptr<S>();
  S* s2 = opt.slot2[i].data_ptr<S>();
  S* s3 = opt.slot3[i].data_ptr<S>();
  const double t = static_cast<double>(opt.iterations);
  switch (opt.kind) {
    case DG_OPT_SGD: {
      const S momentum = S(opt.h(0, 0.0));
      const bool nesterov = opt.h(1, 0.0) != 0.0;
      const S slr = S(lr);
      if (momentum == S(0)) {
        for (int64_t j = 0; j < n; ++j) p[j] -= slr * g[j];
      } else {
        for (int64_t j = 0; j < n; ++j) {
          s1[j] = s1[j] * momentum - slr * g[j];
          p[j] = nesterov ? (p[j] + momentum * s1[j]) - slr * g[j] : p[j] + s1[j];
        }
      }
      break;
    }
    case DG_OPT_ADAM: {
      const double b1 = opt.h(0, 0.9), b2 = opt.h(1, 0.999), eps = opt.h(2, 1e-7);
      const bool amsgrad = opt.h(3, 0.0) != 0.0;
      const S alpha = S(lr * std::sqrt(1.0 - std::pow(b2, t)) / (1.0 - std::pow(b1, t)));
      const S w1 = S(1.0 - b1), sb2 = S(b2), w2 = S(1.0 - b2), seps = S(eps);
      for (int64_t j = 0; j < n; ++j) {
        s1[j] = s1[j] + w1 * (g[j] - s1[j]);
        s2[j] = s2[j] * sb2 + w2 * (g[j] * g[j]);
        S v = s2[j];
        if (amsgrad) {
          s3[j] = std::max(s3[j], v);
          v = s3[j];
        }
        p[j] -= alpha * (s1[j] / (std::sqrt(v) + seps));
      }
      break;
    }
    case DG_OPT_RMSPROP: {
      const S rho = S(opt.h(0, 0.9)), momentum = S(opt.h(1, 0.0)), eps = S(opt.h(2, 1e-7));
      const bool centered = opt.h(3, 0.0) != 0.0;
      const S slr = S(lr);
      for (int64_t j = 0; j < n; ++j) {
        s1[j] = s1[j] * rho + (S(1) - rho) * (g[j] * g[j]);
        S denom;
        if (centered) {
          s3[j] = s3[j] * rho + (S(1) - rho) * g[j];
          denom = s1[j] - s3[j] * s3[j] + eps;
        } else {
          denom = s1[j] + eps;
        }
        const S increment = g[j] * slr / std::sqrt(denom);
        if (momentum > 0) {
          s2[j] = s2[j] * momentum + increment;
          p[j] -= s2[j];
        } else {
          p[j] -= increment;
        }
      }
      break;
    }
    case DG_OPT_ADAGRAD: {
      const S eps = S(opt.h(1, 1e-7)), slr = S(lr);
      for (int64_t j = 0; j < n; ++j) {
        s1[j] += g[j] * g[j];
        p[j] -= slr * (g[j] / std::sqrt(s1[j] + eps));
      }
      break;
    }
    default: throw std::invalid_argument("unknown optimizer kind " + std::to_string(opt.kind));
  }
}

// Row-wise softmax of m rows of width n, in place: exp(z − max) / Σ.
template <class S>
void softmax_rows(S* z, int64_t m, int64_t n) {
  for (int64_t r = 0; r < m; ++r) {
    S* row = z + r * n;
    S mx = row[0];
    for (int64_t j = 1; j < n; ++j) mx = std::max(mx, row[j]);
    S sum = 0;
    for (int64_t j = 0; j < n; ++j) {
      row[j] = std::exp(row[j] - mx);
      sum += row[j];
    }
    for (int64_t j = 0; j < n; ++j) row[j] /= sum;
  }
}

// Categorical cross-entropy on logits, −Σ_j y_j·log_softmax(z)_j per row: writes d = ∂(mean over the batch of
// w·loss)/∂z in autograd's order (mean, weight, negation, y, then log_softmax's backward g − exp(logP)·Σg) and
// returns Σ_r w_r·loss_r.
template <class S>
double softmax_cce(const S* z, const S* y, const S* w, S* d, int64_t n, int64_t classes) {
  double total = 0;
  for (int64_t r = 0; r < n; ++r) {
    const S* zr = z + r * classes;
    const S* yr = y + r * classes;
    S* dr = d + r * classes;
    S mx = zr[0];
    for (int64_t j = 1; j < classes; ++j) mx = std::max(mx, zr[j]);
    S sum = 0;
    for (int64_t j = 0; j < classes; ++j) sum += std::exp(zr[j] - mx);
    const S lse = std::log(sum);
    const S upstream = -((S(1) / S(n)) * w[r]);
    S per_sample = 0, grad_sum = 0;
    for (int64_t j = 0; j < classes; ++j) {
      const S log_p = zr[j] - mx - lse;
      per_sample += yr[j] * log_p;
      dr[j] = log_p;
      grad_sum += upstream * yr[j];
    }
    for (int64_t j = 0; j < classes; ++j) dr[j] = upstream * yr[j] - std::exp(dr[j]) * grad_sum;
    total += static_cast<double>(-per_sample * w[r]);
  }
  return total;
}

// The steps between the backward pass and the update (dg_plan_options), as Optimizer.Step and the op-by-op loop
// order them. Returns the regularizers' penalty at the weights before the update.
template <class S>
double adjust_gradients(dg::Optimizer& opt, const dg_plan_options& o, std::vector<std::vector<S>>& grads, double lr) {
  double penalty = 0;
  for (size_t i = 0; i < grads.size(); ++i) {
    const double l1 = o.l1 ? o.l1[i] : 0.0, l2 = o.l2 ? o.l2[i] : 0.0;
    if (l1 == 0 && l2 == 0) continue;
    const S* p = opt.params[i].data_ptr<S>();
    S* g = grads[i].data();
    const S f1 = S(l1), f2 = S(l2);
    double abs_sum = 0, squares = 0;
    for (size_t j = 0; j < grads[i].size(); ++j) {
      const S v = p[j];
      abs_sum += static_cast<double>(std::abs(v));
      squares += static_cast<double>(v * v);
      // Autograd's terms: abs backward is sign(p) (0 at 0), square backward 2p, each times its factor.
      if (l1 != 0) g[j] += f1 * S((v > 0) - (v < 0));
      if (l2 != 0) g[j] += f2 * (S(2) * v);
    }
    penalty += l1 * abs_sum + l2 * squares;
  }
  if (o.global_clipnorm > 0) {
    double squares = 0;
    for (const auto& g : grads)
      for (S v : g) squares += static_cast<double>(v * v);
    const S scale = S(o.global_clipnorm / std::max(std::sqrt(squares), o.global_clipnorm));
    for (auto& g : grads)
      for (S& v : g) v *= scale;
  }
  if (o.weight_decay > 0) {
    const S decay = S(o.weight_decay * lr);
    for (size_t i = 0; i < opt.params.size(); ++i) {
      if (o.decays != nullptr && o.decays[i] == 0) continue;  // excluded from weight decay
      auto& t = opt.params[i];
      S* p = t.data_ptr<S>();
      for (int64_t j = 0, n = t.numel(); j < n; ++j) p[j] -= p[j] * decay;
    }
  }
  if (o.clipvalue > 0) {
    const S hi = S(o.clipvalue);
    for (auto& g : grads)
      for (S& v : g) v = std::min(std::max(v, -hi), hi);
  }
  if (o.clipnorm > 0) {
    for (auto& g : grads) {
      double squares = 0;
      for (S v : g) squares += static_cast<double>(v * v);
      const S scale = S(o.clipnorm / std::max(std::sqrt(squares), o.clipnorm));
      for (S& v : g) v *= scale;
    }
  }
  return penalty;
}

}  // namespace
