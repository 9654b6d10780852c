using System.Text.Json.Nodes;
using Degenerate.Models;

namespace Degenerate.Optimizers.Schedules;

// A schedule in a model file, in Keras's serialized shape: {"class_name": ..., "config": {Keras argument names}}.
internal static class ScheduleConfig
{
    public static JsonObject Write(LearningRateSchedule schedule)
    {
        var config = schedule switch
        {
            ExponentialDecay e => new JsonObject
            {
                ["initial_learning_rate"] = e.InitialLearningRate, ["decay_steps"] = e.DecaySteps, ["decay_rate"] = e.DecayRate,
                ["staircase"] = e.Staircase,
            },
            InverseTimeDecay i => new JsonObject
            {
                ["initial_learning_rate"] = i.InitialLearningRate, ["decay_steps"] = i.DecaySteps, ["decay_rate"] = i.DecayRate,
                ["staircase"] = i.Staircase,
            },
            PiecewiseConstantDecay p => new JsonObject
            {
                ["boundaries"] = new JsonArray(p.Boundaries.Select(b => (JsonNode?)b).ToArray()),
                ["values"] = new JsonArray(p.Values.Select(v => (JsonNode?)v).ToArray()),
            },
            CosineDecay c => new JsonObject
            {
                ["initial_learning_rate"] = c.InitialLearningRate, ["decay_steps"] = c.DecaySteps, ["alpha"] = c.Alpha,
                ["warmup_target"] = c.WarmupTarget, ["warmup_steps"] = c.WarmupSteps,
            },
            _ => throw new NotSupportedException(
                $"the learning-rate schedule {schedule.GetType().Name} cannot be saved; the model file knows ExponentialDecay, " +
                "InverseTimeDecay, PiecewiseConstantDecay and CosineDecay"),
        };
        return new JsonObject { ["class_name"] = schedule.Name, ["config"] = config };
    }

    public static LearningRateSchedule Read(JsonObject node, ModelFileFields f)
    {
        const string at = "compile.optimizer.learning_rate_schedule";
        var name = f.Text(node["class_name"], at + ".class_name");
        var c = f.Object(node["config"], at + ".config");
        double Number(string key) => f.Number(c[key], $"{at}.config.{key}");
        bool Flag(string key) => f.OptionalBool(c[key], $"{at}.config.{key}") ?? false;
        double[] Numbers(string key) =>
            f.Array(c[key], $"{at}.config.{key}").Select((n, i) => f.Number(n, $"{at}.config.{key}[{i}]")).ToArray();
        try
        {
            return name switch
            {
                "ExponentialDecay" => new ExponentialDecay(Number("initial_learning_rate"), Number("decay_steps"), Number("decay_rate"), Flag("staircase")),
                "InverseTimeDecay" => new InverseTimeDecay(Number("initial_learning_rate"), Number("decay_steps"), Number("decay_rate"), Flag("staircase")),
                "PiecewiseConstantDecay" => new PiecewiseConstantDecay(Numbers("boundaries"), Numbers("values")),
                "CosineDecay" => new CosineDecay(Number("initial_learning_rate"), Number("decay_steps"),
                    f.OptionalNumber(c["alpha"], at + ".config.alpha") ?? 0, f.OptionalNumber(c["warmup_target"], at + ".config.warmup_target"),
                    f.OptionalNumber(c["warmup_steps"], at + ".config.warmup_steps") ?? 0),
                _ => throw f.Bad($"{at}.class_name is '{name}'; known: ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, CosineDecay"),
            };
        }
        catch (Exception e) when (e is not InvalidDataException && ModelFileFields.IsConfigError(e))
        {
            throw f.Bad($"{at} is not a valid '{name}' config: {e.Message}", e);
        }
    }
}
