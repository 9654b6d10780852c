// A console runner for the xunit v2 suite that needs only the .NET runtime. `dotnet test` needs the SDK (vstest), and
// the NuGet mirror serves no console runner for .NET Core, so this drives xunit's own engine (xunit.execution, already
// a dependency of the tests) directly: discover the test cases, filter them, run them, report like a console runner.
using System.Diagnostics;
using System.Reflection;
using Degenerate.TestRunner;
using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

var options = RunnerOptions.Parse(args);
if (options is null) return 2;

var assembly = typeof(Degenerate.Tests.TestDevices).Assembly;
var clock = Stopwatch.StartNew();
var report = new Report(options.Verbose);
using var framework = new XunitTestFramework(new DiagnosticSink(options.Verbose));

var discovery = new DiscoverySink();
using (var discoverer = framework.GetDiscoverer(Reflector.Wrap(assembly)))
{
    discoverer.Find(includeSourceInformation: false, discovery, new FrameworkOptions());
    discovery.Finished.WaitOne();
}
var selected = discovery.TestCases.Where(t => options.Matches(t)).ToList();
if (options.List)
{
    foreach (var t in selected.OrderBy(t => t.DisplayName, StringComparer.Ordinal)) Console.WriteLine(t.DisplayName);
    Console.WriteLine($"{selected.Count} test case(s)");
    return 0;
}
Console.WriteLine($"Degenerate.Tests: {selected.Count} of {discovery.TestCases.Count} test case(s) selected" +
                  (options.Filters.Count > 0 ? $" by {string.Join(", ", options.Filters.Select(f => $"'{f}'"))}" : ""));
if (selected.Count == 0)
{
    Console.WriteLine("0 passed, 0 failed: no test matched");
    return 2;
}

var execution = new ExecutionSink(report);
var executionOptions = new FrameworkOptions();
if (options.Serial) executionOptions.SetValue("xunit.execution.DisableParallelization", true);
using (var executor = framework.GetExecutor(assembly.GetName()))
{
    executor.RunTests(selected, execution, executionOptions);
    execution.Finished.WaitOne();
}
return report.Print(clock.Elapsed);

