using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Degenerate.Layers;
using Degenerate.Losses;
using Degenerate.Optimizers;
using Degenerate.Tensors;

namespace Degenerate.Models;

/// <summary>
/// Degenerate's model file, format version 1 (documented in docs/model-format.md):
/// <code>
/// "DGNMODEL"            8 bytes, magic
/// version               uint32 little-endian (1)
/// header length H       uint32 little-endian
/// header                H bytes of UTF-8 JSON: model config, compile config, weight table (dtype, shape, offset, nbytes)
/// payload length P      uint64 little-endian
/// payload               P bytes: the weights, raw little-endian, row-major, in the table's order
/// checksum              32 bytes: SHA-256 of every byte before it
/// </code>
/// Weights are stored bit for bit, so Save → Load round-trips exactly. Writes go to a temporary file in the same folder
/// that is then renamed over the target, so a failed save never damages an existing file.
/// </summary>
internal static class ModelFile
{
    public const int FormatVersion = 1;
    private static readonly byte[] Magic = "DGNMODEL"u8.ToArray();
    private const int ChecksumLength = 32;

    // Test hook: called with the temporary file's path once it is fully written, just before it replaces the
    // target, so a test can simulate a failure at the worst moment. Per thread, so parallel tests do not see it.
    [ThreadStatic] internal static Action<string>? BeforeReplace;

    public sealed record Contents(JsonObject Header, IReadOnlyList<Tensor> Weights, long? InputDim);

