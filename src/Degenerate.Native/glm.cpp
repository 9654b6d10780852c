// Exact solvers for generalized linear models: one pass over the design computes the score Xᵀ(w·∂ℓ/∂η) and the
// information XᵀWX together, in float64, chunk by chunk (no weighted copy of the whole design), with the chunks
// shared among libtorch's threads; Newton (Fisher scoring for non-canonical links, which is IRLS) solves with
// Cholesky and falls back to least squares when the information is not positive definite.
#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "shim.h"

using dg::give;
using dg::T;

namespace {

struct Pass {
  at::Tensor score;        // ∂ℓ/∂β, flattened class-major for the multinomial family
  at::Tensor information;  // −∂²ℓ/∂β² (observed) or its expectation
  double loglik = 0;       // the log-likelihood kernel Σ w·ℓᵢ (terms free of β and of the scale dropped)
  double max_residual = 0; // max |y − μ| (multinomial: over the one-hot classes), for perfect-prediction checks
};

bool canonical(int32_t family, int32_t link) {
  return (family == DG_FAMILY_GAUSSIAN && link == DG_LINK_IDENTITY) ||
         (family == DG_FAMILY_BINOMIAL && link == DG_LINK_LOGIT) ||
         (family == DG_FAMILY_POISSON && link == DG_LINK_LOG) ||
         (family == DG_FAMILY_GAMMA && link == DG_LINK_INVERSE) ||
         (family == DG_FAMILY_MULTINOMIAL && link == DG_LINK_LOGIT);
}

void check_pair(int32_t family, int32_t link) {
  const bool ok = canonical(family, link) || (family == DG_FAMILY_GAMMA && link == DG_LINK_LOG);
  if (!ok)
    throw std::invalid_argument("unsupported family/link pair (family " + std::to_string(family) + ", link " +
                                std::to_string(link) + ")");
}

// Per-observation pieces for a chunk: score weight s (∂ℓ/∂η), information weight h, log-likelihood kernel.
void observation_terms(int32_t family, int32_t link, bool observed, const at::Tensor& eta, const at::Tensor& y,
                       const at::Tensor& w, at::Tensor& s, at::Tensor& h, at::Tensor& ll, at::Tensor& resid) {
  at::Tensor mu;
  switch (link) {
    case DG_LINK_IDENTITY: mu = eta; break;
    case DG_LINK_LOGIT: mu = at::sigmoid(eta); break;
    case DG_LINK_LOG: mu = at::exp(eta); break;
    case DG_LINK_INVERSE: mu = at::reciprocal(eta); break;
    default: throw std::invalid_argument("unknown link " + std::to_string(link));
  }
  resid = y - mu;
  if (family == DG_FAMILY_GAUSSIAN) {
    s = resid;
    h = at::ones_like(eta);
    ll = resid.square().mul_(-0.5);
  } else if (family == DG_FAMILY_BINOMIAL) {
    s = resid;
    h = mu * (1 - mu);
    ll = y * eta - at::softplus(eta);  // y·log μ + (1−y)·log(1−μ), stable in η
  } else if (family == DG_FAMILY_POISSON) {
    s = resid;
    h = mu;
    ll = y * eta - mu;
  } else if (family == DG_FAMILY_GAMMA && link == DG_LINK_INVERSE) {
    // μ = 1/η: ∂ℓ/∂η = μ − y, −∂²ℓ/∂η² = μ² (canonical up to sign, so observed = expected)
    s = -resid;
    h = mu.square();
    ll = -y * eta + at::log(eta);
  } else if (family == DG_FAMILY_GAMMA && link == DG_LINK_LOG) {
    // μ = e^η: ∂ℓ/∂η = y/μ − 1; expected information 1, observed y/μ
    auto ratio = y * at::exp(-eta);
    s = ratio - 1;
    h = observed ? ratio : at::ones_like(eta);
    ll = -ratio - eta;
  } else {
    throw std::invalid_argument("unsupported family " + std::to_string(family));
  }
  if (w.defined()) {
    s = s * w;
    h = h * w;
    ll = ll * w;
  }
}

// Splits [0, n) into chunks processed by libtorch's threads; each block accumulates into its own buffers.
template <class F>
void over_chunks(int64_t n, bool cuda, F&& body) {
  const int64_t chunk = cuda ? (int64_t{1} << 18) : 4096;
  const int64_t nchunks = (n + chunk - 1) / chunk;
  const int64_t blocks = cuda ? 1 : std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), nchunks));
  auto run_block = [&](int64_t b) {
    const int64_t first = nchunks * b / blocks, last = nchunks * (b + 1) / blocks;
    for (int64_t c = first; c < last; ++c) {
      const int64_t start = c * chunk;
      body(b, start, std::min(chunk, n - start));
    }
  };
  if (blocks == 1) {
    run_block(0);
  } else {
    at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
      for (int64_t b = begin; b < end; ++b) run_block(b);
    });
  }
}

