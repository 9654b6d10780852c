using Degenerate.Statistics;

namespace Degenerate.Cli;

/// <summary>The command line's names for families, links and solvers, parsed with messages that list the valid ones.</summary>
internal static class Names
{
    public static Family ParseFamily(string name) => name.Trim().ToLowerInvariant() switch
    {
        "gaussian" or "normal" => Family.Gaussian,
        "binomial" or "logistic" => Family.Binomial,
        "poisson" => Family.Poisson,
        "gamma" => Family.Gamma,
        "multinomial" or "mnlogit" => Family.Multinomial,
        "negativebinomial" or "negative_binomial" or "negbin" => Family.NegativeBinomial,
        "tweedie" => Family.Tweedie,
        _ => throw new UsageException($"--family: unknown family '{name}'; expected gaussian, binomial, poisson, gamma, multinomial, negativebinomial or tweedie"),
    };

    public static Link ParseLink(string name) => name.Trim().ToLowerInvariant() switch
    {
        "identity" => Link.Identity,
        "logit" => Link.Logit,
        "log" => Link.Log,
        "inverse" or "inverse_power" => Link.Inverse,
        "probit" => Link.Probit,
        "cloglog" => Link.CLogLog,
        "sqrt" => Link.Sqrt,
        _ => throw new UsageException($"--link: unknown link '{name}'; expected identity, logit, probit, cloglog, log, inverse or sqrt"),
    };

    public static Solver ParseSolver(string name) => name.Trim().ToLowerInvariant() switch
    {
        "newton" => Solver.Newton,
        "lbfgs" or "l-bfgs" => Solver.LBFGS,
        "adam" => Solver.Adam,
        _ => throw new UsageException($"--solver: unknown solver '{name}'; expected newton, lbfgs or adam"),
    };

    public static string Lower<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
