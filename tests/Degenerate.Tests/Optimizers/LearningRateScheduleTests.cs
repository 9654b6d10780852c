using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Optimizers;
using Degenerate.Optimizers.Schedules;
using Degenerate.Tensors;

namespace Degenerate.Tests.Optimizers;

/// <summary>
/// The learning-rate schedules, replaying keras/src/optimizers/schedules/learning_rate_schedule_test.py, and their use by
/// the optimizers (the rate at <c>Iterations</c> before each update, as Keras's <c>optimizer.learning_rate</c>).
/// </summary>
[Collection(Serial.Name)] // seeds the global generator
public sealed class LearningRateScheduleTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("degenerate-schedules-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ExponentialDecay_equals_Keras_tests()
    {
        // test_continuous and test_staircase.
        Assert.Equal(0.05 * Math.Pow(0.96, 5.0 / 10.0), new ExponentialDecay(0.05, 10, 0.96).Evaluate(5), 1e-15);
        var stairs = new ExponentialDecay(0.1, 3, 0.96, staircase: true);
        Assert.Equal(0.1, stairs.Evaluate(1));
        Assert.Equal(0.1, stairs.Evaluate(2));
        Assert.Equal(0.1 * Math.Pow(0.96, 100 / 3), stairs.Evaluate(100), 1e-15);
        Assert.Equal("decaySteps", Assert.Throws<ArgumentOutOfRangeException>(() => new ExponentialDecay(0.1, 0, 0.9)).ParamName);
    }

    [Fact]
    public void PiecewiseConstantDecay_equals_Keras_tests()
    {
        // test_piecewise_values and test_boundary_values: values[i] while step <= boundaries[i].
        var decay = new PiecewiseConstantDecay([100, 110, 120], [1.0, 0.1, 0.01, 0.001]);
        foreach (var (step, expected) in new (long, double)[] { (-999, 1.0), (100, 1.0), (105, 0.1), (110, 0.1), (120, 0.01), (999, 0.001) })
            Assert.Equal(expected, decay.Evaluate(step));
        var small = new PiecewiseConstantDecay([1, 2, 3], [0.4, 0.5, 0.6, 0.7]);
        Assert.Equal([0.4, 0.4, 0.5, 0.6, 0.7], Enumerable.Range(0, 5).Select(s => small.Evaluate(s)).ToArray());
        Assert.Equal("values", Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([1, 2], [0.1, 0.2])).ParamName);
        Assert.Equal("boundaries", Assert.Throws<ArgumentException>(() => new PiecewiseConstantDecay([2, 1], [0.1, 0.2, 0.3])).ParamName);
    }

    [Fact]
    public void InverseTimeDecay_equals_Keras_tests()
    {
        // test_decay and test_staircase: lr / (1 + rate·step/k), floored in staircase mode.
        var decay = new InverseTimeDecay(0.1, 10, 0.96);
        var stairs = new InverseTimeDecay(0.1, 10, 0.96, staircase: true);
        for (var step = 0; step < 20; step += 2)
        {
            Assert.Equal(0.1 / (1 + 0.96 * step / 10.0), decay.Evaluate(step), 1e-15);
            Assert.Equal(0.1 / (1 + 0.96 * Math.Floor(step / 10.0)), stairs.Evaluate(step), 1e-15);
        }
    }

    private static double KerasCosine(double step, double decaySteps, double alpha = 0)
    {
        step = Math.Min(step, decaySteps);
        return (1 - alpha) * 0.5 * (1 + Math.Cos(Math.PI * step / decaySteps)) + alpha;
    }

    [Fact]
    public void CosineDecay_equals_Keras_tests()
    {
        for (var step = 0; step < 1500; step += 250)
        {
            // test_decay, test_alpha.
            Assert.Equal(KerasCosine(step, 1000), new CosineDecay(1.0, 1000).Evaluate(step), 1e-6);
            Assert.Equal(KerasCosine(step, 1000, 0.1), new CosineDecay(1.0, 1000, 0.1).Evaluate(step), 1e-6);
            // test_warmup: from 0 to 10 over 1500 steps.
            Assert.Equal(step / 1500.0 * 10.0, new CosineDecay(0.0, 10, warmupTarget: 10.0, warmupSteps: 1500).Evaluate(step), 1e-6);
        }
        // test_warmup_decay: 2000 warm-up steps to 10, then 1000 decay steps.
        var schedule = new CosineDecay(0.0, 1000, warmupTarget: 10.0, warmupSteps: 2000);
        for (var step = 0; step < 3000; step += 250)
        {
            var expected = step < 2001 ? step / 2000.0 * 10.0 : 10.0 * KerasCosine(step - 2000, 1000);
            Assert.Equal(expected, schedule.Evaluate(step), 1e-6);
        }
        // The docstring's warm-up from 0 to 0.1 over 1000 steps, then 1000 decay steps: 0.05 halfway up, 0.1 at the
        // top, 0.05 halfway down, 0 after.
        var doc = new CosineDecay(0, 1000, warmupTarget: 0.1, warmupSteps: 1000);
        Assert.Equal([0.0, 0.05, 0.1, 0.05, 0.0, 0.0], new long[] { 0, 500, 1000, 1500, 2000, 5000 }.Select(doc.Evaluate).ToArray(), new Tolerance(1e-15));
    }

    [Fact]
    public void Each_update_uses_the_rate_at_the_iterations_before_it()
    {
        // A constant gradient 1: SGD moves w by −lr(k) at update k = 0, 1, 2, ... (Keras evaluates
        // learning_rate(iterations) before incrementing iterations).
        var schedule = new PiecewiseConstantDecay([1, 3], [0.5, 0.25, 0.125]);
        using var sgd = new SGD { LearningRateSchedule = schedule };
        using var w = Tensor.FromArray(new[] { 10.0 }, Device.CPU);
        w.RequiresGrad = true;
        sgd.Build([w]);
        var expected = 10.0;
        for (var k = 0; k < 5; k++)
        {
            Assert.Equal(schedule.Evaluate(k), sgd.LearningRate);
            expected -= schedule.Evaluate(k);
            using (var scope = new DisposeScope()) w.Sum().Backward();
            sgd.Step();
            Assert.Equal(expected, w.ToArray<double>()[0], 15);
        }
        Assert.Equal(10 - 0.5 - 0.5 - 0.25 - 0.25 - 0.125, expected);
        var e = Assert.Throws<InvalidOperationException>(() => sgd.LearningRate = 0.1);
        Assert.Contains("PiecewiseConstantDecay", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_follows_the_schedule_step_by_step_and_the_file_keeps_it()
    {
        var x = new double[16, 2];
        var y = new double[16, 1];
        for (var i = 0; i < 16; i++)
        {
            x[i, 0] = Math.Sin(i);
            x[i, 1] = Math.Cos(i);
            y[i, 0] = x[i, 0] - 2 * x[i, 1];
        }
        LearningRateSchedule[] schedules =
        [
            new ExponentialDecay(0.1, 3, 0.5, staircase: true), new InverseTimeDecay(0.1, 2, 1.0),
            new PiecewiseConstantDecay([2, 5], [0.1, 0.05, 0.01]), new CosineDecay(0.01, 6, 0.1, warmupTarget: 0.1, warmupSteps: 2),
        ];
        foreach (var schedule in schedules)
        {
            // The reference: the same model trained with a callback that sets the constant rate before every batch.
            double[] Train(bool scheduled)
            {
                Degenerate.Random.Seed(5);
                using var model = new Sequential(new Dense(2, "tanh", inputDim: 2), new Dense(1)) { Device = Device.CPU, DType = DType.Float64 };
                var sgd = new SGD(0.1, momentum: 0.5);
                if (scheduled) sgd.LearningRateSchedule = schedule;
                model.Compile(sgd, "mse");
                // The schedule rides the fused plan (a rate per step); the reference's per-batch callback keeps it op by op.
                if (scheduled && Engine.Current.FusedKernels is not null) Assert.NotNull(TrainingPlan.ForTraining(model, []));
                var callbacks = scheduled ? [] : new Degenerate.Callbacks.Callback[] { new PerBatchRate(sgd, schedule) };
                model.Fit(x, y, epochs: 3, batchSize: 4, shuffle: false, verbose: 0, callbacks: callbacks);
                Assert.Equal(12, sgd.Iterations);
                if (scheduled)
                {
                    Assert.Equal(schedule.Evaluate(12), sgd.LearningRate);
                    var path = Path.Combine(_dir, schedule.Name + ".dgm");
                    model.Save(path);
                    using var loaded = Sequential.Load(path);
                    var back = loaded.Optimizer!.LearningRateSchedule!;
                    Assert.Equal(schedule.GetType(), back.GetType());
                    Assert.Equal(Enumerable.Range(0, 20).Select(s => schedule.Evaluate(s)), Enumerable.Range(0, 20).Select(s => back.Evaluate(s)));
                }
                return model.GetWeights().SelectMany(t => t.ToArray<double>()).ToArray();
            }
            var (reference, actual) = (Train(false), Train(true));
            // The plan's closed-form backward vs autograd: equal to rounding (1e-12, as FusedTrainingTests hold them).
            Assert.True(reference.Zip(actual).All(p => Math.Abs(p.First - p.Second) <= 1e-12),
                $"{schedule.Name}: [{string.Join(", ", reference)}] vs [{string.Join(", ", actual)}]");
        }
    }

    // Sets the optimizer's constant rate to the schedule's at the coming update: the behaviour a schedule must equal.
    private sealed class PerBatchRate(SGD sgd, LearningRateSchedule schedule) : Degenerate.Callbacks.Callback
    {
        public override void OnTrainBegin() => sgd.LearningRate = schedule.Evaluate(0);

        public override void OnTrainBatchEnd(int batch, Degenerate.Callbacks.BatchLogs logs) =>
            sgd.LearningRate = schedule.Evaluate(sgd.Iterations);
    }
}
