/*
 * degenerate.h: the flat C ABI that Degenerate's C# code calls (via [LibraryImport]).
 *
 * Rules every function follows:
 *  - No C++ exception crosses this boundary. Functions that can fail return a dg_status: 0 on success,
 *    non-zero on failure, with the message (libtorch's own, without the C++ backtrace) kept per thread and read
 *    with dg_last_error() before the next call on that thread.
 *  - A dg_tensor is an owned, heap-allocated at::Tensor (a reference to libtorch's refcounted storage).
 *    Whoever receives one through an out parameter owns it and must release it with dg_tensor_free.
 *    Functions never take ownership of their inputs. An undefined tensor (e.g. a missing gradient) is NULL.
 *  - Shapes are passed as (const int64_t* dims, int ndim). dtype and device use the codes below.
 */
#ifndef DEGENERATE_H
#define DEGENERATE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define DG_API __attribute__((visibility("default")))

typedef void* dg_tensor;
typedef void* dg_optimizer;
typedef int32_t dg_status;

/* dtype codes */
enum { DG_FLOAT32 = 0, DG_FLOAT64 = 1, DG_INT64 = 2, DG_INT32 = 3, DG_BOOL = 4, DG_BFLOAT16 = 5, DG_FLOAT16 = 6 };
/* device type codes */
enum { DG_CPU = 0, DG_CUDA = 1 };
/* "all dimensions" for reductions */
#define DG_ALL_DIMS INT64_MIN
#define DG_MAX_DIMS 16

/* ---- errors.cpp ---- */
DG_API const char* dg_last_error(void);

/* ---- runtime.cpp: versions, devices, threads, seeding ---- */
DG_API const char* dg_torch_version(void);
DG_API int32_t dg_cuda_device_count(void);
DG_API int32_t dg_cuda_runtime_version(void); /* CUDA runtime libtorch was built with (12080 = 12.8); 0: no CUDA */
DG_API dg_status dg_cuda_synchronize(int32_t device_index);
DG_API int32_t dg_get_num_threads(void);
DG_API dg_status dg_set_num_threads(int32_t n);
DG_API dg_status dg_manual_seed(uint64_t seed);
DG_API dg_status dg_set_grad_enabled(int32_t enabled, int32_t* previous);
DG_API dg_status dg_set_float32_matmul_precision(int32_t level); /* 0 highest (no TF32), 1 high (TF32) */

/* ---- tensor.cpp: creation, inspection, copying out ---- */
DG_API void dg_tensor_free(dg_tensor t);
DG_API dg_status dg_tensor_from_data(const void* data, const int64_t* dims, int32_t ndim, int32_t dtype,
                                     int32_t device_type, int32_t device_index, dg_tensor* out);
DG_API dg_status dg_tensor_copy_out(dg_tensor t, void* dst, int64_t nbytes);
DG_API dg_status dg_tensor_data_ptr(dg_tensor t, void** out); /* contiguous CPU tensors only */
DG_API dg_status dg_tensor_info(dg_tensor t, int32_t* dtype, int32_t* ndim, int64_t* dims /* DG_MAX_DIMS */,
                                int32_t* device_type, int32_t* device_index);
DG_API dg_status dg_tensor_item(dg_tensor t, double* out);
DG_API dg_status dg_tensor_full(const int64_t* dims, int32_t ndim, double value, int32_t dtype, int32_t device_type,
                                int32_t device_index, dg_tensor* out);
DG_API dg_status dg_tensor_arange(int64_t n, int32_t dtype, int32_t device_type, int32_t device_index, dg_tensor* out);
DG_API dg_status dg_tensor_eye(int64_t n, int32_t dtype, int32_t device_type, int32_t device_index, dg_tensor* out);
DG_API dg_status dg_tensor_to(dg_tensor t, int32_t dtype, int32_t device_type, int32_t device_index, dg_tensor* out);
DG_API dg_status dg_tensor_clone(dg_tensor t, dg_tensor* out);
DG_API dg_status dg_tensor_detach(dg_tensor t, dg_tensor* out);
DG_API dg_status dg_tensor_alias(dg_tensor t, dg_tensor* out);
DG_API dg_status dg_tensor_all_finite(dg_tensor t, int32_t* out);
DG_API dg_status dg_tensor_equal(dg_tensor a, dg_tensor b, int32_t* out);

