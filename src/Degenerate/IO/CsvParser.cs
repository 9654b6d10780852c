using System.Buffers;
using System.Text;

namespace Degenerate.IO;

/// <summary>One field of a record: where its text lies in the parser's buffer.</summary>
internal struct CsvField
{
    public int Start;
    public int Length;
    public bool Quoted;     // the text is a quoted field's content, without the quotes
    public bool HasEscapes; // ... and holds doubled quotes ("") that stand for one
}

/// <summary>
/// A streaming CSV reader over UTF-8 bytes, one buffer at a time, so that memory does not grow with the file: comma
/// separated (or another ASCII separator), records end at \n, \r\n or \r, empty lines skipped, unquoted fields
/// trimmed of spaces and tabs (unless the separator is one), quoted fields kept as written (RFC 4180: separators and
/// line breaks inside, doubled quotes stand for one; an unclosed quote runs to the end of the file). The caller sees
/// each record's fields as spans of the buffer, valid until it returns. Shared by the CLI's tables and CsvBatches.
/// </summary>
internal sealed class CsvParser : IDisposable
{
    private const int InitialBuffer = 1 << 20;

    private readonly SearchValues<byte> _fieldEnds;
    private readonly byte _separator;
    private readonly Func<string, Exception> _error;
    private readonly string _path;
    private readonly Stream _stream;
    private byte[] _buffer;
    private int _pos, _end;
    private bool _eof;
    private CsvField[] _fields = new CsvField[16];
    private int _line = 1;

