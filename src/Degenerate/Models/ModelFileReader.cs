using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Degenerate.Tensors;

namespace Degenerate.Models;

/// <summary>One checked entry of the weight table: where the weight lies in the payload and what it holds.</summary>
internal sealed record ModelFileWeight(int Index, string Layer, string Name, DType DType, long[] Shape, long Offset, long NBytes);

/// <summary>
/// Opens a model file and checks everything that can be checked without a model, in this order: the path is a
/// regular file; the frame's lengths fit the file's size exactly; the SHA-256 (read as a stream, so files of any
/// size); the header's JSON; the weight table against the payload. Only then can the weights be read, one chunk at
/// a time. Every problem is an <see cref="InvalidDataException"/> naming the path and the field.
/// </summary>
internal sealed partial class ModelFileReader : IDisposable
{
    private readonly FileStream _stream;
    private readonly long _payloadAt;

    public ModelFileFields Fields { get; }
    public JsonObject Header { get; }
    public IReadOnlyList<ModelFileWeight> Table { get; }

    /// <summary>The optimizer's saved slots (version 2 files of compiled models); null when the file has none.</summary>
    public IReadOnlyList<ModelFileWeight>? StateTable { get; private init; }

    private ModelFileReader(FileStream stream, ModelFileFields fields, JsonObject header, IReadOnlyList<ModelFileWeight> table, long payloadAt)
    {
        _stream = stream;
        Fields = fields;
        Header = header;
        Table = table;
        _payloadAt = payloadAt;
    }

    public void Dispose() => _stream.Dispose();

