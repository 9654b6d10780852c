using System.Text.Json;
using System.Text.Json.Nodes;
using Degenerate.Models;

namespace Degenerate.Callbacks;

/// <summary>
/// Backs training up to a folder so that a run that was killed resumes where it stopped when Fit is started again
/// with the same callback settings, as <c>keras.callbacks.BackupAndRestore</c>. Each backup holds the weights and the
/// optimizer's state (learning rate, step count, moments: the model file's version 2), so the resumed run continues
/// exactly as an uninterrupted one would (with <c>shuffle: false</c>; a shuffled run draws new orders when resumed, as
/// in Keras). At the start of Fit the latest backup, if any, is loaded and training starts at the epoch after the last
/// one backed up. <see cref="SaveFreq"/> null backs up after every epoch; a number N backs up every N training batches
/// (then, as in Keras, a resumed run restarts the interrupted epoch from its beginning with the weights of its last
/// backup). When Fit finishes normally the folder is deleted (unless <see cref="DeleteCheckpoint"/> is false), so the
/// next Fit starts afresh.
/// </summary>
/// <remarks>
/// A backup is a model file named after a counter plus "training_metadata.json" naming it; the metadata is replaced
/// atomically after the model file is complete, so a kill at any moment leaves a consistent backup. With
/// <see cref="DoubleCheckpoint"/> the previous backup is kept too and used when the latest cannot be read.
/// </remarks>
public sealed class BackupAndRestore : Callback
{
    private const string MetadataName = "training_metadata.json";
    private int _currentEpoch;
    private int _lastBatchSeen;
    private int _batchesSinceSave;
    private long _counter;

    /// <summary>Creates the callback.</summary>
    /// <param name="backupDir">Folder for the backups (created on demand); give each training run its own.</param>
    /// <param name="saveFreq">null: back up at the end of every epoch (Keras's "epoch"); N: every N training batches.</param>
    /// <param name="deleteCheckpoint">Delete the folder when Fit finishes normally.</param>
    /// <param name="doubleCheckpoint">Keep the previous backup as well, to fall back on when the latest is unreadable.</param>
    public BackupAndRestore(string backupDir, int? saveFreq = null, bool deleteCheckpoint = true, bool doubleCheckpoint = false)
    {
        if (string.IsNullOrWhiteSpace(backupDir)) throw new ArgumentException("backupDir must name a folder (it is empty)", nameof(backupDir));
        if (saveFreq is <= 0)
            throw new ArgumentOutOfRangeException(nameof(saveFreq), saveFreq, "saveFreq must be null (every epoch) or a positive number of batches");
        BackupDir = backupDir;
        SaveFreq = saveFreq;
        DeleteCheckpoint = deleteCheckpoint;
        DoubleCheckpoint = doubleCheckpoint;
    }

    /// <summary>The backup folder.</summary>
    public string BackupDir { get; }

    /// <summary>null: every epoch; otherwise every that many training batches.</summary>
    public int? SaveFreq { get; }

    /// <summary>Whether the folder is deleted when Fit finishes.</summary>
    public bool DeleteCheckpoint { get; }

    /// <summary>Whether the previous backup is kept as a fallback.</summary>
    public bool DoubleCheckpoint { get; }

    /// <summary>The epoch Fit resumed at (0 when nothing was restored); set at the start of Fit.</summary>
    public int RestoredEpoch { get; private set; }

    private string MetadataPath => Path.Combine(BackupDir, MetadataName);

    private string PreviousMetadataPath => MetadataPath + ".bkp";

