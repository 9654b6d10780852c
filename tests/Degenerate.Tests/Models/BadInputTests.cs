using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

// One test per bad input of issue 2: the exception type, the argument it names, and the shapes or values it reports.
public sealed class BadInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-bad-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Sequential Model(int inputs = 2, int units = 1, string activation = "linear", string loss = "mse")
    {
        var model = new Sequential(new Dense(units, activation, inputDim: inputs)) { Device = Device.CPU };
        model.Compile("sgd", loss);
        return model;
    }

    private static float[,] X(int rows, int cols)
    {
        var x = new float[rows, cols];
        for (var i = 0; i < rows; i++) for (var j = 0; j < cols; j++) x[i, j] = i - j;
        return x;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SampleWeightsWithSeveralColumnsAreRefusedOnEveryPath(bool runEagerly)
    {
        using var model = Model();
        model.RunEagerly = runEagerly;
        var w = new float[10, 2];
        for (var i = 0; i < 10; i++) w[i, 0] = w[i, 1] = 1;
        var e = Assert.Throws<ArgumentException>(() => model.Fit(X(10, 2), new float[10], sampleWeight: w, verbose: 0));
        Assert.Equal("sampleWeight", e.ParamName);
        Assert.Contains("[10, 2]", e.Message);
        Assert.Contains("[10] or [10, 1]", e.Message);
        Assert.Throws<ArgumentException>(() => model.Evaluate(X(10, 2), new float[10], sampleWeight: w));
        // One column is one weight per sample, as a vector is.
        var column = new float[10, 1];
        for (var i = 0; i < 10; i++) column[i, 0] = 1;
        model.Fit(X(10, 2), new float[10], sampleWeight: column, epochs: 1, verbose: 0);
    }

    [Fact]
    public void RowCountsOfXAndYDiffer()
    {
        using var model = Model();
        var e = Assert.Throws<ArgumentException>(() => model.Fit(X(10, 2), new float[9], verbose: 0));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("[10, 2]", e.Message);
        Assert.Contains("[9]", e.Message);
        Assert.Contains("10 rows", e.Message);
        Assert.Contains("9 rows", e.Message);
    }

    [Fact]
    public void InputWidthDiffersFromTheFirstLayer()
    {
        using var model = Model(inputs: 3);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(X(5, 2), new float[5], verbose: 0));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("[5, 2]", e.Message);
        Assert.Contains("expects 3", e.Message);
        // Predict and Evaluate check it too.
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => model.Predict(X(5, 4))).ParamName);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => model.Evaluate(X(5, 4), new float[5])).ParamName);
    }

    [Fact]
    public void LabelWidthDiffersFromTheOutputUnits()
    {
        using var model = Model(units: 2);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(X(5, 2), X(5, 3), verbose: 0));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("[5, 3]", e.Message);
        Assert.Contains("2 output unit", e.Message);
        Assert.Contains("[5, 2]", e.Message); // what was expected
    }

    [Fact]
    public void NaNInX()
    {
        using var model = Model();
        var x = X(6, 2);
        x[4, 1] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, new float[6], verbose: 0));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("NaN", e.Message);
        Assert.Contains("row 4, column 1", e.Message);
    }

    [Fact]
    public void InfinityInY()
    {
        using var model = Model();
        var y = new double[6];
        y[2] = double.NegativeInfinity;
        var e = Assert.Throws<ArgumentException>(() => model.Fit(X(6, 2), y, verbose: 0));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("-Infinity", e.Message);
        Assert.Contains("row 2", e.Message);
    }

    [Fact]
    public void BinaryLabelsOutsideZeroOne()
    {
        using var model = Model(activation: "sigmoid", loss: "binary_crossentropy");
        var e = Assert.Throws<ArgumentException>(() => model.Fit(X(4, 2), new[] { 0f, 1f, 1.5f, -0.25f }, verbose: 0));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("[-0.25, 1.5]", e.Message);
        Assert.Contains("[0, 1]", e.Message);
    }

    [Fact]
    public void ClassIndicesOutOfRange()
    {
        using var model = Model(units: 3, activation: "softmax", loss: "sparse_categorical_crossentropy");
        var e = Assert.Throws<ArgumentException>(() => model.Fit(X(4, 2), new[] { 0, 2, 3, 1 }, verbose: 0));
        Assert.Equal("y", e.ParamName);
        Assert.Contains("[0, 3]", e.Message);
        Assert.Contains("3 classes", e.Message);
        Assert.Contains("[0, 2]", e.Message);
        var negative = Assert.Throws<ArgumentException>(() => model.Fit(X(2, 2), new[] { -1, 1 }, verbose: 0));
        Assert.Contains("[-1, 1]", negative.Message);
    }

    [Fact]
    public void EmptyData()
    {
        using var model = Model();
        var e = Assert.Throws<ArgumentException>(() => model.Fit(new float[0, 2], new float[0], verbose: 0));
        Assert.Equal("x", e.ParamName);
        Assert.Contains("no rows", e.Message);
        Assert.Contains("[0, 2]", e.Message);
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => model.Predict(new float[0, 2])).ParamName);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void BatchSizeNotPositive(int batchSize)
    {
        using var model = Model();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(X(4, 2), new float[4], batchSize: batchSize, verbose: 0));
        Assert.Equal("batchSize", e.ParamName);
        Assert.Equal(batchSize, e.ActualValue);
        Assert.Contains(batchSize.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => model.Predict(X(4, 2), batchSize)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => model.Evaluate(X(4, 2), new float[4], batchSize)).ParamName);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void ValidationSplitOutsideZeroOne(double split)
    {
        using var model = Model();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => model.Fit(X(10, 2), new float[10], validationSplit: split, verbose: 0));
        Assert.Equal("validationSplit", e.ParamName);
        Assert.Equal(split, e.ActualValue);
        Assert.Contains("[0, 1)", e.Message);
    }

    [Fact]
    public void ValidationSplitThatLeavesNoRows()
    {
        using var model = Model();
        // floor(3 · (1 − 0.8)) = 0 training rows.
        var e = Assert.Throws<ArgumentException>(() => model.Fit(X(3, 2), new float[3], validationSplit: 0.8, verbose: 0));
        Assert.Equal("validationSplit", e.ParamName);
        Assert.Contains("3 rows", e.Message);
        Assert.Contains("0 training and 3 validation rows", e.Message);
    }

    [Fact]
    public void FitBeforeCompile()
    {
        using var model = new Sequential(new Dense(1, inputDim: 2)) { Device = Device.CPU };
        var e = Assert.Throws<InvalidOperationException>(() => model.Fit(X(4, 2), new float[4], verbose: 0));
        Assert.Contains("Fit", e.Message);
        Assert.Contains("Compile", e.Message);
        Assert.Contains("Compile", Assert.Throws<InvalidOperationException>(() => model.Evaluate(X(4, 2), new float[4])).Message);
    }

    private string SavedModel()
    {
        using var model = Model();
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.dgm");
        model.Save(path);
        return path;
    }

    [Fact]
    public void LoadingATruncatedFile()
    {
        var path = SavedModel();
        var bytes = File.ReadAllBytes(path);
        foreach (var length in new[] { bytes.Length - 1, bytes.Length / 2, 20, 10 })
        {
            File.WriteAllBytes(path, bytes[..length]);
            var e = Assert.Throws<InvalidDataException>(() => Sequential.Load(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("truncated", e.Message);
        }
    }

    [Fact]
    public void LoadingACorruptFile()
    {
        var path = SavedModel();
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length - 40] ^= 0x01; // one bit of the last weight
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => Sequential.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("checksum", e.Message);

        File.WriteAllText(path, "{\"not\": \"a model\"}");
        var notModel = Assert.Throws<InvalidDataException>(() => Sequential.Load(path));
        Assert.Contains("DGNMODEL", notModel.Message);
    }

    [Fact]
    public void LoadingAnotherFormatVersion()
    {
        var path = SavedModel();
        var bytes = File.ReadAllBytes(path);
        bytes[8] = 3; // format version, uint32 little-endian at offset 8 (this reader knows 1 and 2)
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => Sequential.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("version 3", e.Message);
        Assert.Contains("version 2", e.Message);
    }

    [Fact]
    public void LoadingAMissingFile()
    {
        var path = Path.Combine(_dir, "missing.dgm");
        var e = Assert.Throws<FileNotFoundException>(() => Sequential.Load(path));
        Assert.Equal(path, e.FileName);
    }

    [Fact]
    public void AFailedSaveLeavesTheExistingFileIntact()
    {
        var path = Path.Combine(_dir, "keep.dgm");
        using var model = Model();
        model.SetWeights(new Array[] { new float[,] { { 1 }, { 2 } }, new[] { 3f } });
        model.Save(path);
        var before = File.ReadAllBytes(path);

        model.SetWeights(new Array[] { new float[,] { { 7 }, { 8 } }, new[] { 9f } });
        string? temp = null;
        ModelFile.BeforeReplace = t =>
        {
            temp = t;
            Assert.True(File.Exists(t)); // the new file was written in full, next to the target...
            throw new IOException("disk full (simulated)"); // ...and the rename never happens
        };
        try
        {
            var e = Assert.Throws<IOException>(() => model.Save(path));
            Assert.Contains("simulated", e.Message);
        }
        finally
        {
            ModelFile.BeforeReplace = null;
        }

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.NotNull(temp);
        Assert.False(File.Exists(temp)); // the temporary file was cleaned up
        Assert.Equal(["keep.dgm"], Directory.GetFiles(_dir).Select(Path.GetFileName));
        using var loaded = Sequential.Load(path);
        var w = loaded.GetWeights();
        Assert.Equal([1f, 2f], w[0].ToArray<float>());
        Assert.Equal([3f], w[1].ToArray<float>());
        foreach (var t in w) t.Dispose();
    }

    [Fact]
    public void SavingIntoAMissingFolder()
    {
        using var model = Model();
        var e = Assert.Throws<DirectoryNotFoundException>(() => model.Save(Path.Combine(_dir, "no", "such", "m.dgm")));
        Assert.Contains("does not exist", e.Message);
    }
}
