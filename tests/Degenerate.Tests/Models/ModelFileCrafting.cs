using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

// Builds model files as an attacker would: a valid file taken apart, edited, and framed again with a valid SHA-256,
// so that only the reader's own checks stand between the edit and the model.
internal static class ModelFileCrafting
{
    // Dense(3, relu, inputDim 2) then Dense(1, sigmoid), float32, compiled: weights [2,3] [3] [3,1] [1] at 0 24 36 48.
    public static Sequential Model()
    {
        var model = new Sequential(new Dense(3, "relu", inputDim: 2), new Dense(1, "sigmoid")) { Device = Device.CPU };
        model.SetWeights(new Array[] { new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }, new[] { 7f, 8, 9 }, new float[,] { { 10 }, { 11 }, { 12 } }, new[] { 13f } });
        model.Compile("sgd", "mse", ["mae"]);
        return model;
    }

    public static byte[] ValidFile(string dir)
    {
        using var model = Model();
        var path = Path.Combine(dir, $"valid-{Guid.NewGuid():N}.dgm");
        model.Save(path);
        var bytes = File.ReadAllBytes(path);
        File.Delete(path);
        return bytes;
    }

    public static (uint Version, byte[] Header, byte[] Payload) Split(byte[] file)
    {
        var version = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8));
        var h = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12));
        var p = (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(16 + h));
        return (version, file[16..(16 + h)], file[(24 + h)..(24 + h + p)]);
    }

    /// <summary>Frames the parts with a valid checksum; the length fields may be overridden to lie.</summary>
    public static byte[] Frame(uint version, byte[] header, byte[] payload, uint? headerLength = null, ulong? payloadLength = null)
    {
        using var s = new MemoryStream();
        s.Write("DGNMODEL"u8);
        Span<byte> n = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(n, version);
        s.Write(n[..4]);
        BinaryPrimitives.WriteUInt32LittleEndian(n, headerLength ?? (uint)header.Length);
        s.Write(n[..4]);
        s.Write(header);
        BinaryPrimitives.WriteUInt64LittleEndian(n, payloadLength ?? (ulong)payload.Length);
        s.Write(n);
        s.Write(payload);
        s.Write(SHA256.HashData(s.ToArray()));
        return s.ToArray();
    }

    /// <summary>A valid file whose JSON header was edited, with a recomputed checksum.</summary>
    public static byte[] EditHeader(byte[] file, Action<JsonObject> edit)
    {
        var (version, header, payload) = Split(file);
        var json = JsonNode.Parse(header)!.AsObject();
        edit(json);
        return Frame(version, Encoding.UTF8.GetBytes(json.ToJsonString()), payload);
    }

    public static JsonObject Weight(JsonObject header, int i) => header["weights"]![i]!.AsObject();
}