    /// <summary>
    /// Reads <paramref name="stream"/> (named <paramref name="path"/> in messages); the buffer grows past
    /// <paramref name="bufferBytes"/> for longer records. Malformed quoting is reported through
    /// <paramref name="error"/> (an <see cref="InvalidDataException"/> by default).
    /// </summary>
    public CsvParser(string path, Stream stream, int bufferBytes = InitialBuffer, char separator = ',', Func<string, Exception>? error = null)
    {
        if (separator is '"' or '\n' or '\r' || separator > 127)
            throw new ArgumentException($"separator '{separator}' must be an ASCII character other than a quote or a line end", nameof(separator));
        _separator = (byte)separator;
        _fieldEnds = SearchValues.Create([_separator, (byte)'\n', (byte)'\r']);
        _error = error ?? (message => new InvalidDataException(message));
        _path = path;
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferBytes);
        Fill();
        // A UTF-8 byte order mark is not part of the first column's name.
        if (_end >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF) _pos = 3;
    }

    public static CsvParser Open(string path, char separator = ',', Func<string, Exception>? error = null) =>
        new(path, new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan),
            InitialBuffer, separator, error);

    /// <summary>The bytes the current record's fields point into.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>The current record's fields.</summary>
    public ReadOnlySpan<CsvField> Fields => _fields.AsSpan(0, FieldCount);

    public int FieldCount { get; private set; }

    /// <summary>The file line on which the current record starts (1 for the first line).</summary>
    public int Line { get; private set; }

    public void Dispose()
    {
        _stream.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    /// <summary>A field's text: unescaped for quoted fields.</summary>
    public string Text(in CsvField f)
    {
        var text = Encoding.UTF8.GetString(_buffer, f.Start, f.Length);
        return f.HasEscapes ? text.Replace("\"\"", "\"") : text;
    }

    /// <summary>Moves to the next non-empty record; false at the end of the file.</summary>
    public bool Read()
    {
        while (true)
        {
            var start = _pos;
            var line = _line;
            switch (TryRecord())
            {
                case Outcome.Record:
                    return true;
                case Outcome.Empty:
                    continue;
                case Outcome.End:
                    return false;
                case Outcome.NeedMore:
                    // The record runs past the buffer: keep its bytes, read more, and parse it again from its start.
                    _line = line;
                    Refill(start);
                    continue;
            }
        }
    }

    private enum Outcome { Record, Empty, End, NeedMore }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private Outcome TryRecord()
    {
        var b = _buffer;
        var p = _pos;
        if (p >= _end)
        {
            if (_eof) return Outcome.End;
            return Outcome.NeedMore;
        }
        // An empty line is skipped (a lone line end).
        if (b[p] == '\n' || b[p] == '\r')
        {
            if (b[p] == '\r' && p + 1 >= _end && !_eof) return Outcome.NeedMore;
            p += b[p] == '\r' && p + 1 < _end && b[p + 1] == '\n' ? 2 : 1;
            _pos = p;
            _line++;
            return Outcome.Empty;
        }
        Line = _line;
        var count = 0;
        var lines = 0;
        while (true)
        {
            if (count == _fields.Length) Array.Resize(ref _fields, count * 2);
            ref var field = ref _fields[count++];
            // Leading blanks, then either a quoted field or text up to the next comma or line end.
            while (p < _end && IsBlank(b[p])) p++;
            if (p < _end && b[p] == '"')
            {
                var content = p + 1;
                var q = content;
                var escapes = false;
                while (true)
                {
                    var next = q < _end ? b.AsSpan(q, _end - q).IndexOf((byte)'"') : -1;
                    if (next < 0)
                    {
                        if (!_eof) return Outcome.NeedMore;
                        q = _end; // unclosed: the rest of the file is this field
                        break;
                    }
                    q += next;
                    if (q + 1 >= _end && !_eof) return Outcome.NeedMore;
                    if (q + 1 < _end && b[q + 1] == '"') { escapes = true; q += 2; continue; }
                    break;
                }
                field = new CsvField { Start = content, Length = q - content, Quoted = true, HasEscapes = escapes };
                lines += b.AsSpan(content, q - content).Count((byte)'\n');
                p = Math.Min(q + 1, _end);
                while (p < _end && IsBlank(b[p])) p++;
                if (p < _end && b[p] != _separator && b[p] != '\n' && b[p] != '\r')
                    throw _error($"'{_path}' is not valid CSV: line {_line + lines} has text after a closing quote (a quote inside a quoted field is written twice: \"\")");
            }
            else
            {
                var rest = b.AsSpan(p, _end - p);
                var next = rest.IndexOfAny(_fieldEnds);
                if (next < 0)
                {
                    if (!_eof) return Outcome.NeedMore;
                    next = rest.Length;
                }
                var length = next;
                while (length > 0 && IsBlank(b[p + length - 1])) length--;
                field = new CsvField { Start = p, Length = length };
                p += next;
            }
            if (p >= _end)
            {
                if (!_eof) return Outcome.NeedMore;
                break; // the last record needs no line end
            }
            if (b[p] == _separator) { p++; continue; }
            // A line end: \r\n counts once (and needs its \n in the buffer to know).
            if (b[p] == '\r')
            {
                if (p + 1 >= _end && !_eof) return Outcome.NeedMore;
                p += p + 1 < _end && b[p + 1] == '\n' ? 2 : 1;
            }
            else p++;
            lines++;
            break;
        }
        _pos = p;
        _line += lines;
        FieldCount = count;
        return Outcome.Record;
    }

    // Spaces and tabs around a field are not part of it, unless one of them is the separator.
    private bool IsBlank(byte c) => (c == ' ' || c == '\t') && c != _separator;

    // Moves the unfinished record to the front of the buffer (growing it when the record fills it) and reads more.
    private void Refill(int recordStart)
    {
        var kept = _end - recordStart;
        if (recordStart == 0 && kept == _buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            _buffer.AsSpan(0, kept).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }
        else
        {
            _buffer.AsSpan(recordStart, kept).CopyTo(_buffer);
        }
        _pos = 0;
        _end = kept;
        Fill();
    }

    private void Fill()
    {
        while (_end < _buffer.Length)
        {
            var n = _stream.Read(_buffer, _end, _buffer.Length - _end);
            if (n == 0) { _eof = true; return; }
            _end += n;
        }
    }
}
