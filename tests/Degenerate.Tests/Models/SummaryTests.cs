using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.Tests.Models;

public class SummaryTests
{
    // Keras 3's table for the same model (88 columns: split at 45% / 80% of the width).
    private const string Expected =
        """
        Model: "sequential"
        ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓
        ┃ Layer (type)                         ┃ Output Shape                ┃         Param # ┃
        ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩
        │ dense (Dense)                        │ (None, 16)                  │              64 │
        ├──────────────────────────────────────┼─────────────────────────────┼─────────────────┤
        │ dense_1 (Dense)                      │ (None, 1)                   │              17 │
        └──────────────────────────────────────┴─────────────────────────────┴─────────────────┘
         Total params: 81 (324.00 B)
         Trainable params: 81 (324.00 B)
         Non-trainable params: 0 (0.00 B)

        """;

    [Fact]
    public void TableMatchesKerasForTheQuickStartModel()
    {
        using var model = new Sequential(new Dense(16, "relu", inputDim: 3), new Dense(1, "sigmoid")) { Device = Device.CPU };
        var text = model.Summary();
        Assert.Equal(Expected.ReplaceLineEndings("\n"), text);
        Assert.All(text.Split('\n').Where(l => l.StartsWith('│') || l.StartsWith('┃')), l => Assert.Equal(88, l.Length));
    }

    [Fact]
    public void CountsUseThousandsSeparatorsAndSizesFollowTheDType()
    {
        using var model = new Sequential(new Dense(1000, "relu", inputDim: 1000), new Dropout(0.5), new Dense(10))
        { DType = DType.Float64, Device = Device.CPU };
        var text = model.Summary();
        Assert.Contains("│ dense (Dense)                        │ (None, 1000)                │       1,001,000 │", text);
        Assert.Contains("│ dropout (Dropout)                    │ (None, 1000)                │               0 │", text);
        Assert.Contains("│ dense_1 (Dense)                      │ (None, 10)                  │          10,010 │", text);
        // 1,011,010 float64 weights = 8,088,080 bytes = 7.71 MiB.
        Assert.Contains(" Total params: 1,011,010 (7.71 MB)\n", text);
        Assert.Contains(" Trainable params: 1,011,010 (7.71 MB)\n", text);
    }

    [Fact]
    public void UnbuiltModelShowsQuestionMarksAsKerasDoes()
    {
        using var model = new Sequential(new Dense(4, "relu"), new Dense(1));
        var text = model.Summary();
        Assert.Contains("│ dense (Dense)                        │ ?                           │     0 (unbuilt) │", text);
        Assert.Contains("│ dense_1 (Dense)                      │ ?                           │     0 (unbuilt) │", text);
        Assert.Contains(" Total params: 0 (0.00 B)\n", text);
    }

    [Fact]
    public void LongNamesWrapInsteadOfBeingCut()
    {
        using var model = new Sequential(new Dense(2, inputDim: 2, name: "a_really_long_layer_name_for_the_table")) { Device = Device.CPU };
        var text = model.Summary();
        Assert.Contains("│ a_really_long_layer_name_for_the_tab │ (None, 2)                   │               6 │", text);
        Assert.Contains("│ le (Dense)                           │                             │                 │", text);
    }
}
