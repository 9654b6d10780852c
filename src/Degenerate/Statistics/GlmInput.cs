using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Degenerate.Tensors;

namespace Degenerate.Statistics;

/// <summary>Checks the user's arrays and turns them into a <see cref="GlmProblem"/>.</summary>
internal static class GlmInput
{
    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    public static void CheckOptions(GlmOptions o)
    {
        if (!(o.Tolerance > 0) || !double.IsFinite(o.Tolerance))
            throw new ArgumentOutOfRangeException(nameof(GlmOptions.Tolerance), o.Tolerance, "Tolerance must be a finite value > 0");
        if (o.MaxIterations <= 0)
            throw new ArgumentOutOfRangeException(nameof(GlmOptions.MaxIterations), o.MaxIterations, "MaxIterations must be > 0");
        if (o.Epochs <= 0) throw new ArgumentOutOfRangeException(nameof(GlmOptions.Epochs), o.Epochs, "Epochs must be > 0");
        if (o.BatchSize <= 0) throw new ArgumentOutOfRangeException(nameof(GlmOptions.BatchSize), o.BatchSize, "BatchSize must be > 0");
        if (!(o.Alpha > 0) || !double.IsFinite(o.Alpha))
            throw new ArgumentOutOfRangeException(nameof(GlmOptions.Alpha), o.Alpha, "Alpha (the negative binomial's) must be a finite value > 0");
        if (!(o.VarPower >= 1) || !double.IsFinite(o.VarPower))
            throw new ArgumentOutOfRangeException(nameof(GlmOptions.VarPower), o.VarPower, "VarPower (the Tweedie family's) must be a finite value >= 1");
        if (!(o.LearningRate > 0)) throw new ArgumentOutOfRangeException(nameof(GlmOptions.LearningRate), o.LearningRate, "LearningRate must be > 0");
    }

    public static Link ResolveLink(Family family, Link? link)
    {
        var resolved = link ?? family switch
        {
            Family.Gaussian => Link.Identity,
            Family.Binomial or Family.Multinomial => Link.Logit,
            Family.Poisson or Family.NegativeBinomial or Family.Tweedie => Link.Log,
            Family.Gamma => Link.Inverse,
            _ => throw new ArgumentOutOfRangeException(nameof(family), family, "unknown family"),
        };
        // statsmodels 0.13's families' allowed links (links), less cauchy, loglog and Binomial/identity.
        var ok = (family, resolved) switch
        {
            (Family.Gaussian, Link.Identity or Link.Log or Link.Inverse) => true,
            (Family.Binomial, Link.Logit or Link.Probit or Link.CLogLog or Link.Log) => true,
            (Family.Poisson, Link.Log or Link.Identity or Link.Sqrt) => true,
            (Family.Gamma, Link.Inverse or Link.Log or Link.Identity) => true,
            (Family.Multinomial, Link.Logit) => true,
            (Family.NegativeBinomial, Link.Log or Link.Identity) => true,
            (Family.Tweedie, Link.Log or Link.Identity) => true,
            _ => false,
        };
        if (!ok)
            throw new ArgumentException(
                $"link {resolved} is not supported with family {family}; supported: Gaussian (Identity, Log, Inverse), " +
                "Binomial (Logit, Probit, CLogLog, Log), Poisson (Log, Identity, Sqrt), Gamma (Inverse, Log, Identity), " +
                "Multinomial (Logit), NegativeBinomial (Log, Identity), Tweedie (Log, Identity)", nameof(link));
        return resolved;
    }

