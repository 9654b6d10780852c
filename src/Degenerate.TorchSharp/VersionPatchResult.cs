namespace Degenerate.Engines.TorchSharp;

/// <summary>What <see cref="ElfVersionPatch"/> did to a library's version need.</summary>
internal enum VersionPatchResult
{
    /// <summary>The library needs no such version: nothing was changed and no copy was written.</summary>
    NotNeeded,

    /// <summary>The need was already weak: nothing was changed and no copy was written.</summary>
    AlreadyWeak,

    /// <summary>The need was marked weak (in memory, or in the copy written).</summary>
    Patched,
}
