using Degenerate.Tensors;
using Degenerate.Tensors.Engines;

namespace Degenerate.Distributed;

/// <summary>
/// Hosts c10d's TCP rendezvous store, as torchrun's agent does, for ranks started with
/// <see cref="ProcessGroupOptions.UseAgentStore"/> (key prefix <c>/worker/attempt_0</c>). <c>degenerate launch</c> uses
/// it; the store lives until disposed. Needs the native engine.
/// </summary>
public sealed class TcpStoreHost : IDisposable
{
    private readonly ICollectiveStore _store;

    private TcpStoreHost(ICollectiveStore store, int port)
    {
        _store = store;
        Port = port;
    }

    /// <summary>The port the store listens on.</summary>
    public int Port { get; }

    /// <summary>Starts the store on <paramref name="port"/> (it listens on every address of this machine).</summary>
    /// <exception cref="TorchException">The port is in use or cannot be bound; the message names it.</exception>
    public static TcpStoreHost Open(string host, int port, int worldSize, TimeSpan timeout)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        if (port is < 1 or > 65535) throw new ArgumentOutOfRangeException(nameof(port), port, "port must be in 1..65535");
        if (worldSize < 1) throw new ArgumentOutOfRangeException(nameof(worldSize), worldSize, "worldSize must be >= 1");
        var engine = Engine.Current.Distributed;
        if (!engine.Available) throw new NotSupportedException("the native engine was built without c10d's Gloo backend (install libgloo-dev and rebuild)");
        try
        {
            return new TcpStoreHost(engine.OpenTcpStore(host, port, isServer: true, worldSize, timeout, waitWorkers: false), port);
        }
        catch (TorchException e)
        {
            throw new TorchException($"could not host the rendezvous store on port {port}: {e.Message}");
        }
    }

    /// <summary>Stops the store.</summary>
    public void Dispose() => _store.Dispose();
}
