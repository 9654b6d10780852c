// Training plans: a whole epoch of a stack of Dense layers (forward, closed-form backward, optimizer update) in one
// native call (prediction is the managed blocked kernel both engines share, BlockedPredict.cs). The backward pass is
// the textbook closed form of Dense/activation/loss chains, written to give the numbers libtorch's autograd gives on
// the same chain (the tests compare the two on every supported combination). The optimizer state is the
// dg_optimizer's own (optimizer.h), so the plan and the op-by-op path can alternate on one model.
//
// Small products run as plain loops (at these sizes libtorch's per-op dispatch costs more than the arithmetic);
// products above kBlasWork multiply-adds go to libtorch's matmul (BLAS) on views of the same buffers.
// The per-buffer arithmetic (GEMM, activations, updates, the softmax head, gradient adjustments) is plan_kernels.h.
#include "plan_kernels.h"

namespace {

struct Layout {
  std::vector<int32_t> act;
  std::vector<int32_t> has_bias;
  std::vector<int64_t> in, out;
  std::vector<size_t> kernel_index, bias_index;  // positions in the optimizer's parameter list
};

Layout layout(const std::vector<at::Tensor>& params, const int32_t* activations, const int32_t* has_bias,
              int32_t nlayers) {
  Layout l;
  size_t next = 0;
  for (int32_t i = 0; i < nlayers; ++i) {
    if (next >= params.size()) throw std::invalid_argument("training plan: fewer parameters than layers need");
    const auto& k = params[next];
    if (k.dim() != 2) throw std::invalid_argument("training plan: a kernel must be 2-D");
    l.act.push_back(activations[i]);
    l.has_bias.push_back(has_bias[i]);
    l.in.push_back(k.size(0));
    l.out.push_back(k.size(1));
    l.kernel_index.push_back(next++);
    l.bias_index.push_back(has_bias[i] ? next++ : SIZE_MAX);
    if (i > 0 && l.in[i] != l.out[i - 1]) throw std::invalid_argument("training plan: layer widths do not chain");
  }
  if (next != params.size()) throw std::invalid_argument("training plan: more parameters than the layers hold");
  for (const auto& p : params)
    if (!p.is_contiguous() || p.device().type() != at::kCPU)
      throw std::invalid_argument("training plan: parameters must be contiguous CPU tensors");
  return l;
}

template <class S>
double fit_epoch(dg::Optimizer& opt, const Layout& net, int32_t loss, const at::Tensor& x_in, const at::Tensor& y_in,
                 const at::Tensor* w_in, const at::Tensor* perm_in, int64_t batch, double lr, at::Tensor* pred_out,
                 const dg_plan_options* opts) {
  const auto x = x_in.contiguous();
  const auto y = y_in.contiguous();
  at::Tensor w = w_in != nullptr ? w_in->contiguous() : at::Tensor();
  at::Tensor perm = perm_in != nullptr ? perm_in->contiguous() : at::Tensor();
  const int64_t rows = x.size(0), width = x.size(1);
  const size_t L = net.act.size();
  const int64_t classes = net.out[L - 1];
  if (width != net.in[0]) throw std::invalid_argument("training plan: x has the wrong width");
  if (y.dim() != 2 || y.size(0) != rows || y.size(1) != classes)
    throw std::invalid_argument("training plan: y must be [rows, output units]");
  if (w.defined() && w.numel() != rows) throw std::invalid_argument("training plan: one sample weight per row");
  if (perm.defined() && (perm.numel() != rows || perm.scalar_type() != at::kLong))
    throw std::invalid_argument("training plan: perm must be an int64 permutation of the rows");
  const S* X = x.data_ptr<S>();
  const S* Y = y.data_ptr<S>();
  const S* W = w.defined() ? w.data_ptr<S>() : nullptr;
  const int64_t* P = perm.defined() ? perm.data_ptr<int64_t>() : nullptr;
  // Written in place: the caller's own memory, never a converted copy.
  if (pred_out != nullptr && (!pred_out->is_contiguous() || pred_out->device().type() != at::kCPU ||
                              pred_out->scalar_type() != x.scalar_type() || pred_out->dim() != 2 ||
                              pred_out->size(0) != rows || pred_out->size(1) != classes))
    throw std::invalid_argument("training plan: predictions must be a contiguous CPU [rows, output units] tensor of the weights' dtype");
  S* O = pred_out != nullptr ? pred_out->data_ptr<S>() : nullptr;
  // Dropout noise per layer (row k: the k-th row visited), checked like the predictions.
  std::vector<const S*> noise(L, nullptr);
  if (opts != nullptr && opts->dropout_noise != nullptr) {
    for (size_t l = 0; l < L; ++l) {
      if (opts->dropout_noise[l] == nullptr) continue;
      const auto& m = T(opts->dropout_noise[l]);
      if (l + 1 == L) throw std::invalid_argument("training plan: dropout after the last layer is not supported");
      if (!m.is_contiguous() || m.device().type() != at::kCPU || m.scalar_type() != x.scalar_type() || m.dim() != 2 ||
          m.size(0) != rows || m.size(1) != net.out[l])
        throw std::invalid_argument("training plan: dropout noise of layer " + std::to_string(l) +
                                    " must be a contiguous CPU [rows, units] tensor of the weights' dtype");
      noise[l] = m.data_ptr<S>();
    }
  }
  const bool adjust = opts != nullptr && (opts->l1 || opts->l2 || opts->clipnorm > 0 || opts->clipvalue > 0 ||
                                          opts->global_clipnorm > 0 || opts->weight_decay > 0);
  int64_t step_index = 0;

  // Buffers for one batch, allocated once per epoch.
  const int64_t B = std::min(batch, rows);
  // dropped[l]: layer l's output times its dropout noise, what the next layer reads (a[l] stays the activation's
  // output, which the activation's backward needs).
  std::vector<std::vector<S>> z(L), a(L), dropped(L);
  int64_t widest = width;
  for (size_t l = 0; l < L; ++l) {
    z[l].resize(B * net.out[l]);
    a[l].resize(B * net.out[l]);
    widest = std::max(widest, net.out[l]);
    if (noise[l] != nullptr) dropped[l].resize(B * net.out[l]);
  }
  auto input_of = [&](size_t l, const S* xs) -> const S* {
    return l == 0 ? xs : noise[l - 1] != nullptr ? dropped[l - 1].data() : a[l - 1].data();
  };
  std::vector<S> xb(P ? B * width : 0), yb(P ? B * classes : 0), wb(B), delta(B * widest), prev(B * widest);
  std::vector<std::vector<S>> grads(opt.params.size());
  for (size_t i = 0; i < opt.params.size(); ++i) grads[i].resize(opt.params[i].numel());

  double loss_sum = 0;
  for (int64_t start = 0; start < rows; start += batch) {
    const int64_t n = std::min(batch, rows - start);
    const S* xs;
    const S* ys;
    if (P) {
      for (int64_t r = 0; r < n; ++r) {
        // Rows come from anywhere in the data: ask for the rows a few places ahead while copying this one.
        if (r + kPrefetch < n) {
          const S* ahead = X + P[start + r + kPrefetch] * width;
          for (int64_t off = 0; off < width; off += 64 / static_cast<int64_t>(sizeof(S))) __builtin_prefetch(ahead + off);
        }
        const int64_t src = P[start + r];
        std::memcpy(&xb[r * width], X + src * width, sizeof(S) * width);
        std::memcpy(&yb[r * classes], Y + src * classes, sizeof(S) * classes);
        wb[r] = W ? W[src] : S(1);
      }
      xs = xb.data();
      ys = yb.data();
    } else {
      xs = X + start * width;
      ys = Y + start * classes;
      for (int64_t r = 0; r < n; ++r) wb[r] = W ? W[start + r] : S(1);
    }

    // Forward.
    for (size_t l = 0; l < L; ++l) {
      const S* input = input_of(l, xs);
      const int64_t o = net.out[l];
      gemm(input, opt.params[net.kernel_index[l]].data_ptr<S>(), z[l].data(), n, net.in[l], o, false, false);
      if (net.has_bias[l]) {
        const S* b = opt.params[net.bias_index[l]].data_ptr<S>();
        for (int64_t r = 0; r < n; ++r)
          for (int64_t j = 0; j < o; ++j) z[l][r * o + j] += b[j];
      }
      if (l + 1 < L || loss == DG_LOSS_MSE) activate(net.act[l], z[l].data(), a[l].data(), n * o);
      if (noise[l] != nullptr) {
        const S* nz = noise[l] + start * o;
        for (int64_t e = 0; e < n * o; ++e) dropped[l][e] = a[l][e] * nz[e];
      }
    }
    // The batch's output before its update, for compiled metrics (binary cross-entropy keeps only logits).
    if (O != nullptr) {
      if (loss == DG_LOSS_MSE) {
        std::memcpy(O + start * classes, a[L - 1].data(), sizeof(S) * n * classes);
      } else if (net.act[L - 1] == DG_ACT_SOFTMAX) {
        std::memcpy(O + start * classes, z[L - 1].data(), sizeof(S) * n * classes);
        softmax_rows(O + start * classes, n, classes);
      } else {
        activate(net.act[L - 1], z[L - 1].data(), O + start * classes, n * classes);
      }
    }

    // Loss and its gradient with respect to the last pre-activation, scaled by w_r / n (sum_over_batch_size).
    const S* zl = z[L - 1].data();
    S* d = delta.data();
    double batch_loss = 0;
    const S inv_c = S(1) / S(classes);
    if (loss == DG_LOSS_SOFTMAX_CCE) batch_loss = softmax_cce(zl, ys, wb.data(), d, n, classes);
    for (int64_t r = 0; r < n && loss != DG_LOSS_SOFTMAX_CCE; ++r) {
      S per_sample = 0;
      // The factors in autograd's order: mean over the batch, times the sample weight, mean over the columns.
      const S scale = (S(1) / S(n)) * wb[r] / S(classes);
      for (int64_t j = 0; j < classes; ++j) {
        const int64_t e = r * classes + j;
        if (loss == DG_LOSS_BCE_LOGITS) {
          const S zz = zl[e], yy = ys[e];
          const S ez = std::exp(-std::abs(zz));  // shared by the loss and the sigmoid
          per_sample += std::max(zz, S(0)) - zz * yy + std::log1p(ez);
          const S p = zz >= 0 ? S(1) / (S(1) + ez) : ez / (S(1) + ez);
          d[e] = (p - yy) * scale;
        } else {
          const S diff = a[L - 1][e] - ys[e];
          per_sample += diff * diff;
          d[e] = scale * (S(2) * diff);
        }
      }
      batch_loss += static_cast<double>(per_sample * inv_c * wb[r]);
    }
    if (loss == DG_LOSS_MSE) activation_backward(net.act[L - 1], zl, a[L - 1].data(), d, n * classes);
    loss_sum += batch_loss;  // Σ w_r·loss_r = (batch mean) · rows, what the epoch tracker accumulates

    // Backward, last layer first.
    for (size_t l = L; l-- > 0;) {
      const S* input = input_of(l, xs);
      const int64_t o = net.out[l], i = net.in[l];
      gemm(input, d, grads[net.kernel_index[l]].data(), i, n, o, true, false);
      if (net.has_bias[l]) {
        S* gb = grads[net.bias_index[l]].data();
        for (int64_t j = 0; j < o; ++j) gb[j] = 0;
        for (int64_t r = 0; r < n; ++r)
          for (int64_t j = 0; j < o; ++j) gb[j] += d[r * o + j];
      }
      if (l > 0) {
        gemm(d, opt.params[net.kernel_index[l]].data_ptr<S>(), prev.data(), n, o, i, false, true);
        if (noise[l - 1] != nullptr) {
          const S* nz = noise[l - 1] + start * i;
          for (int64_t e = 0; e < n * i; ++e) prev[e] *= nz[e];
        }
        activation_backward(net.act[l - 1], z[l - 1].data(), a[l - 1].data(), prev.data(), n * i);
        std::swap(delta, prev);
        d = delta.data();
      }
    }

    // Regularizers, clipping and weight decay (dg_plan_options), at this step's learning rate.
    const double step_lr = opts != nullptr && step_index < opts->nlrs ? opts->lrs[step_index] : lr;
    ++step_index;
    if (adjust) loss_sum += adjust_gradients(opt, *opts, grads, step_lr) * static_cast<double>(n);
    ++opt.iterations;
    for (size_t p = 0; p < opt.params.size(); ++p) update(opt, p, grads[p].data(), step_lr);
  }
  return loss_sum;
}

}  // namespace

