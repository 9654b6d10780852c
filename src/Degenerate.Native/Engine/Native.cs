using System.Reflection;
using System.Runtime.InteropServices;
using Degenerate.Tensors;

namespace Degenerate.Engines.Native;

/// <summary>
/// The C ABI of the native shim (src/Degenerate.Native/degenerate.h). Every function that can fail returns a
/// status; <see cref="Check"/> turns a failure into a <see cref="TorchException"/> carrying libtorch's message.
/// </summary>
internal static partial class Native
{
    internal const string Library = "degenerate_native";

    // Finds the shim next to this assembly (where the build copies it) or at DEGENERATE_NATIVE_LIB, before the
    // default search, so an application does not depend on LD_LIBRARY_PATH.
    static Native()
    {
        NativeLibrary.SetDllImportResolver(typeof(Native).Assembly, Resolve);
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library) return IntPtr.Zero;
        var candidates = new List<string>();
        var fromEnv = Environment.GetEnvironmentVariable("DEGENERATE_NATIVE_LIB");
        if (!string.IsNullOrEmpty(fromEnv)) candidates.Add(fromEnv);
        candidates.Add(Path.Combine(AppContext.BaseDirectory, "libdegenerate_native.so"));
        var assemblyDir = Path.GetDirectoryName(assembly.Location);
        if (!string.IsNullOrEmpty(assemblyDir)) candidates.Add(Path.Combine(assemblyDir, "libdegenerate_native.so"));
        foreach (var path in candidates)
        {
            if (File.Exists(path)) return NativeLibrary.Load(path);
        }
        return NativeLibrary.TryLoad(name, assembly, searchPath, out var handle) ? handle : IntPtr.Zero;
    }

    internal static void Check(int status)
    {
        if (status != 0) throw new TorchException(LastError());
    }

    internal static string LastError() => Marshal.PtrToStringUTF8(dg_last_error()) ?? "unknown native error";

    // ---- errors / runtime ----
    [LibraryImport(Library)] internal static partial IntPtr dg_last_error();
    [LibraryImport(Library)] internal static partial IntPtr dg_torch_version();
    [LibraryImport(Library)] internal static partial int dg_cuda_device_count();
    [LibraryImport(Library)] internal static partial int dg_cuda_runtime_version();
    [LibraryImport(Library)] internal static partial int dg_cuda_synchronize(int deviceIndex);
    [LibraryImport(Library)] internal static partial int dg_get_num_threads();
    [LibraryImport(Library)] internal static partial int dg_set_num_threads(int n);
    [LibraryImport(Library)] internal static partial int dg_manual_seed(ulong seed);
    [LibraryImport(Library)] internal static partial int dg_set_grad_enabled(int enabled, out int previous);
    [LibraryImport(Library)] internal static partial int dg_set_float32_matmul_precision(int level);

    // ---- tensor ----
    [LibraryImport(Library)] internal static partial void dg_tensor_free(IntPtr t);
    [LibraryImport(Library)]
    internal static unsafe partial int dg_tensor_from_data(void* data, long* dims, int ndim, int dtype, int deviceType,
        int deviceIndex, out TensorHandle result);
    [LibraryImport(Library)] internal static unsafe partial int dg_tensor_copy_out(TensorHandle t, void* dst, long nbytes);
    [LibraryImport(Library)] internal static unsafe partial int dg_tensor_data_ptr(TensorHandle t, out void* data);
    [LibraryImport(Library)]
    internal static unsafe partial int dg_tensor_info(TensorHandle t, out int dtype, out int ndim, long* dims,
        out int deviceType, out int deviceIndex);
    [LibraryImport(Library)] internal static partial int dg_tensor_item(TensorHandle t, out double value);
    [LibraryImport(Library)]
    internal static unsafe partial int dg_tensor_full(long* dims, int ndim, double value, int dtype, int deviceType,
        int deviceIndex, out TensorHandle result);
    [LibraryImport(Library)]
    internal static partial int dg_tensor_arange(long n, int dtype, int deviceType, int deviceIndex, out TensorHandle result);
    [LibraryImport(Library)]
    internal static partial int dg_tensor_eye(long n, int dtype, int deviceType, int deviceIndex, out TensorHandle result);
    [LibraryImport(Library)]
    internal static partial int dg_tensor_to(TensorHandle t, int dtype, int deviceType, int deviceIndex, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_tensor_clone(TensorHandle t, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_tensor_detach(TensorHandle t, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_tensor_alias(TensorHandle t, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_tensor_all_finite(TensorHandle t, out int result);
    [LibraryImport(Library)] internal static partial int dg_tensor_equal(TensorHandle a, TensorHandle b, out int result);

    // ---- random ----
    [LibraryImport(Library)]
    internal static unsafe partial int dg_rand_uniform(long* dims, int ndim, double low, double high, int dtype,
        int deviceType, int deviceIndex, out TensorHandle result);
    [LibraryImport(Library)]
    internal static unsafe partial int dg_rand_normal(long* dims, int ndim, double mean, double std, int dtype,
        int deviceType, int deviceIndex, out TensorHandle result);
    [LibraryImport(Library)]
    internal static partial int dg_randperm(long n, int deviceType, int deviceIndex, out TensorHandle result);

    // ---- ops ----
    [LibraryImport(Library)] internal static partial int dg_unary(int op, TensorHandle a, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_binary(int op, TensorHandle a, TensorHandle b, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_scalar(int op, TensorHandle a, double s, out TensorHandle result);
    [LibraryImport(Library)]
    internal static partial int dg_reduce(int op, TensorHandle a, long dim, int keepdim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_softmax(TensorHandle a, long dim, int log, out TensorHandle result);
    [LibraryImport(Library)]
    internal static partial int dg_addmm(TensorHandle bias, TensorHandle x, TensorHandle w, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_clamp(TensorHandle a, double min, double max, out TensorHandle result);
    [LibraryImport(Library)]
    internal static partial int dg_where(TensorHandle cond, TensorHandle a, TensorHandle b, out TensorHandle result);
    [LibraryImport(Library)]
    internal static unsafe partial int dg_reshape(TensorHandle a, long* dims, int ndim, out TensorHandle result);
    [LibraryImport(Library)]
    internal static partial int dg_transpose(TensorHandle a, long d0, long d1, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_unsqueeze(TensorHandle a, long dim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_squeeze(TensorHandle a, long dim, out TensorHandle result);
    [LibraryImport(Library)]
    internal static partial int dg_slice(TensorHandle a, long dim, long start, long end, long step, out TensorHandle result);
    [LibraryImport(Library)]
    internal static partial int dg_index_select(TensorHandle a, long dim, TensorHandle index, out TensorHandle result);
    [LibraryImport(Library)]
    internal static partial int dg_gather(TensorHandle a, long dim, TensorHandle index, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_one_hot(TensorHandle index, long classes, out TensorHandle result);
    [LibraryImport(Library)]
    internal static unsafe partial int dg_cat(IntPtr* tensors, int n, long dim, out TensorHandle result);
    [LibraryImport(Library)]
    internal static unsafe partial int dg_expand(TensorHandle a, long* dims, int ndim, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_dropout(TensorHandle a, double p, int train, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_copy_(TensorHandle dst, TensorHandle src);
    [LibraryImport(Library)] internal static partial int dg_fill_(TensorHandle dst, double value);
    [LibraryImport(Library)] internal static partial int dg_add_(TensorHandle dst, TensorHandle src, double alpha);

    // ---- linear algebra ----
    [LibraryImport(Library)] internal static partial int dg_cholesky(TensorHandle a, out TensorHandle result, out int info);
    [LibraryImport(Library)] internal static partial int dg_cholesky_solve(TensorHandle b, TensorHandle l, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_cholesky_inverse(TensorHandle l, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_solve(TensorHandle a, TensorHandle b, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_pinv(TensorHandle a, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_matrix_rank(TensorHandle a, double rtol, out long result);
    [LibraryImport(Library)] internal static partial int dg_eigvalsh(TensorHandle a, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_diag(TensorHandle a, out TensorHandle result);

    // ---- autograd ----
    [LibraryImport(Library)] internal static partial int dg_set_requires_grad(TensorHandle t, int requiresGrad);
    [LibraryImport(Library)] internal static partial int dg_requires_grad(TensorHandle t, out int result);
    [LibraryImport(Library)] internal static partial int dg_backward(TensorHandle t);
    [LibraryImport(Library)] internal static partial int dg_grad(TensorHandle t, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_clear_grad(TensorHandle t);
    [LibraryImport(Library)]
    internal static unsafe partial int dg_autograd_grad(TensorHandle output, IntPtr* inputs, int n, int createGraph, IntPtr* outs);
    [LibraryImport(Library)]
    internal static unsafe partial int dg_autograd_hessian(TensorHandle output, IntPtr* inputs, int n, out TensorHandle gradient,
        out TensorHandle hessian);

    // ---- optimizers ----
    [LibraryImport(Library)]
    internal static unsafe partial int dg_optimizer_create(int kind, double* hyper, int nhyper, IntPtr* parameters,
        int nparams, out IntPtr result);
    [LibraryImport(Library)] internal static partial void dg_optimizer_free(IntPtr optimizer);
    [LibraryImport(Library)]
    internal static partial int dg_optimizer_step(IntPtr optimizer, double lr, double clipnorm, double clipvalue);
    [LibraryImport(Library)] internal static partial int dg_optimizer_iterations(IntPtr optimizer, out long result);
    [LibraryImport(Library)] internal static partial int dg_optimizer_slot(IntPtr optimizer, int param, int slot, out TensorHandle result);
    [LibraryImport(Library)] internal static partial int dg_optimizer_set_iterations(IntPtr optimizer, long iterations);

    // ---- plan.cpp ----
    [LibraryImport(Library)]
    internal static unsafe partial int dg_plan_fit_epoch(IntPtr opt, int* activations, int* hasBias, int nlayers, int loss,
        TensorHandle x, TensorHandle y, IntPtr sampleWeight, IntPtr perm, IntPtr predictions, long batchSize, double lr,
        NativeFusedKernels.PlanOptions* options, out double lossSum);
}
