"""``import tmath_array.torch as torch``: PyTorch's tensors and autograd over MLX.

A :class:`Tensor` is a tmath_array ``Array`` (every namespace function accepts it) with
PyTorch's methods, printing, type promotion and autograd. Operations are lazy MLX graphs,
``backward()`` builds the gradient graph without evaluating it, and ``.item()``/printing
are the sync points (docs/torch.md). The face never imports PyTorch.
"""

from __future__ import annotations

import tmath_array as _xp  # noqa: F401 (loads the namespace and binds Array's methods)

from . import (  # noqa: E402
    _methods,
    autograd,
    backends,
    cuda,
    distributed,
    fft,
    linalg,
    mps,
    nn,
    optim,
    utils,
)
from ._compile import compile  # noqa: E402
from ._creation import (
    Generator,
    arange,
    as_tensor,
    bernoulli,
    default_generator,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    initial_seed,
    linspace,
    logspace,
    manual_seed,
    multinomial,
    normal,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    seed,
    tensor,
    zeros,
    zeros_like,
)
from ._engine import is_grad_enabled
from ._math import (
    abs,
    absolute,
    acos,
    acosh,
    add,
    addcdiv,
    addcmul,
    addmm,
    addmv,
    adjoint,
    all,
    allclose,
    amax,
    amin,
    aminmax,
    angle,
    any,
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctan2,
    arctanh,
    argmax,
    argmin,
    argsort,
    argwhere,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    atleast_1d,
    atleast_2d,
    atleast_3d,
    baddbmm,
    bincount,
    bitwise_and,
    bitwise_left_shift,
    bitwise_not,
    bitwise_or,
    bitwise_right_shift,
    bitwise_xor,
    bmm,
    broadcast_shapes,
    broadcast_tensors,
    broadcast_to,
    bucketize,
    cat,
    cdist,
    ceil,
    chunk,
    clamp,
    clamp_max,
    clamp_min,
    clip,
    clone,
    column_stack,
    concat,
    concatenate,
    conj,
    copysign,
    corrcoef,
    cos,
    cosh,
    count_nonzero,
    cov,
    cross,
    cumprod,
    cumsum,
    deg2rad,
    detach,
    diag,
    diag_embed,
    diagonal,
    diff,
    dist,
    div,
    divide,
    dot,
    dstack,
    einsum,
    eq,
    equal,
    erf,
    erfinv,
    exp,
    exp2,
    expm1,
    fix,
    flatten,
    flip,
    fliplr,
    flipud,
    float_power,
    floor,
    floor_divide,
    fmax,
    fmin,
    fmod,
    frac,
    gather,
    ge,
    ger,
    greater,
    greater_equal,
    gt,
    histc,
    hstack,
    hypot,
    imag,
    index_add,
    index_fill,
    index_select,
    inner,
    is_complex,
    is_floating_point,
    is_nonzero,
    is_tensor,
    isclose,
    isfinite,
    isinf,
    isnan,
    kron,
    kthvalue,
    le,
    lerp,
    less,
    less_equal,
    log,
    log1p,
    log2,
    log10,
    log_softmax,
    logaddexp,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    logit,
    logsumexp,
    lt,
    masked_fill,
    masked_select,
    matmul,
    max,
    maximum,
    mean,
    median,
    meshgrid,
    min,
    minimum,
    mm,
    moveaxis,
    movedim,
    msort,
    mul,
    multiply,
    mv,
    nan_to_num,
    nanmean,
    nansum,
    narrow,
    ne,
    neg,
    negative,
    nonzero,
    norm,
    not_equal,
    numel,
    outer,
    permute,
    positive,
    pow,
    prod,
    rad2deg,
    ravel,
    real,
    reciprocal,
    relu,
    remainder,
    repeat_interleave,
    reshape,
    return_types,
    roll,
    rot90,
    round,
    row_stack,
    rsqrt,
    rsub,
    scatter,
    scatter_add,
    scatter_reduce,
    searchsorted,
    select,
    sgn,
    sigmoid,
    sign,
    signbit,
    sin,
    sinc,
    sinh,
    softmax,
    sort,
    split,
    sqrt,
    square,
    squeeze,
    stack,
    std,
    std_mean,
    sub,
    subtract,
    sum,
    swapaxes,
    swapdims,
    t,
    take,
    take_along_dim,
    tan,
    tanh,
    tensor_split,
    tensordot,
    tile,
    topk,
    trace,
    transpose,
    tril,
    triu,
    true_divide,
    trunc,
    unbind,
    unflatten,
    unique,
    unsqueeze,
    var,
    var_mean,
    vdot,
    vstack,
    where,
)
from ._printing import get_printoptions, set_printoptions
from ._tensor import Tensor
from ._types import (
    Size,
    bfloat16,
    bool,
    cfloat,
    complex64,
    device,
    double,
    dtype,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    promote,
    set_default_dtype,
    short,
    uint8,
    uint16,
    uint32,
    uint64,
)
from .autograd import enable_grad, inference_mode, no_grad, set_grad_enabled  # noqa: E402
from .autograd.grad_mode import is_inference_mode_enabled  # noqa: E402
from .serialization import load, save  # noqa: E402