/* ---- random.cpp ---- */
DG_API dg_status dg_rand_uniform(const int64_t* dims, int32_t ndim, double low, double high, int32_t dtype,
                                 int32_t device_type, int32_t device_index, dg_tensor* out);
DG_API dg_status dg_rand_normal(const int64_t* dims, int32_t ndim, double mean, double std, int32_t dtype,
                                int32_t device_type, int32_t device_index, dg_tensor* out);
DG_API dg_status dg_randperm(int64_t n, int32_t device_type, int32_t device_index, dg_tensor* out);

/* ---- ops.cpp: element-wise, linear algebra, reductions, shape ---- */
enum {
  DG_NEG = 0, DG_EXP, DG_LOG, DG_SIGMOID, DG_TANH, DG_RELU, DG_SOFTPLUS, DG_ELU, DG_GELU, DG_ABS, DG_SQRT,
  DG_SQUARE, DG_LOG_SIGMOID, DG_LOG1P, DG_SIGN, DG_RECIPROCAL, DG_ISFINITE, DG_ROUND, DG_FLOOR, DG_LGAMMA,
  DG_DIGAMMA, DG_EXPM1, DG_LOGICAL_NOT
};
DG_API dg_status dg_unary(int32_t op, dg_tensor a, dg_tensor* out);

enum {
  DG_ADD = 0, DG_SUB, DG_MUL, DG_DIV, DG_MATMUL, DG_POW, DG_MAXIMUM, DG_MINIMUM, DG_EQ, DG_NE, DG_GT, DG_GE,
  DG_LT, DG_LE, DG_XLOGY, DG_BCE_WITH_LOGITS_ELEMENTWISE, DG_LOGICAL_AND, DG_LOGICAL_OR
};
DG_API dg_status dg_binary(int32_t op, dg_tensor a, dg_tensor b, dg_tensor* out);

enum { DG_S_ADD = 0, DG_S_SUB, DG_S_RSUB, DG_S_MUL, DG_S_DIV, DG_S_RDIV, DG_S_POW, DG_S_CLAMP_MIN, DG_S_CLAMP_MAX,
       DG_S_EQ, DG_S_NE, DG_S_GT, DG_S_GE, DG_S_LT, DG_S_LE, DG_S_ELU, DG_S_RPOW };
DG_API dg_status dg_scalar(int32_t op, dg_tensor a, double s, dg_tensor* out);

enum { DG_R_SUM = 0, DG_R_MEAN, DG_R_MAX, DG_R_MIN, DG_R_ARGMAX, DG_R_LOGSUMEXP, DG_R_PROD, DG_R_ANY, DG_R_ALL,
       DG_R_ARGMIN, DG_R_NORM2, DG_R_ABSMAX };
DG_API dg_status dg_reduce(int32_t op, dg_tensor a, int64_t dim, int32_t keepdim, dg_tensor* out);

DG_API dg_status dg_softmax(dg_tensor a, int64_t dim, int32_t log, dg_tensor* out);
DG_API dg_status dg_addmm(dg_tensor bias, dg_tensor x, dg_tensor w, dg_tensor* out);
DG_API dg_status dg_clamp(dg_tensor a, double min, double max, dg_tensor* out);
DG_API dg_status dg_where(dg_tensor cond, dg_tensor a, dg_tensor b, dg_tensor* out);
DG_API dg_status dg_reshape(dg_tensor a, const int64_t* dims, int32_t ndim, dg_tensor* out);
DG_API dg_status dg_transpose(dg_tensor a, int64_t d0, int64_t d1, dg_tensor* out);
DG_API dg_status dg_unsqueeze(dg_tensor a, int64_t dim, dg_tensor* out);
DG_API dg_status dg_squeeze(dg_tensor a, int64_t dim, dg_tensor* out);
DG_API dg_status dg_slice(dg_tensor a, int64_t dim, int64_t start, int64_t end, int64_t step, dg_tensor* out);
DG_API dg_status dg_index_select(dg_tensor a, int64_t dim, dg_tensor index, dg_tensor* out);
DG_API dg_status dg_gather(dg_tensor a, int64_t dim, dg_tensor index, dg_tensor* out);
DG_API dg_status dg_one_hot(dg_tensor index, int64_t classes, dg_tensor* out);
DG_API dg_status dg_cat(const dg_tensor* tensors, int32_t n, int64_t dim, dg_tensor* out);
DG_API dg_status dg_dropout(dg_tensor a, double p, int32_t train, dg_tensor* out);
DG_API dg_status dg_expand(dg_tensor a, const int64_t* dims, int32_t ndim, dg_tensor* out);

