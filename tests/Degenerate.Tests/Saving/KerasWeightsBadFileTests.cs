using Degenerate.Layers;
using Degenerate.Models;
using PureHDF;

namespace Degenerate.Tests.Saving;

/// <summary>
/// A .weights.h5 file that does not fit the model is an <see cref="InvalidDataException"/> naming the path and what
/// differs, and leaves the model's weights as they were.
/// </summary>
public sealed class KerasWeightsBadFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-keras-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static double[] Snapshot(Model model) => model.GetWeights().SelectMany(t => { using (t) return t.ToArray<double>(); }).ToArray();

    [Fact]
    public void Another_number_of_layers_is_named_with_both_lists()
    {
        var fixture = KerasFixture.Load("classifier");
        using var model = new Sequential(new Dense(8, "relu", inputDim: 4), new Dense(3, "softmax"));
        var before = Snapshot(model);
        var e = Assert.Throws<InvalidDataException>(() => model.LoadWeights(fixture.WeightsPath));
        Assert.Contains(fixture.WeightsPath, e.Message);
        Assert.Contains("holds 5 layer(s) (activation, dense, dense_1, dense_2, dropout)", e.Message);
        Assert.Contains("has 2 (dense, dense_1)", e.Message);
        Assert.Equal(before, Snapshot(model));
    }

    [Fact]
    public void Other_layer_types_in_the_same_number_are_named()
    {
        var fixture = KerasFixture.Load("classifier");
        using var model = new Sequential(new Dense(8, "relu", inputDim: 4), new Dense(6), new Dense(6), new Dense(6), new Dense(3));
        var e = Assert.Throws<InvalidDataException>(() => model.LoadWeights(fixture.WeightsPath));
        Assert.Contains("missing: dense_3, dense_4", e.Message);
    }

    [Fact]
    public void A_shape_mismatch_names_the_dataset_and_both_shapes_and_changes_nothing()
    {
        var fixture = KerasFixture.Load("classifier");
        using var model = new Sequential(new Dense(8, "relu", inputDim: 4), new Dropout(0.2), new Dense(6, "tanh"),
            new Activation("elu"), new Dense(2, "softmax"));
        var before = Snapshot(model);
        var e = Assert.Throws<InvalidDataException>(() => model.LoadWeights(fixture.WeightsPath));
        Assert.Contains(fixture.WeightsPath, e.Message);
        Assert.Contains("layers/dense_2/vars/0 has shape [6, 3]", e.Message);
        Assert.Contains("[6, 2]", e.Message);
        Assert.Equal(before, Snapshot(model));
    }

    [Fact]
    public void A_layer_without_bias_against_a_file_with_one_names_the_variable_counts()
    {
        var fixture = KerasFixture.Load("regressor");
        using var model = new Sequential(new Dense(5, "sigmoid", inputDim: 3), new Dense(4, "softplus"), new Dense(1));
        var e = Assert.Throws<InvalidDataException>(() => model.LoadWeights(fixture.WeightsPath));
        Assert.Contains("layers/dense_1/vars holds 1 variable(s)", e.Message);
        Assert.Contains("has 2 (kernel [5, 4], bias [4])", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_HDF5_is_named()
    {
        var path = Path.Combine(_dir, "garbage.weights.h5");
        File.WriteAllBytes(path, Enumerable.Range(0, 4096).Select(i => (byte)(i * 37)).ToArray());
        using var model = new Sequential(new Dense(2, inputDim: 3));
        var e = Assert.Throws<InvalidDataException>(() => model.LoadWeights(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void An_HDF5_file_without_Keras_layers_is_named_with_what_it_holds()
    {
        var path = Path.Combine(_dir, "other.weights.h5");
        new H5File { ["model_weights"] = new H5Group { ["dense"] = new H5Group() } }.Write(path);
        using var model = new Sequential(new Dense(2, inputDim: 3));
        var e = Assert.Throws<InvalidDataException>(() => model.LoadWeights(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("no 'layers' group", e.Message);
        Assert.Contains("model_weights", e.Message);
    }

    [Fact]
    public void A_missing_file_is_FileNotFound_and_an_unbuilt_model_cannot_be_saved()
    {
        using var model = new Sequential(new Dense(2));
        Assert.Throws<FileNotFoundException>(() => model.LoadWeights(Path.Combine(_dir, "absent.weights.h5")));
        var e = Assert.Throws<InvalidOperationException>(() => model.SaveWeights(Path.Combine(_dir, "unbuilt.weights.h5")));
        Assert.Contains("not built", e.Message);
        Assert.False(File.Exists(Path.Combine(_dir, "unbuilt.weights.h5")));
    }

    [Fact]
    public void A_soft_link_to_itself_is_refused_before_PureHDF_follows_it()
    {
        // PureHDF 2 follows soft links without a depth limit, so a link to itself would overflow the stack and end the
        // process. Make one in a copy of an h5py fixture: the first symbol-table entry of the first "SNOD" node becomes
        // a soft link (cache type 2) whose target (the scratch pad's heap offset) is the entry's own name.
        var fixture = KerasFixture.Load("classifier");
        var bytes = File.ReadAllBytes(fixture.WeightsPath);
        var node = bytes.AsSpan().IndexOf("SNOD"u8);
        Assert.True(node > 0, "the fixture has a version-1 symbol table node");
        var entry = node + 8;  // signature, version, reserved, entry count
        Assert.Equal(1, bytes[node + 4]);
        var nameOffset = BitConverter.ToUInt64(bytes, entry);
        BitConverter.GetBytes(2u).CopyTo(bytes, entry + 16);                // cache type: symbolic link
        BitConverter.GetBytes((uint)nameOffset).CopyTo(bytes, entry + 24);  // link value: its own name
        var path = Path.Combine(_dir, "self-link.weights.h5");
        File.WriteAllBytes(path, bytes);
        using var model = fixture.NewModel();
        var before = Snapshot(model);
        var e = Assert.Throws<InvalidDataException>(() => model.LoadWeights(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("soft link", e.Message);
        Assert.Equal(before, Snapshot(model));
        // The untouched fixture still loads (the scan passes over a valid file).
        model.LoadWeights(fixture.WeightsPath);
    }
}