    public static void Save(Model model, string path, bool includeCompile)
    {
        model.ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!model.Built) throw new InvalidOperationException("cannot save a model that is not built: give the first layer an inputDim, or Fit/Build it first");
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"cannot save to '{path}': folder '{dir}' does not exist");

        var table = new JsonArray();
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var layer in model.Layers)
        {
            for (var i = 0; i < layer.Weights.Count; i++)
            {
                var w = layer.Weights[i];
                var bytes = ToBytes(w);
                table.Add(new JsonObject
                {
                    ["layer"] = layer.Name,
                    ["name"] = layer.WeightNames[i],
                    ["dtype"] = w.DType.Name(),
                    ["shape"] = new JsonArray(w.Shape.Select(d => (JsonNode)d).ToArray()),
                    ["offset"] = offset,
                    ["nbytes"] = bytes.LongLength,
                });
                blobs.Add(bytes);
                offset += bytes.LongLength;
            }
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
        };
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());

        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
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
                foreach (var blob in blobs) Write(blob);
                stream.Write(hash.GetHashAndReset());
                stream.Flush(flushToDisk: true);
            }
            BeforeReplace?.Invoke(temp);
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    private static JsonObject CompileConfig(Model model)
    {
        var loss = model.Loss!;
        var optimizer = model.Optimizer!;
        var opt = new JsonObject { ["name"] = optimizer.Name };
        foreach (var (k, v) in optimizer.Config) opt[k] = v;
        if (optimizer.ClipNorm is { } cn) opt["clipnorm"] = cn;
        if (optimizer.ClipValue is { } cv) opt["clipvalue"] = cv;
        return new JsonObject
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
                    _ => false,
                },
                ["delta"] = loss is Huber h ? h.Delta : null,
                ["label_smoothing"] = loss switch
                {
                    BinaryCrossentropy b => b.LabelSmoothing,
                    CategoricalCrossentropy c => c.LabelSmoothing,
                    _ => null,
                },
            },
            ["metrics"] = new JsonArray(model.MetricNames.Select(m => (JsonNode)m).ToArray()),
        };
    }

    private static byte[] ToBytes(Tensor w)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("model files are little-endian");
        return w.DType switch
        {
            DType.Float32 => MemoryMarshalBytes(w.ToArray<float>()),
            DType.Float64 => MemoryMarshalBytes(w.ToArray<double>()),
            _ => throw new NotSupportedException($"cannot save weights of dtype {w.DType.Name()}"),
        };
    }

    private static byte[] MemoryMarshalBytes<T>(T[] values) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>Reads and verifies a model file; throws <see cref="InvalidDataException"/> naming the path and the problem.</summary>
    public static Contents Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"model file '{path}' does not exist", path);
        var bytes = File.ReadAllBytes(path);
        InvalidDataException Bad(string problem) => new($"'{path}' is not a valid Degenerate model file: {problem}");

        const int fixedPrefix = 8 + 4 + 4;
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw Bad("it does not start with the DGNMODEL signature");
        if (bytes.Length < fixedPrefix) throw Bad($"file is truncated ({bytes.Length} bytes)");
        var version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8, 4));
        if (version != FormatVersion)
            throw Bad($"it was written in format version {version}; this Degenerate reads version {FormatVersion}");
        var headerLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12, 4));
        long payloadAt = fixedPrefix + (long)headerLength + 8;
        if (payloadAt > bytes.Length)
            throw Bad($"file is truncated: the header needs {payloadAt} bytes, the file has {bytes.Length}");
        var payloadLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)(payloadAt - 8), 8));
        var expected = payloadAt + (long)payloadLength + ChecksumLength;
        if (payloadLength > int.MaxValue || expected != bytes.Length)
            throw Bad(expected > bytes.Length
                ? $"file is truncated: expected {expected} bytes, found {bytes.Length}"
                : $"file has {bytes.Length} bytes, expected {expected} (trailing data or a corrupt length)");
        var stored = bytes.AsSpan(bytes.Length - ChecksumLength);
        var actual = SHA256.HashData(bytes.AsSpan(0, bytes.Length - ChecksumLength));
        if (!stored.SequenceEqual(actual)) throw Bad("checksum mismatch: the file is corrupt");

        JsonObject header;
        try
        {
            header = JsonNode.Parse(bytes.AsSpan(fixedPrefix, (int)headerLength))?.AsObject() ?? throw Bad("empty header");
        }
        catch (JsonException e)
        {
            throw Bad("the header is not valid JSON: " + e.Message);
        }
        var weights = new List<Tensor>();
        try
        {
            foreach (var entry in header["weights"]?.AsArray() ?? throw Bad("no weight table"))
            {
                var e = entry!.AsObject();
                var dtype = DTypeExtensions.Parse((string)e["dtype"]!);
                var shape = e["shape"]!.AsArray().Select(d => (long)d!).ToArray();
                var offset = (long)e["offset"]!;
                var nbytes = (long)e["nbytes"]!;
                if (offset < 0 || nbytes < 0 || offset + nbytes > (long)payloadLength)
                    throw Bad($"weight '{e["layer"]}/{e["name"]}' lies outside the payload");
                var span = bytes.AsSpan((int)(payloadAt + offset), (int)nbytes);
                var t = dtype switch
                {
                    DType.Float32 => Tensor.FromSpan<float>(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(span), shape),
                    DType.Float64 => Tensor.FromSpan<double>(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(span), shape),
                    _ => throw Bad($"unsupported weight dtype {dtype.Name()}"),
                };
                DisposeScope.Current?.Detach(t);
                weights.Add(t);
            }
        }
        catch
        {
            foreach (var w in weights) w.Dispose();
            throw;
        }
        var inputDim = (long?)header["model"]?["input_dim"];
        return new Contents(header, weights, inputDim);
    }

    /// <summary>Rebuilds a Sequential model (architecture, weights, compile settings) from a file.</summary>
    public static Sequential LoadSequential(string path, Device? device)
    {
        var file = Read(path);
        try
        {
            var model = file.Header["model"]?.AsObject() ?? throw new InvalidDataException($"'{path}': no model section");
            if ((string?)model["class_name"] != nameof(Sequential))
                throw new InvalidDataException($"'{path}' holds a {(string?)model["class_name"]}, not a Sequential model");
            var layers = model["layers"]!.AsArray().Select(l => Layer.FromConfig(l!.AsObject())).ToArray();
            var seq = new Sequential(layers) { Name = (string?)model["name"] ?? "sequential" };
            seq.DType = DTypeExtensions.Parse((string?)model["dtype"] ?? "float32");
            if (device is { } d) seq.Device = d;
            if (file.InputDim is { } dim) seq.Build(dim);
            seq.SetWeights(file.Weights);
            if (file.Header["compile"] is JsonObject compile) Recompile(seq, compile);
            return seq;
        }
        finally
        {
            foreach (var w in file.Weights) w.Dispose();
        }
    }

    private static void Recompile(Model model, JsonObject c)
    {
        var o = c["optimizer"]!.AsObject();
        double Get(string key, double fallback) => o[key] is { } v ? (double)v : fallback;
        double? Opt(string key) => o[key] is { } v ? (double)v : null;
        Optimizer optimizer = (string?)o["name"] switch
        {
            "sgd" => new SGD(Get("learning_rate", 0.01), Get("momentum", 0), Get("nesterov", 0) != 0, Opt("clipnorm"), Opt("clipvalue")),
            "adam" => new Adam(Get("learning_rate", 1e-3), Get("beta_1", 0.9), Get("beta_2", 0.999), Get("epsilon", 1e-7),
                Get("amsgrad", 0) != 0, Opt("clipnorm"), Opt("clipvalue")),
            "rmsprop" => new RMSprop(Get("learning_rate", 1e-3), Get("rho", 0.9), Get("momentum", 0), Get("epsilon", 1e-7),
                Get("centered", 0) != 0, Opt("clipnorm"), Opt("clipvalue")),
            "adagrad" => new Adagrad(Get("learning_rate", 1e-3), Get("initial_accumulator_value", 0.1), Get("epsilon", 1e-7),
                Opt("clipnorm"), Opt("clipvalue")),
            "newton" => new Newton(Get("tolerance", 1e-8), Get("ridge", 1e-10)),
            "lbfgs" => new LBFGS(Get("tolerance", 1e-10), (int)Get("history_size", 10)),
            var other => throw new InvalidDataException($"unknown optimizer '{other}' in model file"),
        };
        var l = c["loss"]!.AsObject();
        var fromLogits = (bool?)l["from_logits"] ?? false;
        Loss loss = (string?)l["name"] switch
        {
            "binary_crossentropy" => new BinaryCrossentropy(fromLogits, (double?)l["label_smoothing"] ?? 0),
            "categorical_crossentropy" => new CategoricalCrossentropy(fromLogits, (double?)l["label_smoothing"] ?? 0),
            "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(fromLogits),
            "huber" => new Huber((double?)l["delta"] ?? 1.0),
            var name => Loss.Get(name ?? throw new InvalidDataException("model file has a compile section without a loss")),
        };
        var metrics = c["metrics"]?.AsArray().Select(m => (string)m!).ToList();
        model.Compile(optimizer, loss, metrics);
    }
}
