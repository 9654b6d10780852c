namespace Degenerate.Models;

// One model, several threads: training changes the weights and the optimizer state in place, so a Fit running on one
// thread while another thread fits, evaluates or predicts with the same model would lose updates or read half-updated
// weights (measured: 6-134 of 20,000 steps lost). Such overlapping use is refused with an exception instead. Use on
// one thread (a callback that predicts during Fit) and reading from several threads at once (Predict, Evaluate) stay
// allowed; two models on two threads are independent.
public abstract partial class Model
{
    private readonly object _useGate = new();
    private Thread? _trainer;  // the thread inside Fit, if any
    private int _trainerDepth;
    private int _readers;      // Predict/Evaluate calls in progress (any thread)

    /// <summary>Marks a training call (Fit) in progress on this thread until disposed.</summary>
    internal UseScope EnterTraining(string operation)
    {
        lock (_useGate)
        {
            if (_disposed) throw DisposedModel();
            var current = Thread.CurrentThread;
            if (_trainer is { } other && other != current)
                throw Concurrent(operation, "Fit is running on another thread");
            if (_trainer is null && _readers > 0)
                throw Concurrent(operation, $"{_readers} Predict/Evaluate call(s) are running on other threads");
            _trainer = current;
            _trainerDepth++;
            return new UseScope(this, training: true);
        }
    }

    /// <summary>Marks a reading call (Predict, Evaluate) in progress until disposed.</summary>
    internal UseScope EnterReading(string operation)
    {
        lock (_useGate)
        {
            if (_disposed) throw DisposedModel();
            if (_trainer is { } other && other != Thread.CurrentThread)
                throw Concurrent(operation, "Fit is running on another thread");
            _readers++;
            return new UseScope(this, training: false);
        }
    }

    // Dispose while another thread trains or reads would free weights under its native calls (a use after free):
    // refused like any other concurrent use. Marks the model disposed under the same lock, so no call starts after.
    private void MarkDisposed()
    {
        lock (_useGate)
        {
            if (_disposed) return;
            if (_trainer is { } other && other != Thread.CurrentThread)
                throw Concurrent("Dispose", "Fit is running on another thread");
            if (_trainer is null && _readers > 0)
                throw Concurrent("Dispose", $"{_readers} Predict/Evaluate call(s) are running on other threads");
            _disposed = true;
        }
    }

    private InvalidOperationException Concurrent(string operation, string why) =>
        new($"{operation} on model '{Name}' was called while {why}: a model can be trained by one thread at a time, and " +
            "not read while another thread trains it. Wait for the other call, or give each thread its own model");

    private void Leave(bool training)
    {
        lock (_useGate)
        {
            if (training)
            {
                if (--_trainerDepth == 0) _trainer = null;
            }
            else
            {
                _readers--;
            }
        }
    }

    internal readonly struct UseScope(Model model, bool training) : IDisposable
    {
        public void Dispose() => model.Leave(training);
    }
}