int64_t block_count(int64_t n, bool cuda) {
  const int64_t chunk = cuda ? (int64_t{1} << 18) : 4096;
  const int64_t nchunks = (n + chunk - 1) / chunk;
  return cuda ? 1 : std::max<int64_t>(1, std::min<int64_t>(at::get_num_threads(), nchunks));
}

void check_inputs(const at::Tensor& x, const at::Tensor& y, const at::Tensor& w) {
  if (x.dim() != 2) throw std::invalid_argument("x must be 2-D [rows, columns]");
  if (x.scalar_type() != at::kDouble) throw std::invalid_argument("x must be float64");
  if (y.size(0) != x.size(0)) throw std::invalid_argument("y and x must have the same number of rows");
  if (w.defined() && w.size(0) != x.size(0)) throw std::invalid_argument("weights and x must have the same number of rows");
}

// The same pass for contiguous float64 data on the CPU as one loop over the rows: per block of four rows, the linear
// predictors, the per-observation terms (the formulas of observation_terms) and rank-4 updates of the upper triangle
// of XᵀWX plus Xᵀs, accumulated in per-thread buffers that stay in L1. libtorch's op-per-chunk path costs three
// passes over each chunk and a full (not symmetric) product; this costs one. Compiled for AVX2/FMA where the CPU
// has it (target_clones), plain x86-64 otherwise.
struct Accumulator {
  std::vector<double> g, H, eta, mu;
  double ll = 0, max_resid = 0;
};

constexpr int64_t kRowChunk = 2048;

// μ = g⁻¹(η) for a chunk, with libtorch's vectorized kernels (the only transcendental work of a Newton pass).
void inverse_link(int32_t link, double* eta, double* mu, int64_t n) {
  auto opts = at::TensorOptions().dtype(at::kDouble);
  auto e = at::from_blob(eta, {n}, opts), m = at::from_blob(mu, {n}, opts);
  switch (link) {
    case DG_LINK_IDENTITY: m.copy_(e); break;
    case DG_LINK_LOGIT: at::sigmoid_out(m, e); break;
    case DG_LINK_LOG: at::exp_out(m, e); break;
    default: at::reciprocal_out(m, e); break;  // DG_LINK_INVERSE
  }
}

// Score weight s = ∂ℓ/∂η, information weight h and (when asked) the log-likelihood kernel of one observation, from
// η and μ: the formulas of observation_terms.
struct RowTerms {
  double s, h, ll, resid;
};

inline RowTerms row_terms(int32_t family, int32_t link, bool observed, bool need_ll, double eta, double mu, double y,
                          double w) {
  RowTerms t{};
  t.resid = y - mu;
  if (family == DG_FAMILY_GAUSSIAN) {
    t.s = t.resid;
    t.h = 1;
    if (need_ll) t.ll = -0.5 * t.resid * t.resid;
  } else if (family == DG_FAMILY_BINOMIAL) {
    t.s = t.resid;
    t.h = mu * (1 - mu);
    if (need_ll) t.ll = y * eta - (eta > 0 ? eta + std::log1p(std::exp(-eta)) : std::log1p(std::exp(eta)));
  } else if (family == DG_FAMILY_POISSON) {
    t.s = t.resid;
    t.h = mu;
    if (need_ll) t.ll = y * eta - mu;
  } else if (link == DG_LINK_INVERSE) {  // Gamma, canonical
    t.s = -t.resid;
    t.h = mu * mu;
    if (need_ll) t.ll = -y * eta + std::log(eta);
  } else {  // Gamma, log link: μ = e^η
    const double ratio = y / mu;
    t.s = ratio - 1;
    t.h = observed ? ratio : 1;
    if (need_ll) t.ll = -ratio - eta;
  }
  t.s *= w;
  t.h *= w;
  t.ll *= w;
  return t;
}

