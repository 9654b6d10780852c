// Element-wise, reduction and shape operations. Op codes keep the ABI small: one entry point per signature.
#include "shim.h"

using dg::give;
using dg::T;

namespace {

at::Tensor unary(int32_t op, const at::Tensor& a) {
  switch (op) {
    case DG_NEG: return at::neg(a);
    case DG_EXP: return at::exp(a);
    case DG_LOG: return at::log(a);
    case DG_SIGMOID: return at::sigmoid(a);
    case DG_TANH: return at::tanh(a);
    case DG_RELU: return at::relu(a);
    case DG_SOFTPLUS: return at::softplus(a);
    case DG_ELU: return at::elu(a);
    case DG_GELU: return at::gelu(a);
    case DG_ABS: return at::abs(a);
    case DG_SQRT: return at::sqrt(a);
    case DG_SQUARE: return at::square(a);
    case DG_LOG_SIGMOID: return at::log_sigmoid(a);
    case DG_LOG1P: return at::log1p(a);
    case DG_SIGN: return at::sign(a);
    case DG_RECIPROCAL: return at::reciprocal(a);
    case DG_ISFINITE: return at::isfinite(a);
    case DG_ROUND: return at::round(a);
    case DG_FLOOR: return at::floor(a);
    case DG_LGAMMA: return at::lgamma(a);
    case DG_DIGAMMA: return at::digamma(a);
    case DG_EXPM1: return at::expm1(a);
    case DG_LOGICAL_NOT: return at::logical_not(a);
  }
  throw std::invalid_argument("unknown unary op " + std::to_string(op));
}

at::Tensor binary(int32_t op, const at::Tensor& a, const at::Tensor& b) {
  switch (op) {
    case DG_ADD: return at::add(a, b);
    case DG_SUB: return at::sub(a, b);
    case DG_MUL: return at::mul(a, b);
    case DG_DIV: return at::div(a, b);
    case DG_MATMUL: return at::matmul(a, b);
    case DG_POW: return at::pow(a, b);
    case DG_MAXIMUM: return at::maximum(a, b);
    case DG_MINIMUM: return at::minimum(a, b);
    case DG_EQ: return at::eq(a, b);
    case DG_NE: return at::ne(a, b);
    case DG_GT: return at::gt(a, b);
    case DG_GE: return at::ge(a, b);
    case DG_LT: return at::lt(a, b);
    case DG_LE: return at::le(a, b);
    case DG_XLOGY: return at::xlogy(a, b);
    case DG_BCE_WITH_LOGITS_ELEMENTWISE:  // a = logits, b = targets
      return at::binary_cross_entropy_with_logits(a, b, {}, {}, at::Reduction::None);
    case DG_LOGICAL_AND: return at::logical_and(a, b);
    case DG_LOGICAL_OR: return at::logical_or(a, b);
  }
  throw std::invalid_argument("unknown binary op " + std::to_string(op));
}

at::Tensor scalar(int32_t op, const at::Tensor& a, double s) {
  switch (op) {
    case DG_S_ADD: return at::add(a, s);
    case DG_S_SUB: return at::sub(a, s);
    case DG_S_RSUB: return at::rsub(a, s);
    case DG_S_MUL: return at::mul(a, s);
    case DG_S_DIV: return at::div(a, s);
    case DG_S_RDIV: return at::reciprocal(a).mul_(s);
    case DG_S_POW: return at::pow(a, s);
    case DG_S_CLAMP_MIN: return at::clamp_min(a, s);
    case DG_S_CLAMP_MAX: return at::clamp_max(a, s);
    case DG_S_EQ: return at::eq(a, s);
    case DG_S_NE: return at::ne(a, s);
    case DG_S_GT: return at::gt(a, s);
    case DG_S_GE: return at::ge(a, s);
    case DG_S_LT: return at::lt(a, s);
    case DG_S_LE: return at::le(a, s);
    case DG_S_ELU: return at::elu(a, s);
    case DG_S_RPOW: return at::pow(s, a);
  }
  throw std::invalid_argument("unknown scalar op " + std::to_string(op));
}

at::Tensor reduce(int32_t op, const at::Tensor& a, int64_t dim, bool keepdim) {
  const bool all = dim == DG_ALL_DIMS;
  switch (op) {
    case DG_R_SUM: return all ? at::sum(a) : at::sum(a, {dim}, keepdim);
    case DG_R_MEAN: return all ? at::mean(a) : at::mean(a, {dim}, keepdim);
    case DG_R_MAX: return all ? at::max(a) : std::get<0>(at::max(a, dim, keepdim));
    case DG_R_MIN: return all ? at::min(a) : std::get<0>(at::min(a, dim, keepdim));
    case DG_R_ARGMAX: return all ? at::argmax(a) : at::argmax(a, dim, keepdim);
    case DG_R_ARGMIN: return all ? at::argmin(a) : at::argmin(a, dim, keepdim);
    case DG_R_LOGSUMEXP: return all ? at::logsumexp(a.reshape({-1}), {0}, false) : at::logsumexp(a, {dim}, keepdim);
    case DG_R_PROD: return all ? at::prod(a) : at::prod(a, dim, keepdim);
    case DG_R_ANY: return all ? at::any(a) : at::any(a, dim, keepdim);
    case DG_R_ALL: return all ? at::all(a) : at::all(a, dim, keepdim);
    case DG_R_NORM2: return all ? at::norm(a) : at::norm(a, 2, {dim}, keepdim);
    case DG_R_ABSMAX: return all ? at::abs(a).max() : std::get<0>(at::abs(a).max(dim, keepdim));
  }
  throw std::invalid_argument("unknown reduction op " + std::to_string(op));
}

}  // namespace

