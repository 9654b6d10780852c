namespace Degenerate.Cli.Tests;

/// <summary>A CSV file with the given text in a fresh temporary folder, deleted on Dispose.</summary>
internal sealed class TempCsv : IDisposable
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "degenerate-cli-" + Guid.NewGuid().ToString("N"));

    public TempCsv(string text, string name = "data.csv")
    {
        Directory.CreateDirectory(_folder);
        Path = System.IO.Path.Combine(_folder, name);
        File.WriteAllText(Path, text);
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