/* in place (under no_grad when the target requires grad: used for weight assignment and accumulation) */
DG_API dg_status dg_copy_(dg_tensor dst, dg_tensor src);
DG_API dg_status dg_fill_(dg_tensor dst, double value);
DG_API dg_status dg_add_(dg_tensor dst, dg_tensor src, double alpha);

/* linear algebra (linalg.cpp) */
DG_API dg_status dg_cholesky(dg_tensor a, dg_tensor* out, int32_t* info);
DG_API dg_status dg_cholesky_solve(dg_tensor b, dg_tensor l, dg_tensor* out);
DG_API dg_status dg_cholesky_inverse(dg_tensor l, dg_tensor* out);
DG_API dg_status dg_solve(dg_tensor a, dg_tensor b, dg_tensor* out);
DG_API dg_status dg_pinv(dg_tensor a, dg_tensor* out);
DG_API dg_status dg_matrix_rank(dg_tensor a, double rtol, int64_t* out);
DG_API dg_status dg_eigvalsh(dg_tensor a, dg_tensor* out);
DG_API dg_status dg_diag(dg_tensor a, dg_tensor* out);

/* ---- autograd.cpp ---- */
DG_API dg_status dg_set_requires_grad(dg_tensor t, int32_t requires_grad);
DG_API dg_status dg_requires_grad(dg_tensor t, int32_t* out);
DG_API dg_status dg_backward(dg_tensor t);
DG_API dg_status dg_grad(dg_tensor t, dg_tensor* out); /* NULL when no gradient */
DG_API dg_status dg_clear_grad(dg_tensor t);
/* Gradients of `output` (a scalar) with respect to `inputs`; create_graph allows second derivatives. */
DG_API dg_status dg_autograd_grad(dg_tensor output, const dg_tensor* inputs, int32_t n, int32_t create_graph,
                                  dg_tensor* outs);
/* Gradient (flattened, inputs concatenated in order) and full Hessian [P, P] of the scalar `output` with respect to
   `inputs`, by one backward pass per Hessian row: for the exact (Newton) solver on small models. */
DG_API dg_status dg_autograd_hessian(dg_tensor output, const dg_tensor* inputs, int32_t n, dg_tensor* gradient,
                                     dg_tensor* hessian);

/* ---- optim.cpp: Keras-formula optimizers, one native call updates every parameter ---- */
enum { DG_OPT_SGD = 0, DG_OPT_ADAM = 1, DG_OPT_RMSPROP = 2, DG_OPT_ADAGRAD = 3 };
/* hyper: SGD {momentum, nesterov}; Adam {beta1, beta2, epsilon, amsgrad}; RMSprop {rho, momentum, epsilon,
   centered}; Adagrad {initial_accumulator_value, epsilon}. Parameters are referenced, not owned. */
DG_API dg_status dg_optimizer_create(int32_t kind, const double* hyper, int32_t nhyper, const dg_tensor* params,
                                     int32_t nparams, dg_optimizer* out);
DG_API void dg_optimizer_free(dg_optimizer opt);
/* Applies one update with learning rate lr from the parameters' .grad, then clears the gradients. */
DG_API dg_status dg_optimizer_step(dg_optimizer opt, double lr, double clipnorm, double clipvalue);
DG_API dg_status dg_optimizer_iterations(dg_optimizer opt, int64_t* out);
/* State for saving: slot (0..2) of parameter param as a new handle aliasing the optimizer's tensor; the step count. */
DG_API dg_status dg_optimizer_slot(dg_optimizer opt, int32_t param, int32_t slot, dg_tensor* out);
DG_API dg_status dg_optimizer_set_iterations(dg_optimizer opt, int64_t iterations);