    /// <summary>Throws naming the argument, row and column of the first NaN or infinity.</summary>
    public static void CheckFinite(double[,] x, string argument)
    {
        var cols = x.GetLength(1);
        var flat = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<byte, double>(ref MemoryMarshal.GetArrayDataReference(x)), x.Length);
        for (var i = 0; i < flat.Length; i++)
        {
            if (!double.IsFinite(flat[i]))
                throw new ArgumentException(
                    $"{argument} contains a non-finite value ({F(flat[i])}) at row {i / cols}, column {i % cols}", argument);
        }
    }

    public static void CheckFinite(double[] v, string argument)
    {
        for (var i = 0; i < v.Length; i++)
        {
            if (!double.IsFinite(v[i]))
                throw new ArgumentException($"{argument} contains a non-finite value ({F(v[i])}) at row {i}", argument);
        }
    }

    public static void CheckResponse(Family family, double[] y, double[]? weights, int classes, string argument, double varPower = 1)
    {
        for (var i = 0; i < y.Length; i++)
        {
            var v = y[i];
            var bad = family switch
            {
                Family.Binomial => v < 0 || v > 1 ? "must lie in [0, 1] (a 0/1 outcome or a proportion of successes)" : null,
                Family.Poisson or Family.NegativeBinomial => v < 0 ? "must be a count >= 0" : null,
                Family.Gamma => v <= 0 ? "must be > 0" : null,
                Family.Tweedie => varPower < 2 ? (v < 0 ? $"must be >= 0 (var_power {F(varPower)})" : null)
                    : (v <= 0 ? $"must be > 0 for var_power {F(varPower)} >= 2" : null),
                Family.Multinomial => v < 0 || v >= classes || v != Math.Floor(v)
                    ? $"must be a class index 0..{classes - 1}" : null,
                _ => null,
            };
            if (bad is not null) throw new ArgumentException($"{argument}[{i}] = {F(v)}: the {family} family's response {bad}", argument);
        }
        if (weights is null) return;
        for (var i = 0; i < weights.Length; i++)
        {
            if (weights[i] < 0) throw new ArgumentException($"weights[{i}] = {F(weights[i])}: weights must be >= 0", nameof(weights));
        }
    }

    // skipConstant: as sm.add_constant's has_constant='skip', no ones column is added when x already has a constant
    // column (Glm.Fit); false where the intercept is a parameter of its own (a network's bias, FromModel).
    // global: a distributed fit's constant column and class count, decided over every rank's rows (this rank may have none).
    public static GlmProblem Build(double[,] x, double[] y, double[]? weights, Family family, Link link, GlmOptions o,
        bool skipConstant = false, (int Constant, int Classes)? global = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        long n = x.GetLength(0), p = x.GetLength(1);
        if (n == 0 && global is null) throw new ArgumentException("x has no rows", nameof(x));
        if (y.LongLength != n)
            throw new ArgumentException($"x has {n} rows but y has {y.LongLength} values; they must match", nameof(y));
        if (weights is not null && weights.LongLength != n)
            throw new ArgumentException($"weights has {weights.LongLength} values but x has {n} rows; they must match", nameof(weights));
        if (p == 0 && !o.FitIntercept) throw new ArgumentException("x has no columns and FitIntercept is false: nothing to fit", nameof(x));
        if (o.FeatureNames is { } names && names.Count != p)
            throw new ArgumentException($"FeatureNames has {names.Count} names but x has {p} columns", nameof(GlmOptions.FeatureNames));
        CheckFinite(y, nameof(y));  // x is checked while it is copied (Design)
        if (weights is not null) CheckFinite(weights, nameof(weights));

        var classes = 1;
        if (family == Family.Multinomial)
        {
            classes = o.ClassNames?.Count ?? global?.Classes ?? (int)Math.Max(2, Math.Floor(y.Max()) + 1);
            if (classes < 2) throw new ArgumentException($"ClassNames has {classes} class(es); the multinomial family needs at least 2", nameof(GlmOptions.ClassNames));
        }
        CheckResponse(family, y, weights, classes, nameof(y), o.VarPower);

        // statsmodels' k_constant: a column with no spread that is not all zeros is the constant.
        var constantData = global?.Constant ?? ConstantColumn(x);
        var intercept = o.FitIntercept && !(skipConstant && constantData >= 0);
        var constantColumn = intercept ? 0 : constantData;
        var columns = new List<string>();
        if (intercept) columns.Add("const");
        for (var j = 0; j < p; j++) columns.Add(o.FeatureNames?[j] ?? $"x{j + 1}");

        var (offset, freq, varWeights, trials, product) = Weights(family, link, n, weights, o);
        var device = o.Device ?? Device.CPU;
        var (data, pin) = View(x, device);
        Tensor? yt = null, wt = null;
        try
        {
            yt = Vector(y, device);
            if (product is not null) wt = Vector(product, device);
            return new GlmProblem
            {
                X = data, Source = x, Pin = pin, Y = yt, W = wt, YHost = y, WHost = product, Family = family, Link = link,
                Intercept = intercept, ConstantColumn = constantColumn, ColumnNames = columns, Classes = classes, ClassNames = o.ClassNames,
                Offset = offset, FreqWeights = freq, VarWeights = varWeights, Trials = trials,
                Alpha = family == Family.Tweedie ? o.VarPower : o.Alpha,
                GlmNull = offset is not null || freq is not null || o.VarWeights is not null,
            };
        }
        catch
        {
            data.Dispose();
            if (pin.IsAllocated) pin.Free();
            yt?.Dispose();
            wt?.Dispose();
            throw;
        }
    }

    /// <summary>The first column of x whose values are all equal and not zero, or −1.</summary>
    private static int ConstantColumn(double[,] x)
    {
        long n = x.GetLength(0);
        var p = x.GetLength(1);
        if (n == 0 || p == 0) return -1;
        // Row-major over the array's memory, visiting only the columns still in the running: most columns drop out at
        // the second row, and the scan ends as soon as none is left (a million-row design is then not read at all).
        ref var first = ref Unsafe.As<byte, double>(ref MemoryMarshal.GetArrayDataReference(x));
        var live = new List<int>(p);
        for (var j = 0; j < p; j++)
            if (Unsafe.Add(ref first, j) != 0) live.Add(j);
        for (long i = 1; i < n && live.Count > 0; i++)
        {
            ref var row = ref Unsafe.Add(ref first, (nint)(i * p));
            for (var k = live.Count - 1; k >= 0; k--)
                if (Unsafe.Add(ref row, live[k]) != Unsafe.Add(ref first, live[k])) live.RemoveAt(k);
        }
        return live.Count > 0 ? live[0] : -1;
    }

    /// <summary>
    /// Checks offset, exposure, frequency and variance weights against the rows, and combines them: the offset with
    /// log(exposure), the weights into the product the passes use (frequency × variance × Binomial trials).
    /// </summary>
    private static (double[]? Offset, double[]? Freq, double[]? Var, double[]? Trials, double[]? Product) Weights(Family family, Link link,
        long n, double[]? weights, GlmOptions o)
    {
        double[]? Column(IReadOnlyList<double>? values, string name)
        {
            if (values is null) return null;
            if (values.Count != n)
                throw new ArgumentException($"{name} has {values.Count} values but x has {n} rows; they must match", name);
            var a = values.ToArray();
            CheckFinite(a, name);
            return a;
        }
        var offset = Column(o.Offset, nameof(GlmOptions.Offset));
        var exposure = Column(o.Exposure, nameof(GlmOptions.Exposure));
        var freq = Column(o.FreqWeights, nameof(GlmOptions.FreqWeights));
        var varWeights = Column(o.VarWeights, nameof(GlmOptions.VarWeights));
        if ((offset is not null || exposure is not null) && family == Family.Multinomial)
            throw new ArgumentException("Offset and Exposure are not supported for the multinomial family", nameof(GlmOptions.Offset));
        if (exposure is not null)
        {
            if (link != Link.Log)
                throw new ArgumentException($"Exposure needs the log link (statsmodels' rule); the link is {link}. Give log(exposure) as Offset instead",
                    nameof(GlmOptions.Exposure));
            offset ??= new double[n];
            for (var i = 0; i < n; i++)
            {
                if (!(exposure[i] > 0))
                    throw new ArgumentException($"Exposure[{i}] = {F(exposure[i])}: exposure must be > 0", nameof(GlmOptions.Exposure));
                offset[i] += Math.Log(exposure[i]);
            }
        }
        if (freq is not null)
            for (var i = 0; i < n; i++)
                if (freq[i] < 0) throw new ArgumentException($"FreqWeights[{i}] = {F(freq[i])}: frequency weights must be >= 0", nameof(GlmOptions.FreqWeights));
        if (varWeights is not null)
        {
            if (weights is not null && family != Family.Binomial)
                throw new ArgumentException($"both weights and VarWeights were given; for the {family} family they mean the same (variance weights): give one",
                    nameof(GlmOptions.VarWeights));
            for (var i = 0; i < n; i++)
                if (!(varWeights[i] > 0)) throw new ArgumentException($"VarWeights[{i}] = {F(varWeights[i])}: variance weights must be > 0", nameof(GlmOptions.VarWeights));
        }
        double[]? trials = null;
        if (family == Family.Binomial) trials = weights;
        else varWeights ??= weights;
        double[]? product = null;
        foreach (var factor in new[] { freq, varWeights, trials })
        {
            if (factor is null) continue;
            if (product is null) product = (double[])factor.Clone();
            else for (var i = 0; i < n; i++) product[i] *= factor[i];
        }
        // With one source of weights and nothing else, the caller's array itself (as before: no copy of a large vector).
        if (freq is null && o.VarWeights is null && weights is not null) product = weights;
        return (offset, freq, varWeights, trials, product);
    }

    /// <summary>
    /// x as a tensor: on the CPU a view of the array itself (a million-row design is never copied), pinned by the
    /// engine for as long as its storage lives (<see cref="Tensors.Engines.ITensorEngine.BorrowArray"/>) or else by the
    /// returned handle until the problem is disposed; on another device one bulk copy there.
    /// </summary>
    public static unsafe (Tensor Data, GCHandle Pin) View(double[,] x, Device device)
    {
        if (Borrowed(x, device) is { } shared) return (shared, default);
        var pin = GCHandle.Alloc(x, GCHandleType.Pinned);
        try
        {
            var borrowed = GlmProblem.Kernels.Borrow((double*)pin.AddrOfPinnedObject(), x.GetLongLength(0), x.GetLongLength(1));
            if (borrowed is null)
            {
                // The engine cannot view host memory: one bulk copy, and nothing stays pinned.
                pin.Free();
                var copy = Tensor.FromArray(x, device, DType.Float64);
                DisposeScope.Current?.Detach(copy);
                return (copy, default);
            }
            var view = new Tensor(borrowed);
            DisposeScope.Current?.Detach(view);
            if (device == Device.CPU) return (view, pin);
            Tensor moved;
            using (view) moved = view.To(device);
            DisposeScope.Current?.Detach(moved);
            pin.Free();
            return (moved, default);
        }
        catch
        {
            if (pin.IsAllocated) pin.Free();
            throw;
        }
    }

    /// <summary>y or the weights as a tensor: the array's own memory where the engine can share it on the CPU, else a copy.</summary>
    private static Tensor Vector(double[] v, Device device)
    {
        var t = Borrowed(v, device) ?? Tensor.FromArray(v, device);
        DisposeScope.Current?.Detach(t);  // the problem owns it
        return t;
    }

    // A CPU tensor over the array itself when the engine shares managed memory (it holds its own pin), moved to
    // another device if asked (the shared view then goes at once); null when the engine cannot share.
    private static Tensor? Borrowed(Array a, Device device)
    {
        if (Engine.Current.BorrowArray(a) is not { } handle) return null;
        var view = new Tensor(handle);
        DisposeScope.Current?.Detach(view);
        if (device == Device.CPU) return view;
        Tensor moved;
        using (view) moved = view.To(device);
        DisposeScope.Current?.Detach(moved);
        return moved;
    }

    /// <summary>
    /// Rejects a rank-deficient design, naming each column that is (numerically, as numpy's <c>matrix_rank</c>
    /// decides) a linear combination of the ones before it; returns the design's QR factorization when it is of full
    /// rank but ill-conditioned (its unit-norm columns' condition number above <see cref="DesignFactorization.Threshold"/>),
    /// null when the normal equations are accurate. The common, well-conditioned case costs one pass for XᵀX and a
    /// p × p eigendecomposition; only a doubtful Gram matrix sends the design to the host QR.
    /// </summary>
    public static DesignFactorization? CheckRank(GlmProblem problem, double[,] x)
    {
        var p = problem.Columns;
        double[,] gram;
        using (var scope = new DisposeScope())
        {
            // The Gaussian information at β = 0 without weights is exactly XᵀX.
            using var zero = Tensor.Zeros([p], DType.Float64, problem.X.Device);
            var (s, i, _) = GlmProblem.Kernels.Information(problem.X.Handle, problem.Intercept, problem.Y.Handle, null, Family.Gaussian,
                Link.Identity, false, zero.Handle);
            using var score = new Tensor(s);
            using var info = new Tensor(i);
            using var cpu = info.To(DType.Float64, Device.CPU);
            gram = cpu.ToArray2D<double>();
        }
        problem.Shards?.SumInPlace(gram);  // a distributed fit: XᵀX over every rank's rows
        // XᵀX is finite exactly when x is (barring overflow): the search for the culprit runs only on failure.
        var finite = true;
        foreach (var v in gram) finite &= double.IsFinite(v);
        if (!finite)
        {
            CheckFinite(x, nameof(x));
            throw new ArgumentException("x holds values so large that XᵀX overflows float64; rescale the columns", nameof(x));
        }
        // Eigenvalues of the unit-diagonal Gram matrix: its condition number is the scaled design's squared, accurate
        // to ~1e-8 relative where it matters here (κ² ≤ 1e8 ≪ 1/eps).
        var scaled = new double[p, p];
        var zeroColumn = false;
        for (var a = 0; a < p; a++)
        {
            zeroColumn |= !(gram[a, a] > 0);
            for (var b = 0; b < p; b++)
                scaled[a, b] = gram[a, b] > 0 || gram[a, b] < 0 ? gram[a, b] / Math.Sqrt(gram[a, a] * gram[b, b]) : 0;
        }
        if (!zeroColumn)
        {
            var eig = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(scaled)
                .Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric).EigenValues;
            double min = double.PositiveInfinity, max = 0;
            foreach (var e in eig) { min = Math.Min(min, e.Real); max = Math.Max(max, e.Real); }
            if (min > 0 && max / min < DesignFactorization.Threshold * DesignFactorization.Threshold) return null;
        }
        var factorization = DesignFactorization.Compute(x, problem.Intercept, problem.ColumnNames, formQ: true);
        return factorization.ScaledCondition > DesignFactorization.Threshold ? factorization : null;
    }
}
