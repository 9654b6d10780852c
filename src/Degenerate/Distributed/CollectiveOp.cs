namespace Degenerate.Distributed;

/// <summary>How an all-reduce combines the ranks' values (c10d's ReduceOp; the codes are the shim's).</summary>
public enum CollectiveOp
{
    /// <summary>Element-wise sum.</summary>
    Sum = 0,
    /// <summary>Element-wise maximum.</summary>
    Max = 1,
    /// <summary>Element-wise minimum.</summary>
    Min = 2,
    /// <summary>Element-wise product.</summary>
    Product = 3,
}
