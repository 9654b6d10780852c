/// <summary>
/// The article's generator: relationship is -0.5 (partnered) or +0.5 (single); children and age are uniform in
/// [-0.5, 0.5]. Partnered people buy 1.0·children − 0.2·age balloons, red when 0.8·children + 0.2·age &gt; 0; single
/// people buy 0.8·children + 0.5·age, red when 0.5·children + 0.5·age &gt; 0. Feature order: relationship, children, age.
/// </summary>
internal static class BalloonData
{
    public static (double[,] X, double[] Balloons, double[] Color) Generate(int rows, int seed)
    {
        var random = new Random(seed);
        var x = new double[rows, 3];
        var balloons = new double[rows];
        var color = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            var relationship = random.Next(2) == 0 ? -0.5 : 0.5;
            var children = random.NextDouble() - 0.5;
            var age = random.NextDouble() - 0.5;
            x[i, 0] = relationship;
            x[i, 1] = children;
            x[i, 2] = age;
            if (relationship == -0.5)
            {
                balloons[i] = 1.0 * children - 0.2 * age;
                color[i] = 0.8 * children + 0.2 * age > 0 ? 1 : 0;
            }
            else
            {
                balloons[i] = 0.8 * children + 0.5 * age;
                color[i] = 0.5 * children + 0.5 * age > 0 ? 1 : 0;
            }
        }
        return (x, balloons, color);
    }
}
