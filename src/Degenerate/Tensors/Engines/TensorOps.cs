namespace Degenerate.Tensors.Engines;

// The operation codes of the engine contract. The native shim reads the same numbers (ops.cpp): append only.

internal enum UnaryOp
{
    Neg, Exp, Log, Sigmoid, Tanh, Relu, Softplus, Elu, Gelu, Abs, Sqrt, Square, LogSigmoid, Log1p, Sign,
    Reciprocal, IsFinite, Round, Floor, Lgamma, Digamma, Expm1, LogicalNot,
}

internal enum BinaryOp
{
    Add, Sub, Mul, Div, MatMul, Pow, Maximum, Minimum, Eq, Ne, Gt, Ge, Lt, Le, Xlogy, BceWithLogits,
    LogicalAnd, LogicalOr,
}

internal enum ScalarOp { Add, Sub, RSub, Mul, Div, RDiv, Pow, ClampMin, ClampMax, Eq, Ne, Gt, Ge, Lt, Le, Elu, RPow }

internal enum ReduceOp { Sum, Mean, Max, Min, ArgMax, LogSumExp, Prod, Any, All, ArgMin, Norm2, AbsMax }
