using Degenerate.Tensors;

namespace Degenerate.Tests.Tensors;

public class DisposeScopeTests
{
    [Fact]
    public void DisposesTemporariesAndKeepsWhatIsMovedOutOrDetached()
    {
        Tensor a, b, c, kept, moved;
        using (var outer = new DisposeScope())
        {
            using (var inner = new DisposeScope())
            {
                a = Tensor.Ones([3]);
                b = a * 2;
                c = b + 1;
                kept = inner.Detach(c * 10);
                moved = inner.MoveToOuter(c * 100);
                Assert.Equal(3, inner.Count); // a, b, c
            }
            Assert.True(a.IsDisposed);
            Assert.True(b.IsDisposed);
            Assert.True(c.IsDisposed);
            Assert.False(kept.IsDisposed);
            Assert.False(moved.IsDisposed);
            Assert.Equal([300f, 300f, 300f], moved.ToArray<float>());
            Assert.Equal(1, outer.Count);
        }
        Assert.True(moved.IsDisposed);   // the outer scope owned it
        Assert.False(kept.IsDisposed);   // nobody owns it but us
        Assert.Equal([30f, 30f, 30f], kept.ToArray<float>());
        kept.Dispose();
        Assert.True(kept.IsDisposed);
        kept.Dispose(); // twice is harmless
    }

    [Fact]
    public void MoveToOuterFromTheOutermostScopeHandsOwnershipToTheCaller()
    {
        Tensor t;
        using (var scope = new DisposeScope()) t = scope.MoveToOuter(Tensor.Zeros([2]));
        Assert.False(t.IsDisposed);
        t.Dispose();
    }

    [Fact]
    public void TensorsCreatedOutsideAnyScopeAreLeftAlone()
    {
        using var outside = Tensor.Ones([2]);
        using (new DisposeScope())
        {
            using var temp = outside * 3;
        }
        Assert.False(outside.IsDisposed);
    }

    [Fact]
    public void UsingADisposedTensorFailsCleanly()
    {
        var t = Tensor.Ones([2]);
        t.Dispose();
        Assert.ThrowsAny<ObjectDisposedException>(() => t.Sum());
    }
}