namespace Degenerate.TestRunner
{
    /// <summary>Command line: filters (substrings of the test's full name), --list, --serial, --verbose.</summary>
    internal sealed record RunnerOptions(List<string> Filters, bool List, bool Serial, bool Verbose)
    {
        public static RunnerOptions? Parse(string[] args)
        {
            var filters = new List<string>();
            bool list = false, serial = false, verbose = false;
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--filter" when i + 1 < args.Length: filters.Add(args[++i]); break;
                    case "--list": list = true; break;
                    case "--serial": serial = true; break;
                    case "--verbose" or "-v": verbose = true; break;
                    case "--help" or "-h":
                        Console.WriteLine("usage: dotnet Degenerate.TestRunner.dll [--filter TEXT]... [--list] [--serial] [--verbose]");
                        Console.WriteLine("  --filter TEXT  run tests whose full name (Namespace.Class.Method(args)) contains TEXT; repeatable (any)");
                        Console.WriteLine("  --list         list the selected test cases and exit");
                        Console.WriteLine("  --serial       run test classes one after another instead of in parallel");
                        Console.WriteLine("  --verbose      print every test's result and xunit's diagnostics");
                        Console.WriteLine("Exit status: 0 all passed, 1 some failed, 2 nothing ran or bad arguments.");
                        return null;
                    default:
                        Console.Error.WriteLine($"unknown argument '{args[i]}' (try --help)");
                        return null;
                }
            }
            return new RunnerOptions(filters, list, serial, verbose);
        }

        public bool Matches(ITestCase test)
        {
            if (Filters.Count == 0) return true;
            var method = test.TestMethod;
            var fullName = $"{method.TestClass.Class.Name}.{method.Method.Name}";
            return Filters.Any(f => fullName.Contains(f, StringComparison.Ordinal) || test.DisplayName.Contains(f, StringComparison.Ordinal));
        }
    }

    /// <summary>xunit's discovery and execution options: a plain bag of values (xunit supplies the defaults).</summary>
    internal sealed class FrameworkOptions : ITestFrameworkDiscoveryOptions, ITestFrameworkExecutionOptions
    {
        private readonly Dictionary<string, object?> _values = new();

        public TValue GetValue<TValue>(string name) =>
            _values.TryGetValue(name, out var v) && v is TValue t ? t : default!;

        public void SetValue<TValue>(string name, TValue value) => _values[name] = value;
    }

    internal sealed class DiagnosticSink(bool verbose) : LongLivedMarshalByRefObject, IMessageSink
    {
        public bool OnMessage(IMessageSinkMessage message)
        {
            if (verbose && message is IDiagnosticMessage d) Console.WriteLine($"[xunit] {d.Message}");
            return true;
        }
    }

    internal sealed class DiscoverySink : LongLivedMarshalByRefObject, IMessageSink
    {
        public List<ITestCase> TestCases { get; } = new();
        public ManualResetEvent Finished { get; } = new(false);

        public bool OnMessage(IMessageSinkMessage message)
        {
            if (message is ITestCaseDiscoveryMessage found) TestCases.Add(found.TestCase);
            else if (message is IDiscoveryCompleteMessage) Finished.Set();
            return true;
        }
    }

    internal sealed class ExecutionSink(Report report) : LongLivedMarshalByRefObject, IMessageSink
    {
        public ManualResetEvent Finished { get; } = new(false);

        public bool OnMessage(IMessageSinkMessage message)
        {
            switch (message)
            {
                case ITestPassed p: report.Passed(p); break;
                case ITestFailed f: report.Failed(f.Test.DisplayName, f); break;
                case ITestSkipped s: report.Skipped(s.Test.DisplayName, s.Reason); break;
                // Failures outside a test (fixture set-up or clean-up, a catastrophic error) count as failures too.
                case IErrorMessage e: report.Failed("(xunit error)", e); break;
                case ITestAssemblyCleanupFailure e: report.Failed("(assembly clean-up)", e); break;
                case ITestCollectionCleanupFailure e: report.Failed($"(collection clean-up) {e.TestCollection.DisplayName}", e); break;
                case ITestClassCleanupFailure e: report.Failed($"(class clean-up) {e.TestClass.Class.Name}", e); break;
                case ITestCleanupFailure e: report.Failed($"(test clean-up) {e.Test.DisplayName}", e); break;
                case ITestAssemblyFinished: Finished.Set(); break;
            }
            return true;
        }
    }

    /// <summary>Collects results (from several threads) and prints them as a console runner does.</summary>
    internal sealed class Report(bool verbose)
    {
        private readonly object _gate = new();
        private readonly List<(string Name, string Reason)> _skipped = new();
        private int _passed, _failed;

        public void Passed(ITestPassed p)
        {
            lock (_gate)
            {
                _passed++;
                if (verbose) Console.WriteLine($"  PASS {p.Test.DisplayName} [{p.ExecutionTime * 1000:F0} ms]");
            }
        }

        public void Failed(string name, IFailureInformation failure)
        {
            lock (_gate)
            {
                _failed++;
                Console.WriteLine($"  FAIL {name}");
                for (var i = 0; i < failure.Messages.Length; i++)
                {
                    var type = i < failure.ExceptionTypes.Length ? failure.ExceptionTypes[i] : "";
                    Console.WriteLine($"       {(i > 0 ? "inner " : "")}{type}: {Indent(failure.Messages[i])}");
                    if (i < failure.StackTraces.Length && !string.IsNullOrWhiteSpace(failure.StackTraces[i]))
                        Console.WriteLine("       " + Indent(failure.StackTraces[i]!.TrimEnd()));
                }
            }
        }

        public void Skipped(string name, string reason)
        {
            lock (_gate)
            {
                _skipped.Add((name, reason));
                if (verbose) Console.WriteLine($"  SKIP {name}: {reason}");
            }
        }

        private static string Indent(string? text) => (text ?? "").Replace("\n", "\n       ");

        /// <summary>Prints the skip reasons and the closing line; returns the exit status.</summary>
        public int Print(TimeSpan elapsed)
        {
            if (_skipped.Count > 0 && !verbose)
            {
                Console.WriteLine("Skipped, by reason:");
                foreach (var group in _skipped.GroupBy(s => s.Reason).OrderByDescending(g => g.Count()))
                    Console.WriteLine($"  {group.Count()} x {group.Key}");
            }
            Console.WriteLine($"Finished in {elapsed.TotalSeconds:F1} s");
            Console.WriteLine($"Tests: {_passed} passed, {_failed} failed, {_skipped.Count} skipped");
            return _failed > 0 ? 1 : _passed + _skipped.Count == 0 ? 2 : 0;
        }
    }
}