extern "C" {

dg_status dg_plan_fit_epoch(dg_optimizer opt, const int32_t* activations, const int32_t* has_bias, int32_t nlayers,
                            int32_t loss, dg_tensor x, dg_tensor y, dg_tensor sample_weight, dg_tensor perm,
                            dg_tensor predictions, int64_t batch_size, double lr, const dg_plan_options* options,
                            double* loss_sum) {
  return dg::guard([&] {
    if (opt == nullptr) throw std::invalid_argument("null optimizer handle");
    if (batch_size <= 0) throw std::invalid_argument("batch size must be positive");
    if (loss != DG_LOSS_MSE && loss != DG_LOSS_BCE_LOGITS && loss != DG_LOSS_SOFTMAX_CCE)
      throw std::invalid_argument("loss " + std::to_string(loss) + " is not supported by training plans");
    auto& o = *static_cast<dg::Optimizer*>(opt);
    const auto net = layout(o.params, activations, has_bias, nlayers);
    // A softmax only as the output of the categorical cross-entropy head, which works on its logits.
    for (int32_t l = 0; l < nlayers; ++l)
      if (activations[l] == DG_ACT_SOFTMAX && !(loss == DG_LOSS_SOFTMAX_CCE && l + 1 == nlayers))
        throw std::invalid_argument("training plan: softmax only as the last layer of a categorical cross-entropy head");
    if (loss == DG_LOSS_SOFTMAX_CCE && activations[nlayers - 1] != DG_ACT_SOFTMAX && activations[nlayers - 1] != DG_ACT_LINEAR)
      throw std::invalid_argument("training plan: categorical cross-entropy needs a linear or softmax last layer");
    if (options != nullptr) {
      const auto& op = *options;
      for (double v : {op.clipnorm, op.clipvalue, op.global_clipnorm, op.weight_decay})
        if (!(v >= 0) || !std::isfinite(v)) throw std::invalid_argument("training plan: clipping and decay must be finite values >= 0");
      if (op.nlrs < 0 || (op.nlrs > 0 && op.lrs == nullptr)) throw std::invalid_argument("training plan: bad learning-rate list");
      for (int64_t k = 0; k < op.nlrs; ++k)
        if (!(op.lrs[k] > 0) || !std::isfinite(op.lrs[k])) throw std::invalid_argument("training plan: learning rates must be finite and > 0");
      for (size_t i = 0; i < o.params.size(); ++i)
        if ((op.l1 && !(op.l1[i] >= 0 && std::isfinite(op.l1[i]))) || (op.l2 && !(op.l2[i] >= 0 && std::isfinite(op.l2[i]))))
          throw std::invalid_argument("training plan: regularizer factors must be finite values >= 0");
    }
    const auto& X = T(x);
    if (X.dim() != 2 || X.device().type() != at::kCPU) throw std::invalid_argument("training plan: x must be a CPU matrix");
    for (const auto& p : o.params)
      if (p.scalar_type() != X.scalar_type()) throw std::invalid_argument("training plan: x and weights differ in dtype");
    at::NoGradGuard no_grad;
    const at::Tensor* w = sample_weight ? &T(sample_weight) : nullptr;
    const at::Tensor* pm = perm ? &T(perm) : nullptr;
    at::Tensor* out = predictions ? &T(predictions) : nullptr;
    if (X.scalar_type() == at::kDouble) {
      *loss_sum = fit_epoch<double>(o, net, loss, X, T(y), w, pm, batch_size, lr, out, options);
    } else if (X.scalar_type() == at::kFloat) {
      *loss_sum = fit_epoch<float>(o, net, loss, X, T(y), w, pm, batch_size, lr, out, options);
    } else {
      throw std::invalid_argument("training plan: float32 or float64 only");
    }
  });
}

}  // extern "C"
