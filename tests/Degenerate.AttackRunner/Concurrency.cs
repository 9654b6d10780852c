using Degenerate.Callbacks;
using Degenerate.Layers;
using Degenerate.Models;
using Degenerate.Tensors;

namespace Degenerate.AttackRunner;

/// <summary>
/// One model used from several threads at once (issue 14: Fit from two threads silently lost optimizer steps, and
/// the op-by-op path died in libtorch's autograd). Each case prints what every thread got.
/// </summary>
internal static class Concurrency
{
    private static readonly double[,] X = Features();
    private static readonly double[] Y = Enumerable.Range(0, 64).Select(i => 2.0 * i / 64 - (i % 5) / 5.0).ToArray();

    private static double[,] Features()
    {
        var x = new double[64, 2];
        for (var i = 0; i < 64; i++) { x[i, 0] = i / 64.0; x[i, 1] = i % 5 / 5.0; }
        return x;
    }

    private static Sequential Model(bool eager)
    {
        var model = new Sequential(new Dense(8, "tanh", inputDim: 2), new Dense(1)) { Name = "shared", Device = Device.CPU, DType = DType.Float64 };
        model.Compile("sgd", "mse");
        model.RunEagerly = eager;
        return model;
    }

    public static void Run(string[] args)
    {
        foreach (var eager in new[] { false, true })
        {
            var path = eager ? "eager" : "plan";
            Scenarios.Case($"two-fits.{path}", () => TwoThreads(eager, m => m.Fit(X, Y, epochs: 200, batchSize: 8, verbose: 0)));
            Scenarios.Case($"fit-and-predict.{path}", () => TwoThreads(eager, m => m.Fit(X, Y, epochs: 200, batchSize: 8, verbose: 0),
                m => { for (var i = 0; i < 200; i++) m.Predict(X).Dispose(); }));
            Scenarios.Case($"dispose-during-fit.{path}", () => DisposeDuringFit(eager));
        }
    }

    // Both threads start together; each either finishes or throws. Steps taken must equal the finished fits' steps:
    // none lost, none done twice.
    private static string TwoThreads(bool eager, Action<Sequential> first, Action<Sequential>? second = null)
    {
        using var model = Model(eager);
        using var start = new Barrier(2);
        var outcomes = new string[2];
        var fits = 0;
        var threads = new[] { first, second ?? first }.Select((work, i) => new Thread(() =>
        {
            start.SignalAndWait();
            try
            {
                work(model);
                outcomes[i] = "done";
                if (i == 0 || second is null) Interlocked.Increment(ref fits);
            }
            catch (Exception e)
            {
                outcomes[i] = $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
            }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        var expected = fits * 200L * 8; // 64 rows in batches of 8: 8 steps per epoch
        return $"steps {model.Optimizer!.Iterations} expected {expected} | {string.Join(" | ", outcomes)}";
    }

    // Dispose from another thread while Fit runs: Fit must end in a managed exception (or finish), never read freed weights.
    private static string DisposeDuringFit(bool eager)
    {
        var model = Model(eager);
        using var inside = new ManualResetEventSlim();
        var signal = new LambdaCallback(onEpochEnd: (_, _) => inside.Set());
        string outcome = "";
        var trainer = new Thread(() =>
        {
            try
            {
                model.Fit(X, Y, epochs: 2000, batchSize: 8, verbose: 0, callbacks: [signal]);
                outcome = "fit done";
            }
            catch (Exception e)
            {
                outcome = $"fit {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
            }
        });
        trainer.Start();
        inside.Wait();
        string disposal;
        try
        {
            model.Dispose();
            disposal = "disposed";
        }
        catch (Exception e)
        {
            disposal = $"dispose {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}";
        }
        trainer.Join();
        model.Dispose();
        return $"{disposal} | {outcome}";
    }
}