/* ---- plan.cpp: training plans for stacks of Dense layers (one native call per epoch) ---- */
enum { DG_ACT_LINEAR = 0, DG_ACT_SIGMOID, DG_ACT_RELU, DG_ACT_TANH, DG_ACT_SOFTMAX };
enum { DG_LOSS_MSE = 0, DG_LOSS_BCE_LOGITS, DG_LOSS_SOFTMAX_CCE };
/* What an epoch does besides the plain update, in Keras's order: the regularizers' gradients (l1·sign(p) + 2·l2·p)
   join the loss's and their penalty joins the loss, then global clipping, weight decay (p -= p·decay·lr), per
   parameter clipping by value and by norm, and the update at lrs[k] for the epoch's k-th step (nlrs == 0: lr).
   l1, l2: one factor per parameter, or NULL. dropout_noise: one entry per layer, NULL or a [rows, units] tensor of the
   weights' dtype multiplying that layer's output in training (row k: the k-th row visited); NULL: no dropout.
   decays: one flag per parameter, 0 where the parameter is excluded from weight decay; NULL: every one decays.
   Zero means "not used" for the scalars. */
typedef struct dg_plan_options {
  const double* lrs;
  int64_t nlrs;
  const double* l1;
  const double* l2;
  double clipnorm;
  double clipvalue;
  double global_clipnorm;
  double weight_decay;
  const dg_tensor* dropout_noise;
  const int32_t* decays;
} dg_plan_options;
/* One epoch of minibatch training of the Dense stack whose parameters `opt` holds (kernel [in, out], then the bias
   when has_bias[i], layer by layer): rows taken in `perm` order (NULL: in order), batches of batch_size, forward,
   closed-form backward, one optimizer update per batch with learning rate lr. CPU, float32 or float64.
   DG_LOSS_BCE_LOGITS: the last layer's activation is sigmoid, applied inside the loss (logits form).
   DG_LOSS_SOFTMAX_CCE: −Σ y·log_softmax(logits); the last activation is softmax (or linear: from logits).
   options may be NULL (see dg_plan_options).
   sample_weight may be NULL. *loss_sum receives Σ over rows of sample_weight·loss (the epoch's loss times rows).
   predictions (NULL: none) is a contiguous CPU [rows, output units] tensor of the weights' dtype: its row k receives
   the output (after the last activation) for the k-th row visited, computed before that batch's update. */
DG_API dg_status dg_plan_fit_epoch(dg_optimizer opt, const int32_t* activations, const int32_t* has_bias,
                                   int32_t nlayers, int32_t loss, dg_tensor x, dg_tensor y, dg_tensor sample_weight,
                                   dg_tensor perm, dg_tensor predictions, int64_t batch_size, double lr,
                                   const dg_plan_options* options, double* loss_sum);

/* ---- glm.cpp: exact solvers for generalized linear models (float64) ---- */
enum { DG_FAMILY_GAUSSIAN = 0, DG_FAMILY_BINOMIAL, DG_FAMILY_POISSON, DG_FAMILY_GAMMA, DG_FAMILY_MULTINOMIAL };
enum { DG_LINK_IDENTITY = 0, DG_LINK_LOGIT, DG_LINK_LOG, DG_LINK_INVERSE };
/* A float64 CPU tensor over the caller's row-major [rows, cols] array, without a copy: the caller keeps the memory
   alive (pinned) until the tensor is freed. */
DG_API dg_status dg_glm_borrow(const double* data, int64_t rows, int64_t cols, dg_tensor* out);
/* eta = [1, x] beta when intercept != 0 (beta[0] the intercept), else x beta; multinomial beta [k-1, p] gives [n, k-1]. */
DG_API dg_status dg_glm_linear_predictor(dg_tensor x, int32_t intercept, dg_tensor beta, dg_tensor* out);
/* At coefficients beta ([p], or [k-1, p] class-major for the multinomial family with y holding class indices), in
   one pass over the design (float64) — x [n, p], or [1, x] with x [n, p-1] when intercept != 0 (the ones column is
   implicit, never materialized): score = dl/dbeta, information = -d2l/dbeta2 (observed when observed != 0, else
   expected), loglik = the log-likelihood kernel (terms free of beta and of the scale dropped), all at unit scale.
   weights: [n] or NULL (binomial: trials, with y the proportion of successes). */
DG_API dg_status dg_glm_information(dg_tensor x, int32_t intercept, dg_tensor y, dg_tensor weights, int32_t family,
                                    int32_t link, int32_t observed, dg_tensor beta, dg_tensor* score,
                                    dg_tensor* information, double* loglik);
