using System.Buffers.Binary;
using System.Text;

namespace Degenerate.Engines.TorchSharp.Tests;

/// <summary>
/// Builds small ELF64 little-endian files with a .dynstr and one version section (.gnu.version_d or
/// .gnu.version_r), laid out as the ELF gABI and GNU's symbol-versioning spec describe, for tests that need a
/// libstdc++ this machine does not have or a deliberately broken file.
/// </summary>
internal static class SyntheticElf
{
    internal const uint ShtStrtab = 3, ShtVerdef = 0x6ffffffd, ShtVerneed = 0x6ffffffe;

    /// <summary>A library defining the given versions (as libstdc++ defines GLIBCXX_*).</summary>
    internal static byte[] Defining(params string[] versions)
    {
        var strings = new StringTable();
        var body = new List<byte>();
        for (int i = 0; i < versions.Length; i++)
        {
            uint name = strings.Add(versions[i]);
            bool last = i == versions.Length - 1;
            // Verdef (20 bytes) followed by its one Verdaux (8 bytes).
            body.AddRange(U16(1)); body.AddRange(U16(0)); body.AddRange(U16((ushort)(i + 2))); body.AddRange(U16(1));
            body.AddRange(U32(0)); body.AddRange(U32(20)); body.AddRange(U32(last ? 0u : 28u));
            body.AddRange(U32(name)); body.AddRange(U32(0));
        }
        return Build(strings, ShtVerdef, body.ToArray(), (uint)versions.Length);
    }

    /// <summary>A library needing the given versions of one file, all with the given flags.</summary>
    internal static byte[] Needing(string file, ushort flags, params string[] versions)
    {
        var strings = new StringTable();
        uint fileName = strings.Add(file);
        var body = new List<byte>();
        body.AddRange(U16(1)); body.AddRange(U16((ushort)versions.Length)); body.AddRange(U32(fileName));
        body.AddRange(U32(16)); body.AddRange(U32(0));
        for (int i = 0; i < versions.Length; i++)
        {
            uint name = strings.Add(versions[i]);
            body.AddRange(U32(0)); body.AddRange(U16(flags)); body.AddRange(U16((ushort)(i + 2)));
            body.AddRange(U32(name)); body.AddRange(U32(i == versions.Length - 1 ? 0u : 16u));
        }
        return Build(strings, ShtVerneed, body.ToArray(), 1);
    }

    /// <summary>Offset of a section header's field in a file from <see cref="Build"/>: section 2 is the version section.</summary>
    internal static int SectionHeaderField(byte[] elf, int section, int field) =>
        (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28)) + section * 64 + field;

    private static byte[] Build(StringTable dynstr, uint versionType, byte[] versionBody, uint versionCount)
    {
        var shstr = new StringTable();
        uint nDynstr = shstr.Add(".dynstr"), nShstr = shstr.Add(".shstrtab");
        uint nVersion = shstr.Add(versionType == ShtVerdef ? ".gnu.version_d" : ".gnu.version_r");
        var file = new List<byte>(new byte[64]);
        long dynOff = file.Count; file.AddRange(dynstr.Bytes);
        Align(file, 8); long verOff = file.Count; file.AddRange(versionBody);
        long shOff2 = file.Count; file.AddRange(shstr.Bytes);
        Align(file, 8); long shoff = file.Count;
        file.AddRange(new byte[64]); // section 0: SHT_NULL
        file.AddRange(Header(nDynstr, ShtStrtab, dynOff, dynstr.Bytes.Length, 0, 0));
        file.AddRange(Header(nVersion, versionType, verOff, versionBody.Length, 1, versionCount));
        file.AddRange(Header(nShstr, ShtStrtab, shOff2, shstr.Bytes.Length, 0, 0));
        var b = file.ToArray();
        b[0] = 0x7f; b[1] = (byte)'E'; b[2] = (byte)'L'; b[3] = (byte)'F';
        b[4] = 2; b[5] = 1; b[6] = 1;                                   // ELFCLASS64, little-endian, EV_CURRENT
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x10), 3);    // ET_DYN
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x12), 62);   // EM_X86_64
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(0x14), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(b.AsSpan(0x28), (ulong)shoff);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x34), 64);   // e_ehsize
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x3A), 64);   // e_shentsize
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x3C), 4);    // e_shnum
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(0x3E), 3);    // e_shstrndx
        return b;
    }

    private static byte[] Header(uint name, uint type, long offset, long size, uint link, uint info)
    {
        var h = new byte[64];
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(0), name);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(4), type);
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(0x18), (ulong)offset);
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(0x20), (ulong)size);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(0x28), link);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(0x2C), info);
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(0x30), type == ShtStrtab ? 1ul : 8ul);
        return h;
    }

    private static void Align(List<byte> b, int n) { while (b.Count % n != 0) b.Add(0); }
    private static byte[] U16(ushort v) { var b = new byte[2]; BinaryPrimitives.WriteUInt16LittleEndian(b, v); return b; }
    private static byte[] U32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); return b; }

    private sealed class StringTable
    {
        private readonly List<byte> _bytes = [0];
        internal byte[] Bytes => _bytes.ToArray();
        internal uint Add(string s)
        {
            uint at = (uint)_bytes.Count;
            _bytes.AddRange(Encoding.ASCII.GetBytes(s)); _bytes.Add(0);
            return at;
        }
    }
}
