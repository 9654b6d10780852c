namespace Degenerate.Tensors.Engines;

/// <summary>A c10d key-value store (the rendezvous of a process group).</summary>
internal interface ICollectiveStore : IDisposable
{
    void Set(string key, byte[] value);

    /// <summary>Waits up to <paramref name="timeout"/> for the key, then returns its value.</summary>
    byte[] Get(string key, TimeSpan timeout);

    /// <summary>Adds to a counter and returns its new value.</summary>
    long Add(string key, long value);
}
