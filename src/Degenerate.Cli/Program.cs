// The `degenerate` command-line tool; everything happens in CliApp.Run so that tests can call it in-process.
return Degenerate.Cli.CliApp.Run(args, Console.Out, Console.Error);