_methods.install()

__version__ = "2.13.0+tmath"  # the PyTorch API version this face follows


def _legacy(name: str, dt):
    # Note: PyTorch's legacy typed constructors (torch.LongTensor([1, 2])): they make tensors
    # of their dtype; isinstance() against them is not PyTorch's dtype check.
    return type(name, (Tensor,), {"_legacy_dtype": dt, "__module__": "torch"})


FloatTensor = _legacy("FloatTensor", float32._canon)
DoubleTensor = _legacy("DoubleTensor", float64._canon)
HalfTensor = _legacy("HalfTensor", float16._canon)
LongTensor = _legacy("LongTensor", int64._canon)
IntTensor = _legacy("IntTensor", int32._canon)
ShortTensor = _legacy("ShortTensor", int16._canon)
ByteTensor = _legacy("ByteTensor", uint8._canon)
BoolTensor = _legacy("BoolTensor", bool._canon)
promote_types = promote


def result_type(tensor1, tensor2):
    """PyTorch's result dtype of two tensors or numbers."""
    from ._ops import operand
    from ._ops import result_type as _rt
    return _rt(operand(tensor1), operand(tensor2))


def can_cast(from_, to) -> bool:
    """Whether PyTorch's casting rules allow ``from_`` to ``to`` (no lower category)."""
    from ._types import category, promote
    promote(from_, to)  # (TypeError for anything but dtypes)
    from .._array.dtypes import as_dtype
    return category(as_dtype(from_)) <= category(as_dtype(to))


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Accepted: MLX's CPU kernels are deterministic."""


def set_num_threads(n: int) -> None:
    """Accepted and ignored: MLX chooses its own threads."""


def get_num_threads() -> int:
    import os
    return os.cpu_count() or 1


def is_storage(obj) -> bool:
    return False


__all__ = [n for n in dir() if not n.startswith("_") and n not in (
    "annotations", "autograd", "backends", "cuda", "distributed", "fft", "linalg", "mps",
    "nn", "optim", "utils", "serialization")] + [
    "autograd", "backends", "cuda", "distributed", "fft", "linalg", "mps", "nn", "optim",
    "utils"]

_NOT_YET = {
    "jit": "torch.jit is not supported; tmath_array.compile fuses functions of arrays",
    "sparse": "sparse tensors are not supported (MLX has none)",
    "complex128": "MLX has no complex128: use torch.complex64",
    "cdouble": "MLX has no complex128: use torch.complex64",
    "quantize_per_tensor": "quantised tensors are not supported",
}


def __getattr__(name: str):
    if name.startswith("__"):
        raise AttributeError(name)
    if name in _NOT_YET:
        raise AttributeError(f"module 'tmath_array.torch' has no attribute '{name}': "
                             f"{_NOT_YET[name]}")
    raise AttributeError(f"module 'tmath_array.torch' has no attribute '{name}' (not "
                         "provided by the PyTorch face; docs/torch.md lists what is)")
