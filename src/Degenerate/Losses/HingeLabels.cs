using Degenerate.Tensors;

namespace Degenerate.Losses;

// Keras's convert_binary_labels_to_hinge: when every label of the batch is 0 or 1 they become −1/+1 (2y − 1);
// otherwise they are used as given. Decided on the device, as Keras's ops.cond, so no value is read back.
internal static class HingeLabels
{
    public static Tensor Convert(Tensor yTrue)
    {
        using var zero = yTrue.Eq(0.0);
        using var one = yTrue.Eq(1.0);
        using var either = zero.LogicalOr(one);
        using var asFloat = either.To(yTrue.DType);
        using var all = asFloat.Min();
        using var isBinary = all.Eq(1.0);
        using var doubled = yTrue * 2.0;
        using var signed = doubled - 1.0;
        return Tensor.Where(isBinary, signed, yTrue);
    }

    // max(1 − y·ŷ, 0) with y converted as above.
    public static Tensor Margins(Tensor yTrue, Tensor yPred)
    {
        using var y = Convert(yTrue);
        using var product = y * yPred;
        using var margin = 1 - product;
        return margin.ClampMin(0);
    }
}