    /// <inheritdoc/>
    public override void OnTrainBegin()
    {
        var model = Model ?? throw new InvalidOperationException("BackupAndRestore used outside Fit");
        if (!model.Built)
            throw new InvalidOperationException("BackupAndRestore needs a model built before Fit: give the first layer an inputDim, or call Build");
        _currentEpoch = 0;
        _lastBatchSeen = 0;
        _batchesSinceSave = 0;
        RestoredEpoch = 0;
        if (!File.Exists(MetadataPath)) return;
        try
        {
            Restore(model, MetadataPath);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or ArgumentException && File.Exists(PreviousMetadataPath))
        {
            model.Logger?.LogWarning($"BackupAndRestore: the latest backup in '{BackupDir}' cannot be read ({e.Message}); using the previous one");
            Restore(model, PreviousMetadataPath);
        }
    }

    private void Restore(Model model, string metadataPath)
    {
        var metadata = JsonNode.Parse(File.ReadAllText(metadataPath)) as JsonObject
            ?? throw new InvalidDataException($"'{metadataPath}' is not a JSON object");
        var epoch = metadata["epoch"]?.GetValue<int>() ?? throw new InvalidDataException($"'{metadataPath}' has no epoch");
        var file = metadata["weights"]?.GetValue<string>() ?? throw new InvalidDataException($"'{metadataPath}' names no weights file");
        if (epoch < 0 || Path.GetFileName(file) != file) throw new InvalidDataException($"'{metadataPath}' is not a backup's metadata");
        ModelFileLoader.LoadTrainingState(model, Path.Combine(BackupDir, file));
        _counter = metadata["counter"]?.GetValue<long>() ?? 0;
        _currentEpoch = epoch;
        RestoredEpoch = epoch;
        model.ResumeEpoch = epoch;
        model.Logger?.LogInformation("BackupAndRestore: resuming at epoch {Epoch} from '{Folder}'", epoch + 1, BackupDir);
    }

    // Backing up every epoch needs no batches: the fused training plan stays usable.
    internal override bool NeedsTrainBatches => SaveFreq is not null;

    /// <inheritdoc/>
    public override void OnTrainBatchEnd(int batch, BatchLogs logs)
    {
        if (SaveFreq is not { } every) return;
        // As Keras: batch indices restart each epoch; count the batches run since the last backup.
        _batchesSinceSave += batch <= _lastBatchSeen ? batch + 1 : batch - _lastBatchSeen;
        _lastBatchSeen = batch;
        if (_batchesSinceSave < every) return;
        _batchesSinceSave = 0;
        Save();
    }

    /// <inheritdoc/>
    public override void OnEpochEnd(int epoch, IDictionary<string, double> logs)
    {
        _currentEpoch = epoch + 1;
        _lastBatchSeen = 0;
        if (SaveFreq is null) Save();
    }

    private void Save()
    {
        var model = Model!;
        Directory.CreateDirectory(BackupDir);
        var previous = File.Exists(MetadataPath) ? File.ReadAllText(MetadataPath) : null;
        var name = $"backup-{++_counter}.dgm";
        model.Save(Path.Combine(BackupDir, name));
        var metadata = new JsonObject { ["epoch"] = _currentEpoch, ["batch"] = _lastBatchSeen, ["weights"] = name, ["counter"] = _counter };
        var temp = MetadataPath + ".tmp";
        File.WriteAllText(temp, metadata.ToJsonString());
        if (DoubleCheckpoint && previous is not null) WriteAtomically(PreviousMetadataPath, previous);
        File.Move(temp, MetadataPath, overwrite: true);
        // Only the backups the metadata files name are kept.
        var keep = new HashSet<string> { name };
        if (DoubleCheckpoint && previous is not null && JsonNode.Parse(previous)?["weights"]?.GetValue<string>() is { } old) keep.Add(old);
        foreach (var path in Directory.EnumerateFiles(BackupDir, "backup-*.dgm"))
            if (!keep.Contains(Path.GetFileName(path))) File.Delete(path);
    }

    private static void WriteAtomically(string path, string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    /// <inheritdoc/>
    public override void OnTrainEnd(IDictionary<string, double> logs)
    {
        if (DeleteCheckpoint && Directory.Exists(BackupDir)) Directory.Delete(BackupDir, recursive: true);
    }
}
