namespace Degenerate.Tensors.Engines;

/// <summary>
/// The contract between Degenerate's <see cref="Tensor"/> and the library that computes (Keras 3's "backend"): every
/// tensor operation, autograd and the runtime facts. Everything above <see cref="Tensor"/> is written once against
/// it. An engine throws <see cref="TorchException"/> (or an argument exception) for a failed operation and never lets
/// a native error end the process. Optional fused kernels (<see cref="FusedKernels"/>, <see cref="GlmKernels"/>,
/// <see cref="CreateOptimizer"/>) may be null: callers then use portable implementations written on this contract.
/// </summary>
internal interface ITensorEngine
{
    /// <summary>"native" or "torchsharp".</summary>
    string Name { get; }

    /// <summary>The libtorch version the engine runs on, e.g. "2.10.0".</summary>
    string TorchVersion { get; }

    /// <summary>CUDA runtime version (e.g. "12.8"), or null for a CPU-only libtorch.</summary>
    string? CudaVersion { get; }

    int CudaDeviceCount { get; }

    int Threads { get; set; }

    void ManualSeed(ulong seed);

    void SetFloat32MatmulPrecision(bool allowTF32);

    void Synchronize(Device device);

    /// <summary>Sets this thread's gradient mode; returns the previous one.</summary>
    bool SetGradEnabled(bool enabled);

    // ---- creation and reading back ----
    unsafe EngineTensor FromData(void* data, ReadOnlySpan<long> shape, DType dtype, Device device);
    unsafe void CopyOut(EngineTensor t, void* destination, long nbytes);
    /// <summary>
    /// The first element of a contiguous CPU tensor's data, valid while the tensor lives and is not resized (for
    /// kernels that work on tensor memory in place). Throws <see cref="InvalidOperationException"/> for a tensor that
    /// is not on the CPU or not contiguous.
    /// </summary>
    unsafe void* DataPointer(EngineTensor t);
    /// <summary>
    /// A CPU tensor over a managed array's own elements (its shape and element type; no copy), or null when the engine
    /// cannot share managed memory and the caller must copy. The tensor keeps the array pinned until libtorch frees
    /// its storage, so it and every view of it stay valid however long they outlive the caller's pin or references.
    /// Nothing may write through it: the elements stay the caller's.
    /// </summary>
    EngineTensor? BorrowArray(Array array) => null;
    (DType DType, long[] Shape, Device Device) Info(EngineTensor t);
    double Item(EngineTensor t);
    EngineTensor Full(ReadOnlySpan<long> shape, double value, DType dtype, Device device);
    EngineTensor Arange(long n, DType dtype, Device device);
    EngineTensor Eye(long n, DType dtype, Device device);
    EngineTensor RandUniform(ReadOnlySpan<long> shape, double low, double high, DType dtype, Device device);
    EngineTensor RandNormal(ReadOnlySpan<long> shape, double mean, double std, DType dtype, Device device);
    EngineTensor RandPerm(long n, Device device);

    // ---- conversion and identity ----
    EngineTensor To(EngineTensor t, DType dtype, Device device);
    EngineTensor Clone(EngineTensor t);
    EngineTensor Detach(EngineTensor t);
    EngineTensor Alias(EngineTensor t);
    bool AllFinite(EngineTensor t);
    bool Equal(EngineTensor a, EngineTensor b);

    // ---- differentiable operations ----
    EngineTensor Unary(UnaryOp op, EngineTensor a);
    EngineTensor Binary(BinaryOp op, EngineTensor a, EngineTensor b);
    EngineTensor Scalar(ScalarOp op, EngineTensor a, double s);
    /// <summary>A reduction over <paramref name="dim"/>, or over all elements when dim is long.MinValue.</summary>
    EngineTensor Reduce(ReduceOp op, EngineTensor a, long dim, bool keepDim);
    EngineTensor Softmax(EngineTensor a, long dim, bool log);
    EngineTensor AddMM(EngineTensor bias, EngineTensor x, EngineTensor weight);
    EngineTensor Clamp(EngineTensor a, double min, double max);
    EngineTensor Where(EngineTensor condition, EngineTensor a, EngineTensor b);
    EngineTensor Reshape(EngineTensor a, ReadOnlySpan<long> shape);
    EngineTensor Expand(EngineTensor a, ReadOnlySpan<long> shape);
    EngineTensor Transpose(EngineTensor a, long dim0, long dim1);
    EngineTensor Unsqueeze(EngineTensor a, long dim);
    EngineTensor Squeeze(EngineTensor a, long dim);
    EngineTensor Slice(EngineTensor a, long dim, long start, long end, long step);
    EngineTensor IndexSelect(EngineTensor a, long dim, EngineTensor index);
    EngineTensor Gather(EngineTensor a, long dim, EngineTensor index);
    EngineTensor OneHot(EngineTensor index, long classes);
    EngineTensor Cat(IReadOnlyList<EngineTensor> tensors, long dim);
    EngineTensor Dropout(EngineTensor a, double p, bool training);

    // ---- in place, without autograd ----
    void CopyInPlace(EngineTensor destination, EngineTensor source);
    void FillInPlace(EngineTensor destination, double value);
    void AddInPlace(EngineTensor destination, EngineTensor source, double alpha);

    // ---- linear algebra ----
    /// <summary>The lower Cholesky factor, and whether the matrix was positive definite.</summary>
    (EngineTensor Factor, bool PositiveDefinite) Cholesky(EngineTensor a);
    EngineTensor CholeskySolve(EngineTensor b, EngineTensor factor);
    EngineTensor CholeskyInverse(EngineTensor factor);
    EngineTensor Solve(EngineTensor a, EngineTensor b);
    EngineTensor PseudoInverse(EngineTensor a);
    long MatrixRank(EngineTensor a, double rtol);
    EngineTensor EigenvaluesSymmetric(EngineTensor a);
    EngineTensor Diag(EngineTensor a);

    // ---- autograd ----
    bool RequiresGrad(EngineTensor t);
    void SetRequiresGrad(EngineTensor t, bool requiresGrad);
    void Backward(EngineTensor t);
    EngineTensor? Grad(EngineTensor t);
    void ClearGrad(EngineTensor t);
    EngineTensor?[] AutogradGrad(EngineTensor output, IReadOnlyList<EngineTensor> inputs, bool createGraph);
    (EngineTensor Gradient, EngineTensor Hessian) Hessian(EngineTensor output, IReadOnlyList<EngineTensor> inputs);

    // ---- optional fused kernels ----

    /// <summary>
    /// The engine's own Keras-formula optimizer for these parameters (kind and hyperparameters as
    /// <see cref="Optimizers.Optimizer"/> lists them), or null when the engine has none (a portable one is used).
    /// </summary>
    EngineOptimizer? CreateOptimizer(int kind, ReadOnlySpan<double> hyperparameters, IReadOnlyList<EngineTensor> parameters);

    /// <summary>Fused whole-epoch training and prediction of Dense stacks, or null.</summary>
    IFusedKernels? FusedKernels { get; }

    /// <summary>Fused GLM passes (information matrix, Newton iterations), or null.</summary>
    IGlmKernels? GlmKernels { get; }

    /// <summary>
    /// The distributed runtime (libtorch's c10d). Throws <see cref="NotSupportedException"/>, naming the engine that
    /// has one, on an engine without it.
    /// </summary>
    IDistributedEngine Distributed { get; }
}
