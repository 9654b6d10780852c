using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.TestShared;

/// <summary>
/// Model files built as an attacker would (layout: docs/model-format.md): a valid file taken apart, edited, and framed
/// again with a valid SHA-256, so that only the reader's own checks stand between the edit and the model. One source
/// file, compiled into Degenerate.Tests and Degenerate.AttackTests (linked from both project files).
/// </summary>
internal static class ModelFileFraming
{
    /// <summary>
    /// Dense(3, relu, inputDim 2) then Dense(1, sigmoid), float32, on the CPU, with weights 1..13 (shapes [2,3] [3]
    /// [3,1] [1] at payload offsets 0 24 36 48): the architecture the attack runner's "load-weights" loads into.
    /// </summary>
    public static Sequential SmallModel()
    {
        var model = new Sequential(new Dense(3, "relu", inputDim: 2), new Dense(1, "sigmoid")) { Device = Device.CPU };
        model.SetWeights(new Array[] { new float[,] { { 1, 2, 3 }, { 4, 5, 6 } }, new[] { 7f, 8, 9 }, new float[,] { { 10 }, { 11 }, { 12 } }, new[] { 13f } });
        return model;
    }

    /// <summary>The bytes <paramref name="model"/> saves to (through a temporary file, deleted afterwards).</summary>
    public static byte[] Bytes(Model model)
    {
        var path = Path.Combine(Path.GetTempPath(), $"degenerate-crafted-{Guid.NewGuid():N}.dgm");
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

    /// <summary>The version field, the JSON header and the weight payload of a well-formed file.</summary>
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

    /// <summary>The file with its last 32 bytes replaced by the SHA-256 of the rest (as a careful forger would).</summary>
    public static byte[] Reseal(byte[] file)
    {
        if (file.Length < 32) return file;
        var sealedFile = (byte[])file.Clone();
        SHA256.HashData(file.AsSpan(0, file.Length - 32)).CopyTo(sealedFile.AsSpan(file.Length - 32));
        return sealedFile;
    }

    /// <summary>A valid file whose JSON header was edited, with a recomputed checksum.</summary>
    public static byte[] EditHeader(byte[] file, Action<JsonObject> edit)
    {
        var (version, header, payload) = Split(file);
        var json = JsonNode.Parse(header)!.AsObject();
        edit(json);
        return Frame(version, Encoding.UTF8.GetBytes(json.ToJsonString()), payload);
    }

    /// <summary>Entry <paramref name="i"/> of the header's weight table.</summary>
    public static JsonObject Weight(JsonObject header, int i) => header["weights"]![i]!.AsObject();
}
