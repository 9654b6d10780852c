// Exact solvers for generalized linear models: one pass over the design computes the score Xᵀ(w·∂ℓ/∂η) and the
// information XᵀWX together, in float64, chunk by chunk (no weighted copy of the whole design), with the chunks
// shared among libtorch's threads; Newton (Fisher scoring for non-canonical links, which is IRLS) solves with
// Cholesky and falls back to least squares when the information is not positive definite.
#include <ATen/Parallel.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

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

// ---- the weighted Gram kernel ----------------------------------------------------------------------------------
// Accumulates G += Vᵀ X over a chunk, where V's columns are h·x (a < p) and s (column p): rows a < p of G hold the
// upper triangle of XᵀHX, row p holds the score Xᵀs. Rows are packed 128 at a time into zero-padded buffers
// (L1/L2-resident), then 4×8 register tiles of G run over them with AVX2 FMAs; tiles strictly below the diagonal are
// skipped, since XᵀHX is symmetric. General BLAS (addmm) pads 21×21 to its own tile sizes and computes both halves:
// this is about 3× faster for the small p of a GLM.
struct GramBuffers {
  int64_t p = 0, rows4 = 0, cols8 = 0;
  std::vector<double> g, xp, vp;
  explicit GramBuffers(int64_t p_) : p(p_), rows4((p_ + 1 + 3) / 4 * 4), cols8((p_ + 7) / 8 * 8) {
    g.assign(static_cast<size_t>(rows4 * cols8), 0.0);
    xp.assign(static_cast<size_t>(kPack * cols8), 0.0);
    vp.assign(static_cast<size_t>(kPack * rows4), 0.0);
  }
  static constexpr int64_t kPack = 128;
};

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) void gram_avx2(const double* x, int64_t rows, bool intercept, const double* h,
                                                   const double* s, GramBuffers& buf) {
  const int64_t p = buf.p, P4 = buf.rows4, P8 = buf.cols8;
  const int64_t off = intercept ? 1 : 0, cols = p - off;  // x holds the data columns; the ones column is implicit
  double* xp = buf.xp.data();
  double* vp = buf.vp.data();
  double* g = buf.g.data();
  for (int64_t r0 = 0; r0 < rows; r0 += GramBuffers::kPack) {
    const int64_t nr = std::min(GramBuffers::kPack, rows - r0);
    for (int64_t k = 0; k < nr; ++k) {
      const double* xr = x + (r0 + k) * cols;
      double* xo = xp + k * P8;
      double* vo = vp + k * P4;
      const double hk = h[r0 + k];
      if (intercept) {
        xo[0] = 1.0;
        vo[0] = hk;
      }
      for (int64_t a = 0; a < cols; ++a) {
        xo[off + a] = xr[a];
        vo[off + a] = hk * xr[a];
      }
      vo[p] = s[r0 + k];  // padding stays zero from construction
    }
    for (int64_t a0 = 0; a0 < P4; a0 += 4) {
      const bool has_score_row = a0 + 3 >= p;
      for (int64_t b0 = 0; b0 < P8; b0 += 8) {
        if (!has_score_row && b0 + 7 < a0) continue;  // strictly below the diagonal
        __m256d acc[4][2];
        for (auto& row : acc) row[0] = row[1] = _mm256_setzero_pd();
        for (int64_t k = 0; k < nr; ++k) {
          const __m256d xb0 = _mm256_loadu_pd(xp + k * P8 + b0);
          const __m256d xb1 = _mm256_loadu_pd(xp + k * P8 + b0 + 4);
          const double* v = vp + k * P4 + a0;
          for (int t = 0; t < 4; ++t) {
            const __m256d va = _mm256_broadcast_sd(v + t);
            acc[t][0] = _mm256_fmadd_pd(va, xb0, acc[t][0]);
            acc[t][1] = _mm256_fmadd_pd(va, xb1, acc[t][1]);
          }
        }
        for (int t = 0; t < 4; ++t) {
          double* out = g + (a0 + t) * P8 + b0;
          _mm256_storeu_pd(out, _mm256_add_pd(_mm256_loadu_pd(out), acc[t][0]));
          _mm256_storeu_pd(out + 4, _mm256_add_pd(_mm256_loadu_pd(out + 4), acc[t][1]));
        }
      }
    }
  }
}

