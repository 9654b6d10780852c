using System.Buffers.Binary;
using System.Text;

namespace Degenerate.Saving;

/// <summary>
/// The protocol-buffers wire format, as much of it as an ONNX model needs: varints, 64-bit integers, strings, packed
/// floats and nested messages (each written into its own buffer, then copied in with its length). Small enough that
/// the library needs no protobuf runtime or generated classes.
/// </summary>
internal sealed class ProtobufWriter
{
    private readonly MemoryStream _buffer = new();

    private const int Varint = 0, LengthDelimited = 2, Fixed32 = 5;

    public byte[] ToArray() => _buffer.ToArray();

    private void Tag(int field, int wireType) => RawVarint((ulong)((field << 3) | wireType));

    private void RawVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }

    /// <summary>An int32/int64/enum field (negative values take ten bytes, as protobuf encodes them).</summary>
    public ProtobufWriter Int(int field, long value)
    {
        Tag(field, Varint);
        RawVarint((ulong)value);
        return this;
    }

    public ProtobufWriter Float(int field, float value)
    {
        Tag(field, Fixed32);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
        return this;
    }

    public ProtobufWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Tag(field, LengthDelimited);
        RawVarint((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    public ProtobufWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public ProtobufWriter Message(int field, ProtobufWriter message) => Bytes(field, message.ToArray());

    /// <summary>A packed repeated int64 field (ONNX's tensor dims and int lists).</summary>
    public ProtobufWriter PackedInts(int field, IEnumerable<long> values)
    {
        var inner = new ProtobufWriter();
        foreach (var v in values) inner.RawVarint((ulong)v);
        return Bytes(field, inner.ToArray());
    }

    /// <summary>Float32 values as little-endian raw bytes (ONNX's TensorProto.raw_data).</summary>
    public static byte[] LittleEndian(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * 4];
        for (var i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), values[i]);
        return bytes;
    }
}