extern "C" {

dg_status dg_unary(int32_t op, dg_tensor a, dg_tensor* out) {
  return dg::guard([&] { *out = give(unary(op, T(a))); });
}

dg_status dg_binary(int32_t op, dg_tensor a, dg_tensor b, dg_tensor* out) {
  return dg::guard([&] { *out = give(binary(op, T(a), T(b))); });
}

dg_status dg_scalar(int32_t op, dg_tensor a, double s, dg_tensor* out) {
  return dg::guard([&] { *out = give(scalar(op, T(a), s)); });
}

dg_status dg_reduce(int32_t op, dg_tensor a, int64_t dim, int32_t keepdim, dg_tensor* out) {
  return dg::guard([&] { *out = give(reduce(op, T(a), dim, keepdim != 0)); });
}

dg_status dg_softmax(dg_tensor a, int64_t dim, int32_t log, dg_tensor* out) {
  return dg::guard([&] { *out = give(log ? at::log_softmax(T(a), dim) : at::softmax(T(a), dim)); });
}

dg_status dg_addmm(dg_tensor bias, dg_tensor x, dg_tensor w, dg_tensor* out) {
  return dg::guard([&] {
    *out = give(bias == nullptr ? at::matmul(T(x), T(w)) : at::addmm(T(bias), T(x), T(w)));
  });
}

dg_status dg_clamp(dg_tensor a, double min, double max, dg_tensor* out) {
  return dg::guard([&] { *out = give(at::clamp(T(a), min, max)); });
}

dg_status dg_where(dg_tensor cond, dg_tensor a, dg_tensor b, dg_tensor* out) {
  return dg::guard([&] { *out = give(at::where(T(cond), T(a), T(b))); });
}

dg_status dg_reshape(dg_tensor a, const int64_t* dims, int32_t ndim, dg_tensor* out) {
  return dg::guard([&] { *out = give(T(a).reshape(dg::dims(dims, ndim))); });
}

dg_status dg_transpose(dg_tensor a, int64_t d0, int64_t d1, dg_tensor* out) {
  return dg::guard([&] { *out = give(T(a).transpose(d0, d1)); });
}

dg_status dg_unsqueeze(dg_tensor a, int64_t dim, dg_tensor* out) {
  return dg::guard([&] { *out = give(T(a).unsqueeze(dim)); });
}

dg_status dg_squeeze(dg_tensor a, int64_t dim, dg_tensor* out) {
  return dg::guard([&] { *out = give(T(a).squeeze(dim)); });
}

dg_status dg_slice(dg_tensor a, int64_t dim, int64_t start, int64_t end, int64_t step, dg_tensor* out) {
  return dg::guard([&] { *out = give(T(a).slice(dim, start, end, step)); });
}

dg_status dg_index_select(dg_tensor a, int64_t dim, dg_tensor index, dg_tensor* out) {
  return dg::guard([&] { *out = give(at::index_select(T(a), dim, T(index))); });
}

dg_status dg_gather(dg_tensor a, int64_t dim, dg_tensor index, dg_tensor* out) {
  return dg::guard([&] { *out = give(at::gather(T(a), dim, T(index))); });
}

dg_status dg_one_hot(dg_tensor index, int64_t classes, dg_tensor* out) {
  return dg::guard([&] { *out = give(at::one_hot(T(index), classes)); });
}

dg_status dg_cat(const dg_tensor* tensors, int32_t n, int64_t dim, dg_tensor* out) {
  return dg::guard([&] {
    std::vector<at::Tensor> parts;
    parts.reserve(n);
    for (int32_t i = 0; i < n; ++i) parts.push_back(T(tensors[i]));
    *out = give(at::cat(parts, dim));
  });
}

dg_status dg_dropout(dg_tensor a, double p, int32_t train, dg_tensor* out) {
  return dg::guard([&] { *out = give(at::dropout(T(a), p, train != 0)); });
}

dg_status dg_expand(dg_tensor a, const int64_t* dims, int32_t ndim, dg_tensor* out) {
  return dg::guard([&] { *out = give(T(a).expand(dg::dims(dims, ndim))); });
}

dg_status dg_copy_(dg_tensor dst, dg_tensor src) {
  return dg::guard([&] {
    at::NoGradGuard no_grad;
    T(dst).copy_(T(src));
  });
}

dg_status dg_fill_(dg_tensor dst, double value) {
  return dg::guard([&] {
    at::NoGradGuard no_grad;
    T(dst).fill_(value);
  });
}

dg_status dg_add_(dg_tensor dst, dg_tensor src, double alpha) {
  return dg::guard([&] {
    at::NoGradGuard no_grad;
    T(dst).add_(T(src), alpha);
  });
}

}  // extern "C"
