// AFL++ fuzz target (SharpFuzz, out of process): each input is a model file, resealed with a valid SHA-256 so the
// fuzzer explores the reader's own checks rather than stopping at the checksum; InvalidDataException is the
// documented answer to a malformed file, and a file that loads must load whole. Any other exception, a crash or a
// hang is a finding. The same transformation replays the committed corpus in tests/Degenerate.AttackTests.
using System.Security.Cryptography;
using Degenerate.Models;
using SharpFuzz;

if (args is ["--write-seed", var seed])
{
    // A valid current-version file of a small compiled model (optimizer state included) to start from.
    using var model = new Sequential(new Degenerate.Layers.Dense(3, "relu", inputDim: 2), new Degenerate.Layers.Dense(1, "sigmoid"))
        { Device = Degenerate.Tensors.Device.CPU };
    model.Compile("adam", "mse");
    model.Fit(new float[,] { { 0, 1 }, { 1, 0 } }, new[] { 0f, 1 }, epochs: 1, verbose: 0);
    model.Save(seed);
    return;
}

var path = Path.Combine(Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath(), $"degenerate-fuzz-{Environment.ProcessId}.dgm");
try
{
    Fuzzer.OutOfProcess.Run(stream =>
    {
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var bytes = memory.ToArray();
        if (bytes.Length >= 40) SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32)).CopyTo(bytes.AsSpan(bytes.Length - 32));
        File.WriteAllBytes(path, bytes);
        try
        {
            using var model = Sequential.Load(path);
            using var noGrad = Degenerate.Tensors.Autograd.NoGrad();
            foreach (var w in model.GetWeights()) w.Dispose();
        }
        catch (InvalidDataException)
        {
            // the documented answer
        }
    });
}
finally
{
    File.Delete(path);
}
