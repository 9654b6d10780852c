using System.Reflection;

/// <summary>Where an example writes its files: the folder given as the first argument, else output/ beside the example's project.</summary>
internal static class ExampleOutput
{
    public static string Folder(string[] args)
    {
        if (args.Length > 0) return Path.GetFullPath(args[0]);
        var project = Assembly.GetEntryAssembly()?.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ExampleProjectDirectory")?.Value;
        return Path.Combine(project ?? Environment.CurrentDirectory, "output");
    }
}
