using Degenerate.Tensors;

namespace Degenerate.Regularizers;

/// <summary>A weight penalty added to the training loss, as in <c>keras.regularizers</c>.</summary>
public abstract class Regularizer
{
    /// <summary>The penalty for one weight tensor (a scalar tensor that autograd differentiates).</summary>
    public abstract Tensor Penalty(Tensor weight);

    /// <summary>Name and factors for summaries and saved files, e.g. "l2(0.01)".</summary>
    public abstract string Describe();

    /// <summary>Parses what <see cref="Describe"/> writes, or a bare Keras name ("l1", "l2", "l1_l2") with default factors.</summary>
    public static Regularizer Get(string text)
    {
        var s = text.Trim().ToLowerInvariant();
        var open = s.IndexOf('(');
        var name = open < 0 ? s : s[..open];
        var args = open < 0 ? [] : s[(open + 1)..].TrimEnd(')').Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(a => double.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return name switch
        {
            "l1" => new L1(args.Length > 0 ? args[0] : 0.01),
            "l2" => new L2(args.Length > 0 ? args[0] : 0.01),
            "l1_l2" => new L1L2(args.Length > 0 ? args[0] : 0.0, args.Length > 1 ? args[1] : 0.0),
            _ => throw new ArgumentException($"unknown regularizer '{text}'; expected l1, l2 or l1_l2", nameof(text)),
        };
    }

    /// <summary>Lets a Keras name stand wherever a regularizer is expected.</summary>
    public static implicit operator Regularizer(string text) => Get(text);

    /// <inheritdoc/>
    public override string ToString() => Describe();
}
