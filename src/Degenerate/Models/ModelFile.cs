using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Degenerate.Losses;
using Degenerate.Tensors;

namespace Degenerate.Models;

/// <summary>
/// Degenerate's model file, format version 2 (documented in docs/model-format.md):
/// <code>
/// "DGNMODEL"            8 bytes, magic
/// version               uint32 little-endian (2; version 1 files, without optimizer state, still load)
/// header length H       uint32 little-endian
/// header                H bytes of UTF-8 JSON: model config, compile config, weight table (dtype, shape, offset, nbytes)
/// payload length P      uint64 little-endian
/// payload               P bytes: the weights, raw little-endian, row-major, in the table's order
/// checksum              32 bytes: SHA-256 of every byte before it
/// </code>
/// Weights are stored bit for bit, so Save → Load round-trips exactly, and are streamed in chunks both ways, so a file
/// may be of any size the format allows. Writes go to a temporary file in the same folder that is then renamed over
/// the target, so a failed save never damages an existing file. Reading is in <see cref="ModelFileReader"/>.
/// </summary>
internal static class ModelFile
{
    public const int FormatVersion = 2;

    /// <summary>The oldest version readers still accept (version 1 files have no optimizer state).</summary>
    public const int OldestReadableVersion = 1;
    internal static ReadOnlySpan<byte> Magic => "DGNMODEL"u8;
    internal const int ChecksumLength = 32;

    /// <summary>Magic, version, header length, payload length and checksum: a file can be no shorter.</summary>
    internal const int MinFileBytes = 8 + 4 + 4 + 8 + ChecksumLength;

    // The header describes the model, not its weights: 64 MiB is room for hundreds of thousands of layers, and a
    // bound keeps a crafted header length from allocating gigabytes before the checksum is even checked.
    internal const int DefaultMaxHeaderBytes = 64 << 20;

    // Weights move between tensors and the file in pieces of this size, so no array is ever as large as a weight.
    internal const int DefaultChunkBytes = 64 << 20;

    // Test hooks, per thread so parallel tests do not see them. BeforeReplace is called with the temporary file's
    // path once it is fully written, just before it replaces the target, to simulate a failure at the worst moment;
    // the overrides shrink the limits so tests need not write gigabytes.
    [ThreadStatic] internal static Action<string>? BeforeReplace;
    [ThreadStatic] internal static int? ChunkBytesOverride;
    [ThreadStatic] internal static int? MaxHeaderBytesOverride;

    internal static int ChunkBytes => Math.Max(8, ChunkBytesOverride ?? DefaultChunkBytes);
    internal static int MaxHeaderBytes => MaxHeaderBytesOverride ?? DefaultMaxHeaderBytes;

    /// <summary>The temporary files of a save: <c>.&lt;name&gt;.&lt;32 hex digits&gt;.dgtmp</c>, in the target's folder.</summary>
    internal const string TempExtension = ".dgtmp";

    public sealed record Contents(JsonObject Header, IReadOnlyList<Tensor> Weights, long? InputDim);

