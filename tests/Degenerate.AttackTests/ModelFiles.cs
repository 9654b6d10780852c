using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.AttackTests;

/// <summary>
/// A valid model file and the means to take it apart and frame it again with a valid SHA-256, so that crafted
/// fields reach the reader's own checks (layout: docs/model-format.md).
/// </summary>
internal static class ModelFiles
{
    // The architecture Degenerate.AttackRunner's "load-weights" loads into: Dense(3, relu, inputDim 2), Dense(1, sigmoid).
    public static byte[] Valid()
    {
        using var model = new Sequential(new Dense(3, "relu", inputDim: 2), new Dense(1, "sigmoid")) { Device = Device.CPU };
        model.SetWeights(new Array[] { new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }, new[] { 7f, 8, 9 }, new float[,] { { 10 }, { 11 }, { 12 } }, new[] { 13f } });
        model.Compile("adam", "mse");
        model.Fit(new float[,] { { 0, 1 }, { 1, 0 } }, new[] { 0f, 1 }, epochs: 1, verbose: 0); // optimizer slots too
        var path = Path.Combine(Path.GetTempPath(), $"attack-valid-{Guid.NewGuid():N}.dgm");
        try
        {
            model.Save(path);
            return File.ReadAllBytes(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static (uint Version, byte[] Header, byte[] Payload) Split(byte[] file)
    {
        var version = BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(8));
        var h = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(12));
        var p = (int)BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(16 + h));
        return (version, file[16..(16 + h)], file[(24 + h)..(24 + h + p)]);
    }

    /// <summary>Frames the parts with a valid checksum; the version and length fields may lie.</summary>
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

    /// <summary>The file with its last 32 bytes replaced by the SHA-256 of the rest (as a careful forger would).</summary>
    public static byte[] Reseal(byte[] file)
    {
        if (file.Length < 32) return file;
        var sealedFile = (byte[])file.Clone();
        SHA256.HashData(file.AsSpan(0, file.Length - 32)).CopyTo(sealedFile.AsSpan(file.Length - 32));
        return sealedFile;
    }

    public static byte[] EditHeader(byte[] file, Action<JsonObject> edit)
    {
        var (version, header, payload) = Split(file);
        var json = JsonNode.Parse(header)!.AsObject();
        edit(json);
        return Frame(version, Encoding.UTF8.GetBytes(json.ToJsonString()), payload);
    }

    public static JsonObject Weight(JsonObject header, int i) => header["weights"]![i]!.AsObject();
}