// Rank-4 updates of the upper triangle of H and of g from four rows and their weights.
__attribute__((always_inline)) inline void update4_body(const double* x0, const double* x1, const double* x2,
                                                        const double* x3, const RowTerms* t, int64_t p,
                                                        double* __restrict g, double* __restrict H) {
  for (int64_t j = 0; j < p; ++j) {
    g[j] += (t[0].s * x0[j] + t[1].s * x1[j]) + (t[2].s * x2[j] + t[3].s * x3[j]);
    const double a0 = t[0].h * x0[j], a1 = t[1].h * x1[j], a2 = t[2].h * x2[j], a3 = t[3].h * x3[j];
    // From the start of j's group of four columns, so every row of the triangle is whole vectors (the few entries
    // below the diagonal this also fills are never read).
    double* __restrict Hj = H + j * p;
    for (int64_t k = j & ~int64_t{3}; k < p; ++k) {
      double h = Hj[k];
      h += a0 * x0[k];
      h += a1 * x1[k];
      h += a2 * x2[k];
      h += a3 * x3[k];
      Hj[k] = h;
    }
  }
}

__attribute__((always_inline)) inline void linear_predictors_body(const double* x, const double* beta, int64_t p,
                                                                  int64_t n, double* eta) {
  for (int64_t r = 0; r < n; ++r) {
    const double* xr = x + r * p;
    double e0 = 0, e1 = 0;
    int64_t j = 0;
    for (; j + 2 <= p; j += 2) {
      e0 += xr[j] * beta[j];
      e1 += xr[j + 1] * beta[j + 1];
    }
    if (j < p) e0 += xr[j] * beta[j];
    eta[r] = e0 + e1;
  }
}

// The same loops compiled twice: for AVX2 with FMA (chosen at run time when the CPU has them) and for plain x86-64.
__attribute__((target("avx2,fma"))) void update4_avx2(const double* x0, const double* x1, const double* x2,
                                                      const double* x3, const RowTerms* t, int64_t p, double* g,
                                                      double* H) {
  update4_body(x0, x1, x2, x3, t, p, g, H);
}
void update4_generic(const double* x0, const double* x1, const double* x2, const double* x3, const RowTerms* t,
                     int64_t p, double* g, double* H) {
  update4_body(x0, x1, x2, x3, t, p, g, H);
}
__attribute__((target("avx2,fma"))) void linear_predictors_avx2(const double* x, const double* beta, int64_t p,
                                                                int64_t n, double* eta) {
  linear_predictors_body(x, beta, p, n, eta);
}
void linear_predictors_generic(const double* x, const double* beta, int64_t p, int64_t n, double* eta) {
  linear_predictors_body(x, beta, p, n, eta);
}

const bool kAvx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");

inline void update4(const double* x0, const double* x1, const double* x2, const double* x3, const RowTerms* t,
                    int64_t p, double* g, double* H) {
  if (kAvx2) {
    update4_avx2(x0, x1, x2, x3, t, p, g, H);
  } else {
    update4_generic(x0, x1, x2, x3, t, p, g, H);
  }
}

inline void linear_predictors(const double* x, const double* beta, int64_t p, int64_t n, double* eta) {
  if (kAvx2) {
    linear_predictors_avx2(x, beta, p, n, eta);
  } else {
    linear_predictors_generic(x, beta, p, n, eta);
  }
}

void accumulate_rows(const double* x, const double* y, const double* w, const double* beta, int64_t p, int64_t begin,
                     int64_t end, int32_t family, int32_t link, bool observed, bool need_ll, Accumulator& acc) {
  double* g = acc.g.data();
  double* H = acc.H.data();
  for (int64_t c0 = begin; c0 < end; c0 += kRowChunk) {
    const int64_t n = std::min(kRowChunk, end - c0);
    const double* xc = x + c0 * p;
    linear_predictors(xc, beta, p, n, acc.eta.data());
    inverse_link(link, acc.eta.data(), acc.mu.data(), n);
    int64_t r = 0;
    RowTerms t[4];
    for (; r + 4 <= n; r += 4) {
      for (int q = 0; q < 4; ++q) {
        const int64_t i = c0 + r + q;
        t[q] = row_terms(family, link, observed, need_ll, acc.eta[r + q], acc.mu[r + q], y[i], w ? w[i] : 1.0);
        acc.ll += t[q].ll;
        acc.max_resid = std::max(acc.max_resid, std::abs(t[q].resid));
      }
      const double* x0 = xc + r * p;
      update4(x0, x0 + p, x0 + 2 * p, x0 + 3 * p, t, p, g, H);
    }
    for (; r < n; ++r) {
      const int64_t i = c0 + r;
      const RowTerms one = row_terms(family, link, observed, need_ll, acc.eta[r], acc.mu[r], y[i], w ? w[i] : 1.0);
      acc.ll += one.ll;
      acc.max_resid = std::max(acc.max_resid, std::abs(one.resid));
      const RowTerms four[4] = {one, {}, {}, {}};
      const double* xr = xc + r * p;
      update4(xr, xr, xr, xr, four, p, g, H);
    }
  }
}

