using Degenerate.Tensors;

namespace Degenerate.Models;

// Where Fit's epochs come from: rows of arrays already on the device, or a sequence of batches read one at a time.
public abstract partial class Model
{
    private abstract class EpochSource : IDisposable
    {
        /// <summary>Batches per epoch, when known (the progress bar's total).</summary>
        public abstract int? Steps { get; }

        /// <summary>Whether the last epoch ended early because the data ran out before stepsPerEpoch batches.</summary>
        public bool RanOut { get; protected set; }

        /// <summary>Batches the last op-by-op epoch ran.</summary>
        public int LastSteps { get; set; }

        /// <summary>The next epoch's batches; each is owned (disposed) by the consumer.</summary>
        public abstract IEnumerable<Batches> NextEpoch();

        public virtual void Dispose() { }
    }

    // Array rows. Without stepsPerEpoch each epoch is one pass (shuffled anew when asked). With it, as Keras 3's epoch
    // iterator, an epoch takes stepsPerEpoch batches and the next one continues in the same pass; a new pass (new
    // order) begins once the rows are used up, and an epoch that asks for more batches than remain ends early.
    private sealed class ArrayEpochs(Batches data, int batchSize, bool shuffle, int? stepsPerEpoch, Device device) : EpochSource
    {
        private Tensor? _order;
        private long _batchesDone;

        public int BatchSize => batchSize;

        private long BatchesPerPass => (data.Rows + batchSize - 1) / batchSize;

        public override int? Steps => stepsPerEpoch ?? (int)Math.Min(int.MaxValue, BatchesPerPass);

        // The epoch's span [start, end) of the pass order, and its batch count.
        private (long Start, long End, int Steps) Advance()
        {
            if (_batchesDone == 0)
            {
                _order?.Dispose();
                _order = null;
                if (shuffle)
                {
                    _order = Tensor.RandPerm(data.Rows, device);
                    DisposeScope.Current?.Detach(_order);
                }
            }
            var remaining = BatchesPerPass - _batchesDone;
            var take = stepsPerEpoch is { } s ? Math.Min(s, remaining) : remaining;
            RanOut = stepsPerEpoch is { } wanted && wanted > remaining;
            var start = _batchesDone * batchSize;
            var end = Math.Min((_batchesDone + take) * batchSize, data.Rows);
            _batchesDone += take;
            if (_batchesDone >= BatchesPerPass) _batchesDone = 0;
            return (start, end, (int)take);
        }

        /// <summary>
        /// The next epoch as one block for a fused plan: its rows (owned when they are a slice or a gather) and their
        /// order (owned; a permutation of all of them, or null for as given).
        /// </summary>
        public (Batches Rows, Tensor? Order, int Steps) NextEpochRows()
        {
            var (start, end, steps) = Advance();
            using var scope = new DisposeScope();
            if (_order is not null)
            {
                // The plans take a permutation of all the rows they are given: part of a pass is gathered first.
                if (start == 0 && end == data.Rows)
                {
                    var whole = _order.Slice(0, 0, end);
                    scope.Detach(whole);
                    return (data with { owned = false }, whole, steps);
                }
                var gathered = data.Gather(_order.Slice(0, start, end));
                foreach (var t in gathered.Owned()) scope.Detach(t);
                return (gathered, null, steps);
            }
            if (start == 0 && end == data.Rows) return (data with { owned = false }, null, steps);
            var rows = data.Rows2(start, end);
            foreach (var t in rows.Owned()) scope.Detach(t);
            return (rows, null, steps);
        }

        public override IEnumerable<Batches> NextEpoch()
        {
            var (start, end, _) = Advance();
            for (var s = start; s < end; s += batchSize)
            {
                var e = Math.Min(s + batchSize, end);
                Batches batch;
                using (var scope = new DisposeScope())
                {
                    batch = _order is null ? data.Rows2(s, e) : data.Gather(_order.Slice(0, s, e));
                    foreach (var t in batch.Owned()) scope.Detach(t);
                }
                yield return batch;
            }
        }

        public override void Dispose() => _order?.Dispose();
    }

    // A sequence of batches, read lazily. Without stepsPerEpoch each epoch enumerates the sequence afresh to its end;
    // with it, an epoch takes stepsPerEpoch batches and the next continues the same enumeration (an endless sequence
    // needs it), starting over once the sequence ends, as Keras 3's epoch iterator does with a dataset.
    private sealed class SequenceEpochs(Model model, IEnumerable<Batch> data, int? stepsPerEpoch,
        IReadOnlyDictionary<int, double>? classWeight) : EpochSource
    {
        private IEnumerator<Batch>? _current;

        public override int? Steps => stepsPerEpoch;

        public override IEnumerable<Batches> NextEpoch()
        {
            RanOut = false;
            var fresh = false;
            if (_current is null || stepsPerEpoch is null)
            {
                _current?.Dispose();
                _current = data.GetEnumerator();
                fresh = true;
            }
            for (var step = 0; stepsPerEpoch is not { } s || step < s; step++)
            {
                if (!_current.MoveNext())
                {
                    _current.Dispose();
                    _current = null;
                    if (step == 0 && fresh) throw new ArgumentException("the data sequence yielded no batches", "data");
                    RanOut = stepsPerEpoch is not null;
                    yield break;
                }
                yield return model.PrepareBatch(_current.Current, $"data batch {step}", classWeight);
            }
        }

        public override void Dispose() => _current?.Dispose();
    }

    // A batch of a sequence on the device, checked as Fit checks arrays; class weights multiplied in.
    private Batches PrepareBatch(Batch batch, string name, IReadOnlyDictionary<int, double>? classWeight)
    {
        var prepared = PrepareData(batch.X, batch.Y, batch.SampleWeight, name + " X", name + " Y", name + " SampleWeight");
        if (classWeight is null) return prepared;
        try
        {
            var weighted = WithClassWeights(prepared, classWeight, "classWeight");
            prepared.W?.Dispose();
            return weighted;
        }
        catch
        {
            foreach (var t in prepared.Owned()) t.Dispose();
            throw;
        }
    }
}
