using System.Buffers.Binary;

namespace Degenerate.Saving;

/// <summary>
/// Refuses an HDF5 file whose groups hold a soft link, before PureHDF opens it. Keras's <c>.weights.h5</c>
/// files (h5py's and ours) never contain one, and PureHDF 2 follows soft links without a depth limit: a link to
/// itself, which one damaged byte can make, recurses until the stack overflows and ends the process — something no
/// exception handler can catch. So the reader looks first.
/// </summary>
/// <remarks>
/// Groups in these files are either HDF5's version-1 symbol tables (h5py): "SNOD" nodes of entries (name offset,
/// object header address, a 4-byte cache type, 4 reserved bytes, a 16-byte scratch pad), where cache type 2 marks a
/// soft link; or link messages in version-2 object headers (PureHDF's writer): "OHDR" headers whose link messages
/// carry a link type, 1 for soft. The scan looks at every such signature whose structure is well formed and refuses
/// the file if it holds a soft link; bytes that merely spell a signature inside data are passed over.
/// </remarks>
internal static class Hdf5SoftLinkScan
{
    private const int SymbolicLinkCacheType = 2;
    private const int MaxEntries = 1 << 12;

    public static void ThrowIfSoftLinks(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var offsetSize = OffsetSize(stream);
        if (offsetSize is not (4 or 8)) return;  // not a superblock PureHDF reads either: it will say so itself
        var entrySize = 2 * offsetSize + 8 + 16;
        var buffer = new byte[1 << 20];
        long bufferStart = 0;
        var carried = 0;
        while (true)
        {
            stream.Position = bufferStart + carried;
            var read = stream.ReadAtLeast(buffer.AsSpan(carried), buffer.Length - carried, throwOnEndOfStream: false);
            var length = carried + read;
            var span = buffer.AsSpan(0, length);
            for (var i = 0; i + 4 <= length; i++)
            {
                // Jump (vectorized) to the next byte that can start a signature.
                var skip = span[i..].IndexOfAny((byte)'S', (byte)'O');
                if (skip < 0) break;
                i += skip;
                if (i + 4 > length) break;
                var signature = span.Slice(i, 4);
                var at = bufferStart + i;
                string? found = null;
                if (signature.SequenceEqual("SNOD"u8) && SoftLinkEntry(stream, at, offsetSize, entrySize) is { } entry)
                    found = $"symbol table entry {entry} of the node at byte {at}";
                else if (signature.SequenceEqual("OHDR"u8) && HasSoftLinkMessage(stream, at))
                    found = $"a link message of the object header at byte {at}";
                if (found is not null)
                    throw new InvalidDataException(
                        $"'{path}' holds a soft link ({found}); Keras weight files have none, so the file is damaged or " +
                        "not a Keras .weights.h5 file");
            }
            if (read == 0 || length < buffer.Length) break;
            // Keep the last 3 bytes: a signature may straddle two reads.
            carried = 3;
            Array.Copy(buffer, length - carried, buffer, 0, carried);
            bufferStart += length - carried;
        }
    }

    // Size of Offsets from the superblock (format signature, then version 0/1: byte 13, version 2/3: byte 9).
    private static int OffsetSize(FileStream stream)
    {
        Span<byte> head = stackalloc byte[16];
        stream.Position = 0;
        if (stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length) return 0;
        if (!head[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a])) return 0;
        return head[8] switch { 0 or 1 => head[13], 2 or 3 => head[9], _ => 0 };
    }

    // A version-2 object header ("OHDR", as PureHDF writes groups) whose first chunk holds a link message (type 6)
    // of link type 1 (soft), or whose message list cannot be walked to the end: such a header is passed over here
    // and left to PureHDF's own checks. Layout: signature, version 2, flags, optional times (16 bytes, flag bit 5) and
    // attribute phase values (4 bytes, bit 4), the chunk size (1, 2, 4 or 8 bytes: flag bits 0–1), then messages of
    // type (1), size (2), flags (1) and a creation order (2, flag bit 2) before each message's data.
    private static bool HasSoftLinkMessage(FileStream stream, long at)
    {
        Span<byte> head = stackalloc byte[32];
        stream.Position = at;
        if (stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < 7) return false;
        if (head[4] != 2) return false;
        var flags = head[5];
        var pos = 6 + ((flags & 0x20) != 0 ? 16 : 0) + ((flags & 0x10) != 0 ? 4 : 0);
        var sizeBytes = 1 << (flags & 0x3);
        if (pos + sizeBytes > head.Length) return false;
        ulong chunk = 0;
        for (var b = 0; b < sizeBytes; b++) chunk |= (ulong)head[pos + b] << (8 * b);
        pos += sizeBytes;
        if (chunk == 0 || chunk > 1 << 24 || at + pos + (long)chunk > stream.Length) return false;
        var messages = new byte[chunk];
        stream.Position = at + pos;
        if (stream.ReadAtLeast(messages, messages.Length, throwOnEndOfStream: false) < messages.Length) return false;
        var headerLength = 4 + ((flags & 0x04) != 0 ? 2 : 0);
        for (var m = 0; m + headerLength <= messages.Length;)
        {
            var type = messages[m];
            int size = BinaryPrimitives.ReadUInt16LittleEndian(messages.AsSpan(m + 1));
            var data = m + headerLength;
            if (data + size > messages.Length) return false;
            if (type == 6 && size >= 2)
            {
                var linkFlags = messages[data + 1];
                // Link type present (flag bit 3) and 1 (soft); 0 or absent is a hard link.
                if (messages[data] == 1 && (linkFlags & 0x08) != 0 && messages[data + 2] == 1) return true;
            }
            m = data + size;
        }
        return false;
    }

    // The index of the first soft-link entry of a well-formed node at `at`, or null.
    private static int? SoftLinkEntry(FileStream stream, long at, int offsetSize, int entrySize)
    {
        Span<byte> header = stackalloc byte[8];
        stream.Position = at;
        if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length) return null;
        if (header[4] != 1) return null;  // node version
        int count = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
        if (count == 0 || count > MaxEntries || at + 8 + (long)count * entrySize > stream.Length) return null;
        var entries = new byte[count * entrySize];
        if (stream.ReadAtLeast(entries, entries.Length, throwOnEndOfStream: false) < entries.Length) return null;
        int? soft = null;
        for (var k = 0; k < count; k++)
        {
            var cacheType = BinaryPrimitives.ReadUInt32LittleEndian(entries.AsSpan(k * entrySize + 2 * offsetSize));
            if (cacheType > SymbolicLinkCacheType) return null;  // not a symbol table node after all
            if (cacheType == SymbolicLinkCacheType) soft ??= k;
        }
        return soft;
    }
}