Pass pass_univariate_rows(const at::Tensor& x, const at::Tensor& y, const at::Tensor& w, int32_t family, int32_t link,
                          bool observed, const at::Tensor& beta, bool need_ll) {
  const int64_t n = x.size(0), p = x.size(1);
  const auto b = beta.contiguous();
  const int64_t blocks = block_count(n, false);
  std::vector<Accumulator> acc(blocks);
  for (auto& a : acc) {
    a.g.assign(p, 0.0);
    a.H.assign(p * p, 0.0);
    a.eta.resize(kRowChunk);
    a.mu.resize(kRowChunk);
  }
  const double* X = x.data_ptr<double>();
  const double* Y = y.data_ptr<double>();
  const double* W = w.defined() ? w.data_ptr<double>() : nullptr;
  const double* B = b.data_ptr<double>();
  auto run = [&](int64_t block) {
    const int64_t first = n * block / blocks, last = n * (block + 1) / blocks;
    accumulate_rows(X, Y, W, B, p, first, last, family, link, observed, need_ll, acc[block]);
  };
  if (blocks == 1) {
    run(0);
  } else {
    at::parallel_for(0, blocks, 1, [&](int64_t begin, int64_t end) {
      for (int64_t k = begin; k < end; ++k) run(k);
    });
  }
  Pass out;
  auto H = at::zeros({p, p}, x.options());
  auto g = at::zeros({p}, x.options());
  double* Hd = H.data_ptr<double>();
  double* gd = g.data_ptr<double>();
  for (const auto& a : acc) {
    for (int64_t j = 0; j < p; ++j) {
      gd[j] += a.g[j];
      for (int64_t k = j; k < p; ++k) Hd[j * p + k] += a.H[j * p + k];
    }
    out.loglik += a.ll;
    out.max_residual = std::max(out.max_residual, a.max_resid);
  }
  for (int64_t j = 0; j < p; ++j)
    for (int64_t k = 0; k < j; ++k) Hd[j * p + k] = Hd[k * p + j];
  out.score = g;
  out.information = H;
  return out;
}

// Binary-response families: β is [p].
Pass pass_univariate(const at::Tensor& x, const at::Tensor& y, const at::Tensor& w, int32_t family, int32_t link,
                     bool observed, const at::Tensor& beta) {
  const int64_t n = x.size(0), p = x.size(1);
  const bool cuda = x.is_cuda();
  const int64_t blocks = block_count(n, cuda);
  auto opts = x.options();
  std::vector<at::Tensor> g(blocks), H(blocks), ll(blocks), mr(blocks);
  for (int64_t b = 0; b < blocks; ++b) {
    g[b] = at::zeros({p}, opts);
    H[b] = at::zeros({p, p}, opts);
    ll[b] = at::zeros({}, opts);
    mr[b] = at::zeros({}, opts);
  }
  over_chunks(n, cuda, [&](int64_t b, int64_t start, int64_t len) {
    auto xc = x.narrow(0, start, len);
    auto eta = at::mv(xc, beta);
    at::Tensor s, h, l, r;
    observation_terms(family, link, observed, eta, y.narrow(0, start, len), w.defined() ? w.narrow(0, start, len) : w,
                      s, h, l, r);
    g[b].addmv_(xc.t(), s);
    H[b].addmm_(xc.t(), xc * h.unsqueeze(1));
    ll[b].add_(l.sum());
    at::maximum_out(mr[b], mr[b], r.abs().max());
  });
  Pass out;
  out.score = g[0];
  out.information = H[0];
  auto total_ll = ll[0], max_r = mr[0];
  for (int64_t b = 1; b < blocks; ++b) {
    out.score.add_(g[b]);
    out.information.add_(H[b]);
    total_ll.add_(ll[b]);
    max_r = at::maximum(max_r, mr[b]);
  }
  out.loglik = total_ll.item<double>();
  out.max_residual = max_r.item<double>();
  return out;
}