    public static ModelFileReader Open(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var f = new ModelFileFields(path);
        if (Directory.Exists(path)) throw f.Bad("it is a directory");
        if (!File.Exists(path)) throw new FileNotFoundException($"model file '{path}' does not exist", path);
        // Before opening: a FIFO would block the open until a writer comes, and a device reports no size, so
        // reading it "to the end" never ends (/dev/zero ran out of memory).
        if (NonRegularKind(path) is { } kind) throw f.Bad($"it is {kind}, not a regular file");
        var length = new FileInfo(path).Length;
        if (length == 0) throw f.Bad($"it is empty (0 bytes; the smallest model file has {ModelFile.MinFileBytes}), or it is not a regular file");

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        try
        {
            length = stream.Length;
            Span<byte> prefix = stackalloc byte[16];
            var got = stream.ReadAtLeast(prefix, prefix.Length, throwOnEndOfStream: false);
            var magic = Math.Min(got, ModelFile.Magic.Length);
            if (!prefix[..magic].SequenceEqual(ModelFile.Magic[..magic])) throw f.Bad("it does not start with the DGNMODEL signature");
            if (length < ModelFile.MinFileBytes)
                throw f.Bad($"file is truncated ({length} bytes; the smallest model file has {ModelFile.MinFileBytes})");
            var version = BinaryPrimitives.ReadUInt32LittleEndian(prefix[8..]);
            if (version is < ModelFile.OldestReadableVersion or > ModelFile.FormatVersion)
                throw f.Bad($"it was written in format version {version}; this Degenerate reads version {ModelFile.FormatVersion} and older files down to version {ModelFile.OldestReadableVersion}"
                    + (version > ModelFile.FormatVersion ? " (a newer Degenerate wrote it: upgrade to load it)" : ""));
            long headerLength = BinaryPrimitives.ReadUInt32LittleEndian(prefix[12..]);
            if (headerLength > ModelFile.MaxHeaderBytes)
                throw f.Bad($"header length {headerLength} exceeds the limit of {ModelFile.MaxHeaderBytes} bytes"
                    + (16 + headerLength + 40 > length ? $" and the file's {length} bytes (truncated or corrupt)" : ""));
            if (16 + headerLength + 8 + ModelFile.ChecksumLength > length)
                throw f.Bad($"file is truncated: header length {headerLength} needs at least {16 + headerLength + 40} bytes, the file has {length}");
            var headerBytes = new byte[headerLength];
            stream.ReadExactly(headerBytes);
            Span<byte> p = stackalloc byte[8];
            stream.ReadExactly(p);
            var payloadLength = BinaryPrimitives.ReadUInt64LittleEndian(p);
            var payloadAt = 24 + headerLength;
            var room = (ulong)(length - payloadAt - ModelFile.ChecksumLength);
            if (payloadLength > room)
                throw f.Bad($"file is truncated: payload length {payloadLength} needs {(UInt128)payloadAt + payloadLength + 32} bytes, the file has {length}");
            if (payloadLength < room)
                throw f.Bad($"the file has {length} bytes but its header and payload length {payloadLength} account for {payloadAt + (long)payloadLength + 32}: trailing data or a corrupt payload length");

            VerifyChecksum(stream, length, f);
            var header = ParseHeader(headerBytes, version, f);
            var (table, end) = ParseTable(header["weights"], "weights", 0, (long)payloadLength, f);
            List<ModelFileWeight>? stateTable = null;
            if (f.OptionalObject(header["optimizer_state"], "optimizer_state") is { } state)
                (stateTable, end) = ParseTable(state["slots"], "optimizer_state.slots", end, (long)payloadLength, f);
            if (end != (long)payloadLength)
                throw f.Bad(stateTable is null
                    ? $"weights cover {end} of the payload's {payloadLength} bytes"
                    : $"weights and optimizer_state.slots cover {end} of the payload's {payloadLength} bytes");
            return new ModelFileReader(stream, f, header, table, payloadAt) { StateTable = stateTable };
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private static void VerifyChecksum(FileStream stream, long length, ModelFileFields f)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            stream.Position = 0;
            for (var left = length - ModelFile.ChecksumLength; left > 0;)
            {
                var n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n == 0) throw f.Bad("file is truncated: it shrank while being read");
                hash.AppendData(buffer, 0, n);
                left -= n;
            }
            Span<byte> stored = stackalloc byte[ModelFile.ChecksumLength];
            stream.ReadExactly(stored);
            if (!stored.SequenceEqual(hash.GetHashAndReset())) throw f.Bad("checksum mismatch: the file is corrupt");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // JsonNode transcodes strings lazily: invalid UTF-8 or a lone escaped surrogate in any name or string would
    // surface later, wherever it is first read, as InvalidOperationException (the fuzzer found this). Read them all
    // here, inside the parse's error handling. Depth is bounded by the parser's limit (64).
    private static void ReadEveryString(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (_, value) in o) ReadEveryString(value);
                break;
            case JsonArray a:
                foreach (var value in a) ReadEveryString(value);
                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                _ = v.GetValue<string>();
                break;
        }
    }

    private static JsonObject ParseHeader(byte[] bytes, uint version, ModelFileFields f)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(bytes);
            ReadEveryString(node);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            throw f.Bad("the header is not valid UTF-8 JSON: " + e.Message, e);
        }
        var header = node as JsonObject ?? throw f.Bad($"the header must be a JSON object, found {node?.GetValueKind().ToString().ToLowerInvariant() ?? "null"}");
        if (f.Text(header["format"], "format") != "degenerate.model")
            throw f.Bad($"format is '{(string?)header["format"]}', expected 'degenerate.model'");
        var declared = f.Integer(header["version"], "version");
        if (declared != version) throw f.Bad($"the header's version is {declared} but the binary version field is {version}");
        return header;
    }

    // Weights lie back to back in table order and fill the payload exactly; anything else (gaps, overlaps, reordering,
    // ranges beyond the payload) is a crafted or corrupt table. All arithmetic is checked, so no length near
    // long.MaxValue can wrap around into range.
    private static (List<ModelFileWeight> Table, long End) ParseTable(JsonNode? node, string field, long start, long payloadLength,
        ModelFileFields f)
    {
        var entries = f.Array(node, field);
        var table = new List<ModelFileWeight>(entries.Count);
        var next = start;
        for (var i = 0; i < entries.Count; i++)
        {
            var at = $"{field}[{i}]";
            var e = f.Object(entries[i], at);
            var layer = f.Text(e["layer"], $"{at}.layer");
            var name = f.Text(e["name"], $"{at}.name");
            var dtypeName = f.Text(e["dtype"], $"{at}.dtype");
            var dtype = dtypeName switch
            {
                "float32" => DType.Float32,
                "float64" => DType.Float64,
                _ => throw f.Bad($"{at}.dtype is '{dtypeName}'; weights are float32 or float64"),
            };
            var dims = f.Array(e["shape"], $"{at}.shape");
            if (dims.Count > 16) throw f.Bad($"{at}.shape has {dims.Count} dimensions; at most 16 are supported");
            var shape = new long[dims.Count];
            long count = 1;
            for (var d = 0; d < shape.Length; d++)
            {
                shape[d] = f.Integer(dims[d], $"{at}.shape[{d}]");
                if (shape[d] < 0) throw f.Bad($"{at}.shape {Tensor.FormatShape(shape[..(d + 1)])}… has a negative dimension");
                try { count = checked(count * shape[d]); }
                catch (OverflowException) { throw f.Bad($"{at}.shape holds more elements than a tensor can (the product overflows)"); }
            }
            var size = dtype == DType.Float32 ? 4 : 8;
            var offset = f.Integer(e["offset"], $"{at}.offset");
            var nbytes = f.Integer(e["nbytes"], $"{at}.nbytes");
            if (offset != next)
                throw f.Bad($"{at}.offset is {offset}, expected {next}: weights lie back to back in table order");
            if (count > long.MaxValue / size || nbytes != count * size)
                throw f.Bad($"{at}.nbytes is {nbytes}, but shape {Tensor.FormatShape(shape)} of {dtypeName} takes {(UInt128)count * (UInt128)size}");
            if (nbytes > payloadLength - next)
                throw f.Bad($"{at}.nbytes {nbytes} at offset {offset} lies beyond the payload of {payloadLength} bytes");
            next += nbytes;
            table.Add(new ModelFileWeight(i, layer, name, dtype, shape, offset, nbytes));
        }
        return (table, next);
    }

    /// <summary>Reads every weight into a CPU tensor, at most <see cref="ModelFile.ChunkBytes"/> at a time.</summary>
    public List<Tensor> ReadWeights() => Read(Table);

    /// <summary>Reads the entries of a checked table (the weights or the optimizer's slots) into CPU tensors.</summary>
    public List<Tensor> Read(IReadOnlyList<ModelFileWeight> table)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("model files are little-endian");
        var chunk = ModelFile.ChunkBytes / 8 * 8; // a multiple of both element sizes
        var buffer = new byte[Math.Min(chunk, table.Count == 0 ? 0 : table.Max(w => w.NBytes))];
        var weights = new List<Tensor>(table.Count);
        try
        {
            foreach (var w in table)
            {
                _stream.Position = _payloadAt + w.Offset;
                var t = ReadWeight(w, buffer);
                DisposeScope.Current?.Detach(t);
                weights.Add(t);
            }
            return weights;
        }
        catch
        {
            foreach (var t in weights) t.Dispose();
            throw;
        }
    }

    private Tensor ReadWeight(ModelFileWeight w, byte[] buffer)
    {
        var size = w.DType == DType.Float32 ? 4 : 8;
        if (w.NBytes <= buffer.Length)
        {
            var span = buffer.AsSpan(0, (int)w.NBytes);
            _stream.ReadExactly(span);
            return FromBytes(span, w.DType, w.Shape);
        }
        // Too large for one buffer: fill a tensor of the full shape through views of its flat form.
        var tensor = Tensor.Zeros(w.Shape, w.DType);
        try
        {
            using var flat = tensor.Reshape(-1);
            for (long done = 0; done < w.NBytes;)
            {
                var n = (int)Math.Min(buffer.Length, w.NBytes - done);
                _stream.ReadExactly(buffer, 0, n);
                using var part = FromBytes(buffer.AsSpan(0, n), w.DType, [n / size]);
                using var target = flat.Slice(0, done / size, (done + n) / size);
                target.CopyFrom(part);
                done += n;
            }
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    private static Tensor FromBytes(ReadOnlySpan<byte> bytes, DType dtype, long[] shape) => dtype == DType.Float32
        ? Tensor.FromSpan(MemoryMarshal.Cast<byte, float>(bytes), shape)
        : Tensor.FromSpan(MemoryMarshal.Cast<byte, double>(bytes), shape);

    // The file type, read with statx: unlike stat, its layout is the same on every Linux architecture, and .NET
    // exposes no file type of its own. Elsewhere (or without statx) the size check that follows still rejects
    // devices and FIFOs, which report size 0.
    private static unsafe string? NonRegularKind(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var buffer = stackalloc byte[256];
        try
        {
            if (Statx(-100 /* AT_FDCWD */, path, 0, 0x1 /* STATX_TYPE */, buffer) != 0) return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
        return (*(ushort*)(buffer + 28) & 0xF000) switch // stx_mode
        {
            0x8000 => null,
            0x4000 => "a directory",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0x1000 => "a FIFO (named pipe)",
            0xC000 => "a socket",
            _ => "a special file",
        };
    }

    [LibraryImport("libc.so.6", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