/* Newton iterations (Fisher scoring for non-canonical links) updating beta in place from its current value; stops
   when max|step| <= tol (converged = 1), after max_iter, on a non-finite step, or when a binomial/multinomial model
   predicts every observation exactly (perfect_prediction = 1). ridge is added to the information's diagonal;
   fallbacks counts steps solved by least squares because the information was not positive definite. When
   information is not NULL it receives the expected information of the last pass (at beta before the last step; the
   caller owns it), so that statistics at convergence need no further pass. */
DG_API dg_status dg_glm_newton(dg_tensor x, int32_t intercept, dg_tensor y, dg_tensor weights, int32_t family,
                               int32_t link, double tol,
                               int32_t max_iter, double ridge, dg_tensor beta, int32_t* iterations, int32_t* converged,
                               int32_t* perfect_prediction, int32_t* fallbacks, double* max_step,
                               dg_tensor* information);

/* ---- distributed.cpp: c10d (libtorch's distributed engine) stores and the Gloo process group ----
   Built with -DUSE_C10D_GLOO when the Gloo headers were found; otherwise dg_distributed_available() is 0 and every
   other function fails with a message saying so. Collectives work in place on the tensors given and fail after
   timeout_ms with a message naming the rank, the world size and the collective. */
typedef void* dg_store;
typedef void* dg_process_group;
enum { DG_REDUCE_SUM = 0, DG_REDUCE_MAX = 1, DG_REDUCE_MIN = 2, DG_REDUCE_PRODUCT = 3 };
DG_API int32_t dg_distributed_available(void);
DG_API dg_status dg_store_file(const char* path, int32_t world_size, dg_store* out);
DG_API dg_status dg_store_tcp(const char* host, int32_t port, int32_t is_server, int32_t world_size, int64_t timeout_ms,
                              int32_t wait_workers, dg_store* out);
DG_API dg_status dg_store_prefix(dg_store base, const char* prefix, dg_store* out);
DG_API void dg_store_free(dg_store s);
DG_API dg_status dg_store_set(dg_store s, const char* key, const void* data, int64_t nbytes);
/* Waits for key; *nbytes receives the value's size, copied into buffer only when it fits in capacity. */
DG_API dg_status dg_store_get(dg_store s, const char* key, int64_t timeout_ms, void* buffer, int64_t capacity,
                              int64_t* nbytes);
DG_API dg_status dg_store_add(dg_store s, const char* key, int64_t value, int64_t* result);
/* interface_name (GLOO_SOCKET_IFNAME) wins over hostname; both NULL or empty: Gloo's default device. */
DG_API dg_status dg_pg_gloo(dg_store store, int32_t rank, int32_t world_size, int64_t timeout_ms,
                            const char* interface_name, const char* hostname, dg_process_group* out);
/* "" when the shim was built with c10d's NCCL (a CUDA libtorch that has it), else a sentence saying why not and what
   is needed. */
DG_API const char* dg_nccl_status(void);
/* An NCCL group on cuda:device_index (one GPU per rank; the rank's local rank). Fails with dg_nccl_status()'s sentence
   on a shim without NCCL. Tensors elsewhere (host arrays) travel through a copy on that GPU. */
DG_API dg_status dg_pg_nccl(dg_store store, int32_t rank, int32_t world_size, int64_t timeout_ms, int32_t device_index,
                            dg_process_group* out);
DG_API void dg_pg_free(dg_process_group g);
/* Reduces n tensors in place, flattened into buckets of at most bucket_bytes (DDP's gradient buckets). */
DG_API dg_status dg_pg_allreduce(dg_process_group g, const dg_tensor* tensors, int32_t n, int32_t op,
                                 int64_t bucket_bytes, int64_t timeout_ms);
DG_API dg_status dg_pg_broadcast(dg_process_group g, const dg_tensor* tensors, int32_t n, int32_t root,
                                 int64_t timeout_ms);
/* *out: [world_size, ...t's shape], rank r's tensor at index r (every rank's t must have the same shape). */
DG_API dg_status dg_pg_allgather(dg_process_group g, dg_tensor t, int64_t timeout_ms, dg_tensor* out);
DG_API dg_status dg_pg_barrier(dg_process_group g, int64_t timeout_ms);

#ifdef __cplusplus
}
#endif

#endif /* DEGENERATE_H */