// Multinomial logit, class 0 the reference: β is [k−1, p] (class-major, statsmodels' order), y holds class indices.
Pass pass_multinomial(const at::Tensor& x, const at::Tensor& y, const at::Tensor& w, const at::Tensor& beta) {
  const int64_t n = x.size(0), p = x.size(1), m = beta.size(0);  // m = k − 1
  const bool cuda = x.is_cuda();
  const int64_t blocks = block_count(n, cuda);
  auto opts = x.options();
  std::vector<at::Tensor> g(blocks), H(blocks), ll(blocks), mr(blocks);
  for (int64_t b = 0; b < blocks; ++b) {
    g[b] = at::zeros({m, p}, opts);
    H[b] = at::zeros({m * p, m * p}, opts);
    ll[b] = at::zeros({}, opts);
    mr[b] = at::zeros({}, opts);
  }
  over_chunks(n, cuda, [&](int64_t b, int64_t start, int64_t len) {
    auto xc = x.narrow(0, start, len);
    auto yc = y.narrow(0, start, len).to(at::kLong);
    auto eta = at::cat({at::zeros({len, 1}, opts), at::mm(xc, beta.t())}, 1);  // [len, k]
    auto logp = at::log_softmax(eta, 1);
    auto prob = logp.exp();
    auto onehot = at::one_hot(yc, m + 1).to(at::kDouble);
    auto resid = onehot - prob;
    auto wc = w.defined() ? w.narrow(0, start, len) : at::Tensor();
    auto lobs = logp.gather(1, yc.unsqueeze(1)).squeeze(1);
    ll[b].add_(wc.defined() ? (lobs * wc).sum() : lobs.sum());
    at::maximum_out(mr[b], mr[b], resid.abs().max());
    auto r = resid.narrow(1, 1, m);
    auto pr = prob.narrow(1, 1, m);
    if (wc.defined()) {
      r = r * wc.unsqueeze(1);
      pr = pr * wc.unsqueeze(1);  // weights enter each block once
    }
    g[b].addmm_(r.t(), xc);
    for (int64_t j = 0; j < m; ++j) {
      for (int64_t l = j; l < m; ++l) {
        // −∂²ℓ/∂βⱼ∂βₗ = Xᵀ diag(w·pⱼ(δⱼₗ − pₗ)) X
        auto hw = j == l ? pr.select(1, j) * (1 - prob.select(1, j + 1)) : -pr.select(1, j) * prob.select(1, l + 1);
        auto block = at::mm(xc.t(), xc * hw.unsqueeze(1));
        H[b].narrow(0, j * p, p).narrow(1, l * p, p).add_(block);
        if (l != j) H[b].narrow(0, l * p, p).narrow(1, j * p, p).add_(block.t());
      }
    }
  });
  Pass out;
  out.score = g[0].reshape({m * p});
  out.information = H[0];
  auto total_ll = ll[0], max_r = mr[0];
  for (int64_t b = 1; b < blocks; ++b) {
    out.score.add_(g[b].reshape({m * p}));
    out.information.add_(H[b]);
    total_ll.add_(ll[b]);
    max_r = at::maximum(max_r, mr[b]);
  }
  out.loglik = total_ll.item<double>();
  out.max_residual = max_r.item<double>();
  return out;
}

Pass pass(const at::Tensor& x, const at::Tensor& y, const at::Tensor& w, int32_t family, int32_t link, bool observed,
          const at::Tensor& beta, bool need_ll = true) {
  check_inputs(x, y, w);
  check_pair(family, link);
  at::NoGradGuard no_grad;
  if (family == DG_FAMILY_MULTINOMIAL) {
    if (beta.dim() != 2 || beta.size(1) != x.size(1)) throw std::invalid_argument("multinomial beta must be [k-1, columns]");
    return pass_multinomial(x, y, w, beta);
  }
  if (beta.dim() != 1 || beta.size(0) != x.size(1)) throw std::invalid_argument("beta must be [columns]");
  const auto rows_path = [](const at::Tensor& t) {
    return !t.defined() || (t.device().is_cpu() && t.scalar_type() == at::kDouble && t.is_contiguous() && t.dim() == 1);
  };
  if (x.device().is_cpu() && x.is_contiguous() && y.defined() && rows_path(y) && rows_path(w) && beta.is_cpu())
    return pass_univariate_rows(x, y, w, family, link, observed, beta, need_ll);
  return pass_univariate(x, y, w, family, link, observed, beta);
}

