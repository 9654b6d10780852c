namespace Degenerate.Engines.TorchSharp;

/// <summary>What <see cref="TorchSharpLoader"/> loaded.</summary>
/// <param name="NativeDirectory">TorchSharp's native folder, when the Debian 12 path ran; else null.</param>
/// <param name="FixApplied">Whether a copy of libLibTorchSharp.so with the GLIBCXX_3.4.32 need weak was loaded.</param>
/// <param name="LibTorchSharpPath">The libLibTorchSharp.so loaded by full path, when the Debian 12 path ran.</param>
/// <param name="KnownBuild">Whether that library's SHA-256 is TorchSharp 0.107.0's, when the Debian 12 path ran.</param>
internal sealed record TorchSharpLoadInfo(string? NativeDirectory, bool FixApplied, string? LibTorchSharpPath, bool? KnownBuild);