bool have_avx2() {
  static const bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return ok;
}
#else
bool have_avx2() { return false; }
void gram_avx2(const double*, int64_t, bool, const double*, const double*, GramBuffers&) {}
#endif

// The kernel pays off for small designs on the CPU; wider ones (and other devices) go to BLAS.
bool use_gram_kernel(const at::Tensor& x) {
  return x.device().is_cpu() && x.is_contiguous() && x.size(1) < 64 && have_avx2();
}

// The rows [start, start + len) of the design: the data with the ones column prepended when the intercept is
// implicit (a chunk-sized copy, cache-resident, instead of a copy of the whole design).
at::Tensor design_rows(const at::Tensor& x, bool intercept, int64_t start, int64_t len) {
  auto rows = x.narrow(0, start, len);
  return intercept ? at::cat({at::ones({len, 1}, x.options()), rows}, 1) : rows;
}

// η = Xβ for the rows of a chunk, the intercept added rather than multiplied by a column of ones.
at::Tensor linear_predictor(const at::Tensor& rows, bool intercept, const at::Tensor& beta) {
  if (!intercept) return at::mv(rows, beta);
  return at::mv(rows, beta.narrow(0, 1, beta.size(0) - 1)).add_(beta[0]);
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

// Binary-response families: β is [p].
Pass pass_univariate(const at::Tensor& x, bool intercept, const at::Tensor& y, const at::Tensor& w, int32_t family,
                     int32_t link, bool observed, const at::Tensor& beta) {
  const int64_t n = x.size(0), p = x.size(1) + (intercept ? 1 : 0);
  const bool cuda = x.is_cuda();
  const int64_t blocks = block_count(n, cuda);
  auto opts = x.options();
  const bool kernel = use_gram_kernel(x);
  std::vector<at::Tensor> g(blocks), H(blocks), ll(blocks), mr(blocks);
  std::vector<GramBuffers> gram;
  for (int64_t b = 0; b < blocks; ++b) {
    g[b] = at::zeros({p}, opts);
    H[b] = at::zeros({p, p}, opts);
    ll[b] = at::zeros({}, opts);
    mr[b] = at::zeros({}, opts);
    if (kernel) gram.emplace_back(p);
  }
  over_chunks(n, cuda, [&](int64_t b, int64_t start, int64_t len) {
    auto xr = x.narrow(0, start, len);
    auto eta = linear_predictor(xr, intercept, beta);
    at::Tensor s, h, l, r;
    observation_terms(family, link, observed, eta, y.narrow(0, start, len), w.defined() ? w.narrow(0, start, len) : w,
                      s, h, l, r);
    if (kernel) {
      auto hc = h.to(at::kDouble).contiguous();
      auto sc = s.to(at::kDouble).contiguous();
      gram_avx2(xr.data_ptr<double>(), len, intercept, hc.data_ptr<double>(), sc.data_ptr<double>(), gram[b]);
    } else {
      auto xc = design_rows(x, intercept, start, len);
      g[b].addmv_(xc.t(), s);
      H[b].addmm_(xc.t(), xc * h.unsqueeze(1));
    }
    ll[b].add_(l.sum());
    at::maximum_out(mr[b], mr[b], r.abs().max());
  });
  if (kernel) {
    // Unpack each block's upper triangle and score row into the dense results.
    for (int64_t b = 0; b < blocks; ++b) {
      const auto& buf = gram[b];
      auto Ha = H[b].accessor<double, 2>();
      auto ga = g[b].accessor<double, 1>();
      for (int64_t a = 0; a < p; ++a) {
        for (int64_t c = a; c < p; ++c) Ha[a][c] = Ha[c][a] = buf.g[a * buf.cols8 + c];
        ga[a] = buf.g[p * buf.cols8 + a];
      }
    }
  }
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
Pass pass_multinomial(const at::Tensor& x, bool intercept, const at::Tensor& y, const at::Tensor& w,
                      const at::Tensor& beta) {
  const int64_t n = x.size(0), p = x.size(1) + (intercept ? 1 : 0), m = beta.size(0);  // m = k − 1
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
    auto xc = design_rows(x, intercept, start, len);
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

Pass pass(const at::Tensor& x, bool intercept, const at::Tensor& y, const at::Tensor& w, int32_t family, int32_t link,
          bool observed, const at::Tensor& beta) {
  check_inputs(x, y, w);
  check_pair(family, link);
  at::NoGradGuard no_grad;
  const int64_t p = x.size(1) + (intercept ? 1 : 0);
  if (family == DG_FAMILY_MULTINOMIAL) {
    if (beta.dim() != 2 || beta.size(1) != p) throw std::invalid_argument("multinomial beta must be [k-1, columns]");
    return pass_multinomial(x, intercept, y, w, beta);
  }
  if (beta.dim() != 1 || beta.size(0) != p) throw std::invalid_argument("beta must be [columns]");
  return pass_univariate(x, intercept, y, w, family, link, observed, beta);
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

dg_status dg_glm_borrow(const double* data, int64_t rows, int64_t cols, dg_tensor* out) {
  return dg::guard([&] {
    if (rows < 0 || cols < 0) throw std::invalid_argument("negative data size");
    // No copy: the caller keeps the memory alive (pinned) for the tensor's lifetime.
    *out = give(at::from_blob(const_cast<double*>(data), {rows, cols}, at::TensorOptions().dtype(at::kDouble)));
  });
}

dg_status dg_glm_linear_predictor(dg_tensor x, int32_t intercept, dg_tensor beta, dg_tensor* out) {
  return dg::guard([&] {
    at::NoGradGuard no_grad;
    const auto& b = T(beta);
    if (b.dim() == 1) {
      *out = give(linear_predictor(T(x), intercept != 0, b));
    } else {
      // multinomial [k-1, p]: η = X Bᵀ, [n, k-1]
      auto eta = at::mm(T(x), b.narrow(1, intercept ? 1 : 0, T(x).size(1)).t());
      if (intercept) eta.add_(b.select(1, 0));
      *out = give(eta);
    }
  });
}

dg_status dg_glm_information(dg_tensor x, int32_t intercept, dg_tensor y, dg_tensor weights, int32_t family,
                             int32_t link, int32_t observed, dg_tensor beta, dg_tensor* score, dg_tensor* information,
                             double* loglik) {
  return dg::guard([&] {
    at::Tensor w = weights == nullptr ? at::Tensor() : T(weights);
    auto r = pass(T(x), intercept != 0, T(y), w, family, link, observed != 0, T(beta));
    *loglik = r.loglik;
    *score = give(r.score);
    *information = give(r.information);
  });
}

dg_status dg_glm_newton(dg_tensor x, int32_t intercept, dg_tensor y, dg_tensor weights, int32_t family, int32_t link,
                        double tol,
                        int32_t max_iter, double ridge, dg_tensor beta, int32_t* iterations, int32_t* converged,
                        int32_t* perfect_prediction, int32_t* fallbacks, double* max_step, dg_tensor* information) {
  return dg::guard([&] {
    if (information != nullptr) *information = nullptr;
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
      auto r = pass(T(x), intercept != 0, T(y), w, family, link, false, b);
      if (classifies && r.max_residual < 1e-10) {
        // Every observation fitted exactly: the MLE is at infinity (statsmodels' perfect-prediction check).
        *perfect_prediction = 1;
        break;
      }
      auto info = r.information;
      if (information != nullptr) {
        // The expected information of the last pass, before its step: the caller's statistics can skip a pass.
        if (*information != nullptr) dg_tensor_free(*information);
        *information = give(info.clone());
      }
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