// Solves information · step = score: Cholesky, else (not positive definite) least squares, which copes with
// singular systems by returning the minimum-norm step.
at::Tensor newton_step(const at::Tensor& information, const at::Tensor& score, int32_t* used_fallback) {
  auto chol = at::linalg_cholesky_ex(information);
  if (std::get<1>(chol).item<int32_t>() == 0) {
    *used_fallback = 0;
    return at::cholesky_solve(score.unsqueeze(1), std::get<0>(chol)).squeeze(1);
  }
  *used_fallback = 1;
  return at::matmul(at::linalg_pinv(information, c10::optional<double>(), c10::optional<double>(1e-12), true),
                    score);
}

}  // namespace

extern "C" {

dg_status dg_glm_design(const double* data, int64_t rows, int64_t cols, int32_t intercept, dg_tensor* out) {
  return dg::guard([&] {
    if (rows < 0 || cols < 0) throw std::invalid_argument("negative design size");
    const int64_t width = cols + (intercept ? 1 : 0);
    auto x = at::empty({rows, width}, at::TensorOptions().dtype(at::kDouble));
    double* dst = x.data_ptr<double>();
    // One copy from the caller's row-major array, with the constant column written alongside.
    at::parallel_for(0, rows, 16384, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        double* row = dst + i * width;
        if (intercept) *row++ = 1.0;
        std::copy(data + i * cols, data + (i + 1) * cols, row);
      }
    });
    *out = give(std::move(x));
  });
}

dg_status dg_glm_information(dg_tensor x, dg_tensor y, dg_tensor weights, int32_t family, int32_t link,
                             int32_t observed, dg_tensor beta, dg_tensor* score, dg_tensor* information,
                             double* loglik) {
  return dg::guard([&] {
    at::Tensor w = weights == nullptr ? at::Tensor() : T(weights);
    auto r = pass(T(x), T(y), w, family, link, observed != 0, T(beta), /*need_ll=*/loglik != nullptr);
    if (loglik != nullptr) *loglik = r.loglik;
    *score = give(r.score);
    *information = give(r.information);
  });
}

dg_status dg_glm_newton(dg_tensor x, dg_tensor y, dg_tensor weights, int32_t family, int32_t link, double tol,
                        int32_t max_iter, double ridge, dg_tensor beta, int32_t* iterations, int32_t* converged,
                        int32_t* perfect_prediction, int32_t* fallbacks, double* max_step) {
  return dg::guard([&] {
    at::Tensor w = weights == nullptr ? at::Tensor() : T(weights);
    auto& b = T(beta);
    at::NoGradGuard no_grad;
    *iterations = 0;
    *converged = 0;
    *perfect_prediction = 0;
    *fallbacks = 0;
    *max_step = NAN;
    const bool classifies = family == DG_FAMILY_BINOMIAL || family == DG_FAMILY_MULTINOMIAL;
    for (int32_t it = 1; it <= max_iter; ++it) {
      // Fisher scoring (expected information) is Newton for canonical links and IRLS for the others.
      auto r = pass(T(x), T(y), w, family, link, false, b, /*need_ll=*/false);  // Newton needs no likelihood
      if (classifies && r.max_residual < 1e-10) {
        // Every observation fitted exactly: the MLE is at infinity (statsmodels' perfect-prediction check).
        *perfect_prediction = 1;
        break;
      }
      auto info = r.information;
      if (ridge > 0) info.diagonal().add_(ridge);
      int32_t fallback = 0;
      auto step = newton_step(info, r.score, &fallback);
      *fallbacks += fallback;
      const double largest = step.abs().max().item<double>();
      *max_step = largest;
      *iterations = it;
      if (!std::isfinite(largest)) break;
      b.add_(step.reshape(b.sizes()));
      if (largest <= tol) {
        *converged = 1;
        break;
      }
    }
  });
}

}  // extern "C"
