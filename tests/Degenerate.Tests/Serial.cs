namespace Degenerate.Tests;

/// <summary>
/// Tests that read process-wide state (resident memory, the console) run in this collection: xunit runs it alone,
/// after the parallel collections, so other tests cannot disturb what they measure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Serial
{
    /// <summary>The collection's name.</summary>
    public const string Name = "serial";
}
