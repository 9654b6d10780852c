using System.Buffers.Binary;
using System.Text;

namespace Degenerate.Engines.TorchSharp;

/// <summary>
/// A bounds-checked view of an ELF64 little-endian file held in memory: section headers and the GNU symbol-version
/// sections. Every offset read from the file is checked against the file's length before use, so a truncated or
/// crafted file gives an <see cref="InvalidDataException"/> naming the field, never an out-of-range read.
/// </summary>
internal sealed class ElfImage
{
    internal const uint ShtGnuVerdef = 0x6ffffffd;
    internal const uint ShtGnuVerneed = 0x6ffffffe;
    internal const uint ShtStrtab = 3;
    private const int SectionHeaderSize = 64;

    private readonly byte[] _bytes;
    private readonly string _source;
    private readonly Section[] _sections;

    /// <summary>One section header's fields that the version walk needs.</summary>
    internal readonly record struct Section(int Index, uint Type, long Offset, long Size, uint Link, uint Info);

    /// <summary>One Vernaux entry: where its flags live in the file, its name and its current flags.</summary>
    internal readonly record struct VersionNeed(string File, string Name, ushort Flags, long FlagsOffset);

    internal ElfImage(byte[] bytes, string source)
    {
        _bytes = bytes;
        _source = source;
        if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            throw Bad("e_ident", "the file does not start with the ELF magic 7f 45 4c 46 (or is shorter than an ELF header)");
        if (bytes[4] != 2) throw Bad("e_ident[EI_CLASS]", $"is {bytes[4]}; only ELF64 (2) is supported");
        if (bytes[5] != 1) throw Bad("e_ident[EI_DATA]", $"is {bytes[5]}; only little-endian (1) is supported");

        long shoff = ToLong(U64(0x28, "e_shoff"), "e_shoff");
        int shentsize = U16(0x3A, "e_shentsize");
        long shnum = U16(0x3C, "e_shnum");
        if (shoff == 0) { _sections = []; return; }
        if (shentsize != SectionHeaderSize)
            throw Bad("e_shentsize", $"is {shentsize}; ELF64 section headers are {SectionHeaderSize} bytes");
        Require(shoff, SectionHeaderSize, "e_shoff");
        // With 0xff00 or more sections e_shnum is 0 and section 0's sh_size holds the count.
        if (shnum == 0) shnum = ToLong(U64(shoff + 0x20, "section 0 sh_size"), "section 0 sh_size (extended e_shnum)");
        if (shnum > (bytes.Length - shoff) / SectionHeaderSize)
            throw Bad("e_shnum", $"{shnum} section headers at offset {shoff} do not fit in the file's {bytes.Length} bytes");

        _sections = new Section[shnum];
        for (int i = 0; i < shnum; i++)
        {
            long h = shoff + (long)i * SectionHeaderSize;
            uint type = U32(h + 4, "sh_type");
            long offset = ToLong(U64(h + 0x18, "sh_offset"), $"section {i} sh_offset");
            long size = ToLong(U64(h + 0x20, "sh_size"), $"section {i} sh_size");
            // SHT_NOBITS (8) occupies no file space; every other section must lie inside the file.
            if (type != 8 && type != 0 && (offset > bytes.Length || size > bytes.Length - offset))
                throw Bad($"section {i} sh_offset/sh_size", $"[{offset}, {offset}+{size}) lies outside the file's {bytes.Length} bytes");
            _sections[i] = new Section(i, type, offset, size, U32(h + 0x28, "sh_link"), U32(h + 0x2C, "sh_info"));
        }
    }

    internal IReadOnlyList<Section> Sections => _sections;

    internal Section? FindSection(uint type)
    {
        foreach (var s in _sections) if (s.Type == type) return s;
        return null;
    }

