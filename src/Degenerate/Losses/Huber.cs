using Degenerate.Tensors;

namespace Degenerate.Losses;

/// <summary>Huber loss: ½x² for |x| ≤ δ, δ(|x| − ½δ) beyond (Keras default δ = 1), averaged over the last axis.</summary>
public sealed class Huber : Loss
{
    /// <summary>Creates the loss.</summary>
    public Huber(double delta = 1.0)
    {
        if (!(delta > 0) || double.IsInfinity(delta)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must be a finite number > 0");
        Delta = delta;
    }

    /// <summary>Where the loss turns from quadratic to linear.</summary>
    public double Delta { get; }

    /// <inheritdoc/>
    public override string Name => "huber";

    /// <inheritdoc/>
    public override Tensor PerSample(Tensor yTrue, Tensor yPred)
    {
        using var diff = yPred - yTrue;
        using var abs = diff.Abs();
        using var quadraticPart = abs.ClampMax(Delta);        // min(|x|, δ)
        using var linearPart = abs - quadraticPart;           // max(|x| − δ, 0)
        using var q2 = quadraticPart.Square();
        using var half = q2 * 0.5;
        using var lin = linearPart * Delta;
        using var total = half + lin;                         // ½·min(|x|,δ)² + δ·max(|x|−δ, 0)
        return total.Mean(-1);
    }
}
