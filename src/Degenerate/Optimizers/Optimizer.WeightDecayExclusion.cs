using System.Text.RegularExpressions;
using Degenerate.Tensors;

namespace Degenerate.Optimizers;

// Keras 3's exclude_from_weight_decay: variables given by reference, or whose name matches one of the given patterns
// (Keras joins them into one regular expression and re.search-es the variable's name, so a plain word such as "bias"
// matches as a substring), skip the decoupled weight decay.
public abstract partial class Optimizer
{
    private HashSet<Tensor> _excludedTensors = new(ReferenceEqualityComparer.Instance);
    private Regex? _excludedNames;
    private bool[]? _decays;               // per built parameter: whether weight decay applies
    private IReadOnlyList<string>? _parameterNames;

    /// <summary>
    /// Excludes weights from <see cref="WeightDecay"/>, as Keras's <c>exclude_from_weight_decay(var_list, var_names)</c>:
    /// the weights in <paramref name="varList"/> (by reference, e.g. <c>layer.Weights[1]</c>), and every weight whose
    /// name ("kernel", "bias", "gamma", ...) contains one of <paramref name="varNames"/> (regular expressions, as Keras's
    /// <c>re.search</c>; <c>["bias"]</c> excludes every bias). Each call replaces the previous exclusions. Call it
    /// before training starts (Keras: before the optimizer is built; here Compile may already have built it).
    /// </summary>
    /// <exception cref="ArgumentException">A null weight, or a null, empty or invalid name pattern.</exception>
    /// <exception cref="InvalidOperationException">The optimizer has already applied updates.</exception>
    public void ExcludeFromWeightDecay(IEnumerable<Tensor>? varList = null, IEnumerable<string>? varNames = null)
    {
        if (Iterations > 0)
            throw new InvalidOperationException(
                $"ExcludeFromWeightDecay can only be configured before training starts; this {Name} optimizer has applied {Iterations} update(s)");
        var tensors = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var i = 0;
        foreach (var t in varList ?? [])
        {
            if (t is null) throw new ArgumentException($"varList[{i}] is null; expected a weight tensor", nameof(varList));
            tensors.Add(t);
            i++;
        }
        var names = varNames?.ToList() ?? [];
        for (var k = 0; k < names.Count; k++)
            if (string.IsNullOrEmpty(names[k]))
                throw new ArgumentException(
                    $"varNames[{k}] is {(names[k] is null ? "null" : "empty")}; expected part of a weight name such as \"bias\" (an empty pattern would exclude every weight)",
                    nameof(varNames));
        Regex? pattern = null;
        if (names.Count > 0)
        {
            var joined = string.Join("|", names.Distinct());
            try { pattern = new Regex(joined, RegexOptions.CultureInvariant); }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"varNames do not form a valid regular expression ({joined}): {e.Message}", nameof(varNames), e);
            }
        }
        _excludedTensors = tensors;
        _excludedNames = pattern;
        _decays = null;
    }

    // Whether some weights are excluded (the fused training plan then gets WeightDecayMask).
    internal bool ExcludesFromWeightDecay => WeightDecay is not null && (_excludedTensors.Count > 0 || _excludedNames is not null);

    /// <summary>Whether <see cref="WeightDecay"/> applies to the weight (false when it was excluded).</summary>
    public bool UsesWeightDecay(Tensor weight, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (_excludedTensors.Contains(weight)) return false;
        return !(name is not null && _excludedNames is not null && _excludedNames.IsMatch(name));
    }

    // The model tells the optimizer its weights' names (in Build's order) so name patterns can match them.
    internal void SetParameterNames(IReadOnlyList<string> names)
    {
        _parameterNames = names;
        _decays = null;
    }

    /// <summary>Per built parameter (Build's order), whether Step decays it: the fused training plan's mask.</summary>
    internal bool[] WeightDecayMask()
    {
        var mask = new bool[_parameters.Length];
        for (var i = 0; i < mask.Length; i++) mask[i] = DecaysParameter(i, _parameters[i]);
        return mask;
    }

    private bool DecaysParameter(int index, Tensor parameter)
    {
        if (_decays is null || _decays.Length != _parameters.Length)
        {
            _decays = new bool[_parameters.Length];
            for (var i = 0; i < _parameters.Length; i++)
                _decays[i] = UsesWeightDecay(_parameters[i], _parameterNames is { } n && i < n.Count ? n[i] : null);
        }
        return _decays[index];
    }
}