    /// <summary>Walks .gnu.version_r: every Verneed (one per needed library) and its chain of Vernaux entries.</summary>
    internal List<VersionNeed> VersionNeeds()
    {
        var result = new List<VersionNeed>();
        if (FindSection(ShtGnuVerneed) is not { } vr) return result;
        var strtab = LinkedStrings(vr, ".gnu.version_r");
        long need = vr.Offset;
        // sh_info is the number of Verneed entries; counting them also stops a crafted cycle of vn_next links.
        for (uint n = 0; n < vr.Info; n++)
        {
            RequireIn(vr, need, 16, "vn_next (Verneed entry)");
            ushort count = U16(need + 2, "vn_cnt");
            string file = ReadString(strtab, U32(need + 4, "vn_file"), "vn_file");
            long aux = need + U32(need + 8, "vn_aux");
            for (int a = 0; a < count; a++)
            {
                RequireIn(vr, aux, 16, "vna_next (Vernaux entry)");
                ushort flags = U16(aux + 4, "vna_flags");
                string name = ReadString(strtab, U32(aux + 8, "vna_name"), "vna_name");
                result.Add(new VersionNeed(file, name, flags, aux + 4));
                uint next = U32(aux + 12, "vna_next");
                if (next == 0) break;
                aux += next;
            }
            uint nextNeed = U32(need + 12, "vn_next");
            if (nextNeed == 0) break;
            need += nextNeed;
        }
        return result;
    }

    /// <summary>Walks .gnu.version_d: the names of every version this library defines.</summary>
    internal List<string> VersionDefinitions()
    {
        var result = new List<string>();
        if (FindSection(ShtGnuVerdef) is not { } vd) return result;
        var strtab = LinkedStrings(vd, ".gnu.version_d");
        long def = vd.Offset;
        for (uint n = 0; n < vd.Info; n++)
        {
            RequireIn(vd, def, 20, "vd_next (Verdef entry)");
            ushort count = U16(def + 6, "vd_cnt");
            long aux = def + U32(def + 12, "vd_aux");
            // The first Verdaux names the version itself; later ones name its parents.
            if (count > 0)
            {
                RequireIn(vd, aux, 8, "vd_aux (Verdaux entry)");
                result.Add(ReadString(strtab, U32(aux, "vda_name"), "vda_name"));
            }
            uint next = U32(def + 16, "vd_next");
            if (next == 0) break;
            def += next;
        }
        return result;
    }

    private Section LinkedStrings(Section owner, string ownerName)
    {
        if (owner.Link >= _sections.Length)
            throw Bad($"{ownerName} sh_link", $"is {owner.Link}, but the file has {_sections.Length} sections");
        var s = _sections[owner.Link];
        if (s.Type != ShtStrtab) throw Bad($"{ownerName} sh_link", $"names section {s.Index} of type {s.Type}, not a string table");
        return s;
    }

    private string ReadString(Section strtab, uint offset, string field)
    {
        if (offset >= strtab.Size) throw Bad(field, $"string offset {offset} is outside the string table's {strtab.Size} bytes");
        var span = _bytes.AsSpan((int)(strtab.Offset + offset), (int)(strtab.Size - offset));
        int end = span.IndexOf((byte)0);
        if (end < 0) throw Bad(field, $"string at offset {offset} has no terminating NUL inside its string table");
        return Encoding.ASCII.GetString(span[..end]);
    }

    private void RequireIn(Section s, long at, int length, string field)
    {
        if (at < s.Offset || at > s.Offset + s.Size - length)
            throw Bad(field, $"points to offset {at}, outside its section [{s.Offset}, {s.Offset + s.Size})");
    }

    private void Require(long at, int length, string field)
    {
        if (at < 0 || at > _bytes.Length - length)
            throw Bad(field, $"offset {at} (+{length} bytes) is outside the file's {_bytes.Length} bytes");
    }

    private ushort U16(long at, string field) { Require(at, 2, field); return BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan((int)at)); }
    private uint U32(long at, string field) { Require(at, 4, field); return BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan((int)at)); }
    private ulong U64(long at, string field) { Require(at, 8, field); return BinaryPrimitives.ReadUInt64LittleEndian(_bytes.AsSpan((int)at)); }

    private long ToLong(ulong value, string field) =>
        value > (ulong)_bytes.Length ? throw Bad(field, $"is {value}, beyond the file's {_bytes.Length} bytes") : (long)value;

    private InvalidDataException Bad(string field, string problem) =>
        new($"'{_source}' is not a valid ELF64 little-endian library: {field} {problem}.");
}