    public static void Save(Model model, string path, bool includeCompile)
    {
        model.ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!model.Built) throw new InvalidOperationException("cannot save a model that is not built: give the first layer an inputDim, or Fit/Build it first");
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"cannot save to '{path}': folder '{dir}' does not exist");
        if (Directory.Exists(full)) throw new IOException($"cannot save to '{path}': it is a directory");

        var weights = new List<Tensor>();
        var table = new JsonArray();
        long offset = 0;
        foreach (var layer in model.Layers)
        {
            for (var i = 0; i < layer.Weights.Count; i++)
            {
                var w = layer.Weights[i];
                var size = w.DType switch
                {
                    DType.Float32 => 4,
                    DType.Float64 => 8,
                    _ => throw new NotSupportedException($"cannot save weight '{layer.Name}/{layer.WeightNames[i]}' of dtype {w.DType.Name()}: model files hold float32 or float64"),
                };
                var nbytes = checked(w.NumElements * size);
                table.Add(new JsonObject
                {
                    ["layer"] = layer.Name,
                    ["name"] = layer.WeightNames[i],
                    ["dtype"] = w.DType.Name(),
                    ["shape"] = new JsonArray(w.Shape.Select(d => (JsonNode)d).ToArray()),
                    ["offset"] = offset,
                    ["nbytes"] = nbytes,
                });
                weights.Add(w);
                offset = checked(offset + nbytes);
            }
        }
        // Version 2: the optimizer's state (step count and slots) follows the weights in the payload, so a loaded model
        // resumes training exactly where the saved one stopped.
        using var slotScope = new DisposeScope(); // frees the slot handles StateSlots gives
        var slots = includeCompile && model.IsCompiled ? model.Optimizer!.StateSlots() : null;
        JsonObject? state = null;
        if (slots is not null)
        {
            var slotTable = new JsonArray();
            for (var i = 0; i < slots.Length; i++)
            {
                var t = slots[i];
                var nbytes = checked(t.NumElements * (t.DType == DType.Float32 ? 4 : 8));
                slotTable.Add(new JsonObject
                {
                    ["layer"] = "optimizer",
                    ["name"] = $"parameter{i / Tensors.Engines.EngineOptimizer.SlotsPerParameter}/slot{i % Tensors.Engines.EngineOptimizer.SlotsPerParameter}",
                    ["dtype"] = t.DType.Name(),
                    ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)d).ToArray()),
                    ["offset"] = offset,
                    ["nbytes"] = nbytes,
                });
                weights.Add(t);
                offset = checked(offset + nbytes);
            }
            state = new JsonObject { ["iterations"] = model.Optimizer!.Iterations, ["slots"] = slotTable };
        }
        var header = new JsonObject
        {
            ["format"] = "degenerate.model",
            ["version"] = FormatVersion,
            ["library_version"] = typeof(ModelFile).Assembly.GetName().Version?.ToString(),
            ["saved_utc"] = DateTime.UtcNow.ToString("O"),
            ["model"] = new JsonObject
            {
                ["class_name"] = model.GetType().Name,
                ["name"] = model.Name,
                ["dtype"] = model.DType.Name(),
                ["input_dim"] = model.InputDim,
                ["layers"] = new JsonArray(model.Layers.Select(l => (JsonNode)l.GetConfig()).ToArray()),
            },
            ["compile"] = includeCompile && model.IsCompiled ? CompileConfig(model) : null,
            ["weights"] = table,
            ["optimizer_state"] = state,
        };
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        if (headerBytes.Length > MaxHeaderBytes) // a file the reader would refuse must not replace a good one
            throw new InvalidOperationException($"cannot save to '{path}': the header would take {headerBytes.Length} bytes, over the limit of {MaxHeaderBytes} bytes that readers accept (too many layers or too long names)");

        ModelFileTemps.RemoveStale(dir, Path.GetFileName(full));
        var temp = ModelFileTemps.NewName(dir, Path.GetFileName(full));
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                void Write(ReadOnlySpan<byte> data)
                {
                    stream.Write(data);
                    hash.AppendData(data);
                }
                Span<byte> number = stackalloc byte[8];
                Write(Magic);
                BinaryPrimitives.WriteUInt32LittleEndian(number, FormatVersion);
                Write(number[..4]);
                BinaryPrimitives.WriteUInt32LittleEndian(number, (uint)headerBytes.Length);
                Write(number[..4]);
                Write(headerBytes);
                BinaryPrimitives.WriteUInt64LittleEndian(number, (ulong)offset);
                Write(number);
                foreach (var w in weights) WriteWeight(w, Write);
                stream.Write(hash.GetHashAndReset());
                stream.Flush(flushToDisk: true);
            }
            BeforeReplace?.Invoke(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            if (e is UnauthorizedAccessException)
                throw new UnauthorizedAccessException($"cannot save to '{path}': no permission to write it or to create files in folder '{dir}'; an existing file there is unchanged", e);
            throw;
        }
    }

    private delegate void Writer(ReadOnlySpan<byte> data);

    // One chunk at a time through views of the flat weight, so a weight of any size needs only a chunk of memory.
    private static void WriteWeight(Tensor w, Writer write)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("model files are little-endian");
        using var noGrad = Autograd.NoGrad();
        var size = w.DType == DType.Float32 ? 4 : 8;
        var per = ChunkBytes / 8 * 8 / size;
        var count = w.NumElements;
        if (count <= per)
        {
            WriteElements(w, write);
            return;
        }
        using var flat = w.Reshape(-1);
        for (long start = 0; start < count; start += per)
        {
            using var part = flat.Slice(0, start, Math.Min(count, start + per));
            WriteElements(part, write);
        }
    }

    private static void WriteElements(Tensor t, Writer write)
    {
        if (t.DType == DType.Float32) write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.ToArray<float>().AsSpan()));
        else write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.ToArray<double>().AsSpan()));
    }

    private static JsonObject CompileConfig(Model model)
    {
        var loss = model.Loss!;
        var optimizer = model.Optimizer!;
        var opt = new JsonObject { ["name"] = optimizer.Name };
        foreach (var (k, v) in optimizer.Config) opt[k] = v;
        if (optimizer.ClipNorm is { } cn) opt["clipnorm"] = cn;
        if (optimizer.ClipValue is { } cv) opt["clipvalue"] = cv;
        if (optimizer.GlobalClipnorm is { } gn) opt["global_clipnorm"] = gn;
        if (optimizer.WeightDecay is { } wd) opt["weight_decay"] = wd;
        if (optimizer.LearningRateSchedule is { } schedule)
        {
            // The schedule, not its current rate, is the setting (the rate follows from it and the step).
            opt.Remove("learning_rate");
            opt["learning_rate_schedule"] = Optimizers.Schedules.ScheduleConfig.Write(schedule);
        }
        var config = new JsonObject
        {
            ["optimizer"] = opt,
            ["loss"] = new JsonObject
            {
                ["name"] = loss.Name,
                ["from_logits"] = loss switch
                {
                    BinaryCrossentropy b => b.FromLogits,
                    CategoricalCrossentropy c => c.FromLogits,
                    SparseCategoricalCrossentropy s => s.FromLogits,
                    BinaryFocalCrossentropy f => f.FromLogits,
                    _ => false,
                },
                ["delta"] = loss is Huber h ? h.Delta : null,
                ["label_smoothing"] = loss switch
                {
                    BinaryCrossentropy b => b.LabelSmoothing,
                    CategoricalCrossentropy c => c.LabelSmoothing,
                    BinaryFocalCrossentropy f => f.LabelSmoothing,
                    _ => null,
                },
                ["alpha"] = loss switch
                {
                    BinaryFocalCrossentropy fa => fa.Alpha,
                    NegativeBinomial nb => nb.Alpha,
                    _ => null,
                },
                ["gamma"] = loss is BinaryFocalCrossentropy fg ? fg.Gamma : null,
                ["apply_class_balancing"] = loss is BinaryFocalCrossentropy fb ? fb.ApplyClassBalancing : null,
            },
            ["metrics"] = new JsonArray(model.SavedMetrics(weighted: false).ToArray()),
        };
        if (model.SavedMetrics(weighted: true) is { Count: > 0 } weightedMetrics)
            config["weighted_metrics"] = new JsonArray(weightedMetrics.ToArray());
        return config;
    }

    /// <summary>Reads and verifies a model file; throws <see cref="InvalidDataException"/> naming the path and the problem.</summary>
    public static Contents Read(string path)
    {
        using var reader = ModelFileReader.Open(path);
        var section = ModelFileLoader.ParseModel(reader); // the file must agree with itself, whatever model it goes into
        foreach (var layer in section.Layers) layer.Dispose();
        return new Contents(reader.Header, reader.ReadWeights(), section.InputDim);
    }

    /// <summary>Rebuilds a Sequential model (architecture, weights, compile settings) from a file.</summary>
    public static Sequential LoadSequential(string path, Device? device) => ModelFileLoader.LoadSequential(path, device);
}
