using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Optimizers.Schedules;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

public class NormalizationLayersSummaryTests
{
    // Keras 3 counts every weight (keras/src/utils/summary_utils.py, count_params): Normalization(3) holds mean [3],
    // variance [3] and count [] = 7, all non-trainable; BatchNormalization(3) 4 × 3 = 12, of which the moving
    // statistics (6) are non-trainable; LayerNormalization(4) gamma and beta = 8; the InputLayer is not listed.
    private const string Expected =
        """
        Model: "sequential"
        ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
        ┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
        │ normalization (Normalization)        │ (None, 3)                   │               7 │
        ├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
        │ batch_normalization                  │ (None, 3)                   │              12 │
        │ (BatchNormalization)                 │                             │                 │
        ├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
        │ dense (Dense)                        │ (None, 4)                   │              16 │
        ├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
        │ layer_normalization                  │ (None, 4)                   │               8 │
        │ (LayerNormalization)                 │                             │                 │
        ├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
        │ gaussian_noise (GaussianNoise)       │ (None, 4)                   │               0 │
        ├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
        │ flatten (Flatten)                    │ (None, 4)                   │               0 │
        ├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
        │ dense_1 (Dense)                      │ (None, 1)                   │               5 │
        └──────────────────────────────────────┴─────────────────────────────┴─────────────────┘
         Total params: 48 (192.00 B)
         Trainable params: 35 (140.00 B)
         Non-trainable params: 13 (52.00 B)

        """;

    [Fact]
    public void TableCountsStateAsNonTrainable()
    {
        using var model = new Sequential(new Input(3), new Normalization(), new BatchNormalization(), new Dense(4),
            new LayerNormalization(), new GaussianNoise(0.1), new Flatten(), new Dense(1)) { Device = Device.CPU };
        Assert.Equal(Expected.ReplaceLineEndings("\n"), model.Summary());
    }

    private static Sequential Trained(Optimizer optimizer)
    {
        var model = new Sequential(new Dense(1, inputDim: 3)) { Device = Device.CPU };
        model.Compile(optimizer, "mse");
        model.Fit(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }, new double[,] { { 1 }, { 2 } }, epochs: 1, verbose: 0);
        return model;
    }

    [Fact]
    public void OptimizerParamsAppearOnceTrainedAndCountInTheTotal()
    {
        // keras/src/utils/summary_utils.py: once the optimizer is built, " Optimizer params: N (size)" follows and the
        // total includes it. Adam's variables (keras/src/optimizers/base_optimizer.py, adam.py): iteration (an int,
        // 4 bytes on the torch backend), learning_rate (float32), and a momentum and a velocity per weight: 1 + 1 + 2·4.
        using var untrained = new Sequential(new Dense(1, inputDim: 3)) { Device = Device.CPU };
        untrained.Compile(new Adam(), "mse");
        Assert.DoesNotContain("Optimizer params", untrained.Summary());

        using var adam = Trained(new Adam());
        var text = adam.Summary();
        Assert.Contains(" Total params: 14 (56.00 B)\n", text);
        Assert.Contains(" Trainable params: 4 (16.00 B)\n", text);
        Assert.EndsWith(" Non-trainable params: 0 (0.00 B)\n Optimizer params: 10 (40.00 B)\n", text);
    }

    [Theory]
    [InlineData("sgd", 2)]             // iteration, learning_rate: no momentum slots at momentum 0
    [InlineData("sgd_momentum", 6)]    // + one momentum per weight
    [InlineData("rmsprop", 6)]         // + velocities
    [InlineData("rmsprop_centered", 10)] // + velocities and average gradients
    [InlineData("adam_amsgrad", 14)]   // + momentums, velocities, velocity_hats
    [InlineData("adagrad", 6)]         // + accumulators
    [InlineData("nadam", 11)]          // + momentums, velocities and the scalar u_product
    [InlineData("lion", 6)]            // + momentums
    [InlineData("adam_schedule", 9)]   // a schedule replaces the learning_rate variable
    public void OptimizerParamsFollowKerasVariables(string which, long expected)
    {
        Optimizer optimizer = which switch
        {
            "sgd" => new SGD(),
            "sgd_momentum" => new SGD(0.01, 0.9),
            "rmsprop" => new RMSprop(),
            "rmsprop_centered" => new RMSprop(centered: true),
            "adam_amsgrad" => new Adam(amsgrad: true),
            "adagrad" => new Adagrad(),
            "nadam" => new Nadam(),
            "lion" => new Lion(),
            _ => new Adam { LearningRateSchedule = new ExponentialDecay(0.01, 10, 0.9) },
        };
        using var model = Trained(optimizer);
        Assert.Equal(expected, SummaryTable.OptimizerVariables(model)!.Value.Count);
        Assert.Contains($" Optimizer params: {expected} (", model.Summary());
    }
}
