"""tmath_array: an Array API standard (2025.12) namespace over MLX arrays.

``import tmath_array as xp`` and write code against the standard; it runs on
MLX, lazily. See README.md and docs/ for the design.
"""

from __future__ import annotations

import sys as _sys

# First, before MLX does any work: send MLX's BLAS/LAPACK calls to an optimised
# library on Linux (see _runtime/blas.py and docs/blas.md).
from ._runtime import blas as _blas
from ._runtime.version import __array_api_version__, __version__

_blas.setup()

# Array's operators and methods are the functions of the layers above the array model:
# attached once, here, before anything else runs (see _numpy/bind.py).
from ._numpy import bind as _bind

_bind.install()

# The extensions (linalg, fft) and xp.random (NumPy's random API), as submodules.
from . import exceptions, fft, lib, linalg, polynomial, random
from ._array.array import Array
from ._array.compile_api import compile, compile_cache_clear, compile_cache_info
from ._array.devices import Device
from ._array.dtypes import (
    bfloat16,
    bool,
    complex64,
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    uint8,
    uint16,
    uint32,
    uint64,
)
from ._array.lazy_api import eval, reset_sync_stats, sync_stats
from ._interop.torch_tensors import to_torch

# NumPy's ufunc methods and out=/where=/dtype= on the elementwise functions (attached to
# the same function objects; see _numpy/ufuncs.py).
from ._numpy import ufuncs as _ufuncs  # noqa: F401

# NumPy names (porting by changing one import; docs/numpy.md): NumPy's spellings of
# standard functions and dtypes, NumPy-only shape and creation functions, and advice
# for the NumPy names that are not here (see __getattr__ below).
from ._numpy.advice import NUMPY_ADVICE as _NUMPY_ADVICE
from ._numpy.aliases import (
    absolute,
    amax,
    amin,
    arccos,
    arccosh,
    arcsin,
    arcsinh,
    arctan,
    arctan2,
    arctanh,
    around,
    array,
    bitwise_not,
    bool_,
    byte,
    concatenate,
    conjugate,
    copy,
    csingle,
    cumprod,
    cumsum,
    diagonal,
    double,
    dtype,
    half,
    identity,
    int_,
    intc,
    intp,
    invert,
    left_shift,
    longlong,
    mod,
    ndarray,
    ndim,
    power,
    right_shift,
    shape,
    short,
    single,
    size,
    transpose,
    true_divide,
    ubyte,
    uint,
    uintp,
    ulonglong,
    ushort,
)
from ._numpy.aliases import (
    round_ as round,  # the standard's round with NumPy's decimals=
)
from ._numpy.index_tricks import (
    c_,
    copyto,
    mgrid,
    ndenumerate,
    ndindex,
    ogrid,
    place,
    put,
    putmask,
    r_,
)
from ._numpy.shape import (
    append,
    array_split,
    atleast_1d,
    atleast_2d,
    atleast_3d,
    column_stack,
    diag,
    dstack,
    fliplr,
    flipud,
    geomspace,
    hstack,
    indices,
    ix_,
    logspace,
    pad,
    ravel,
    rot90,
    split,
    swapaxes,
    tril_indices,
    tril_indices_from,
    triu_indices,
    triu_indices_from,
    vstack,
)
from ._runtime.config import config_info, show_config
from ._runtime.defaults import get_default_dtypes, set_default_dtypes
from ._standard.constants import e, inf, nan, newaxis, pi
from ._standard.creation import (
    arange,
    asarray,
    empty,
    empty_like,
    eye,
    from_dlpack,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    tril,
    triu,
    zeros,
    zeros_like,
)
from ._standard.data_types import astype, can_cast, finfo, iinfo, isdtype, result_type
from ._standard.elementwise import (
    abs,
    acos,
    acosh,
    add,
    asin,
    asinh,
    atan,
    atan2,
    atanh,
    bitwise_and,
    bitwise_invert,
    bitwise_left_shift,
    bitwise_or,
    bitwise_right_shift,
    bitwise_xor,
    ceil,
    clip,
    conj,
    copysign,
    cos,
    cosh,
    divide,
    equal,
    exp,
    expm1,
    floor,
    floor_divide,
    greater,
    greater_equal,
    hypot,
    imag,
    isfinite,
    isinf,
    isnan,
    less,
    less_equal,
    log,
    log1p,
    log2,
    log10,
    logaddexp,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    maximum,
    minimum,
    multiply,
    negative,
    nextafter,
    not_equal,
    positive,
    pow,
    real,
    reciprocal,
    remainder,
    sign,
    signbit,
    sin,
    sinh,
    sqrt,
    square,
    subtract,
    tan,
    tanh,
    trunc,
)
from ._standard.indexing import take, take_along_axis
from ._standard.info import __array_namespace_info__
from ._standard.linear_algebra import matmul, matrix_transpose, tensordot, vecdot
from ._standard.manipulation import (
    broadcast_arrays,
    broadcast_shapes,
    broadcast_to,
    concat,
    expand_dims,
    flip,
    moveaxis,
    permute_dims,
    repeat,
    reshape,
    roll,
    squeeze,
    stack,
    tile,
    unstack,
)
from ._standard.searching import argmax, argmin, count_nonzero, nonzero, searchsorted, where
from ._standard.sets import isin, unique_all, unique_counts, unique_inverse, unique_values
from ._standard.sorting import argsort, sort
from ._standard.statistical import (
    cumulative_prod,
    cumulative_sum,
    max,
    mean,
    min,
    prod,
    std,
    sum,
    var,
)
from ._standard.utility import all, any, diff

# NumPy-only math, statistics and counting functions (np-math; docs/numpy_math.md).
# isort: split
from ._numpy.counting import argwhere, bincount, flatnonzero, histogram, unique
from ._numpy.numeric import (
    allclose,
    array_equal,
    array_equiv,
    cbrt,
    deg2rad,
    degrees,
    exp2,
    fabs,
    fmax,
    fmin,
    fmod,
    heaviside,
    interp,
    isclose,
    nan_to_num,
    rad2deg,
    radians,
    sinc,
)
from ._numpy.products import dot, einsum, inner, kron, outer, trace, vdot
from ._numpy.quantiles import median, nanmedian, percentile, quantile
from ._numpy.sharing import may_share_memory, shares_memory
from ._numpy.stats import (
    average,
    corrcoef,
    cov,
    nanmax,
    nanmean,
    nanmin,
    nanstd,
    nansum,
    nanvar,
    ptp,
)

# NumPy functions real scripts use (docs/numpy.md, "Functions of NumPy scripts").
# isort: split
from ._numpy.calculus import convolve, correlate, cross, gradient, trapezoid
from ._numpy.construct import (
    apply_along_axis,
    ascontiguousarray,
    asfortranarray,
    block,
    frombuffer,
    fromfunction,
    fromiter,
    meshgrid,
    packbits,
    unpackbits,
    vectorize,
)
from ._numpy.fpstate import (
    errstate,
    get_printoptions,
    geterr,
    geterrcall,
    printoptions,
    set_printoptions,
    seterr,
    seterrcall,
)
from ._numpy.io import (
    fromfile,
    genfromtxt,
    load,
    loadtxt,
    save,
    savetxt,
    savez,
    savez_compressed,
)
from ._numpy.misc import (
    angle,
    bartlett,
    blackman,
    dsplit,
    hamming,
    hanning,
    histogram2d,
    histogram_bin_edges,
    hsplit,
    iscomplex,
    iscomplexobj,
    isneginf,
    isposinf,
    isreal,
    isrealobj,
    isscalar,
    tri,
    unwrap,
    vander,
    vsplit,
)
from ._numpy.nanfunctions import (
    nanargmax,
    nanargmin,
    nancumprod,
    nancumsum,
    nanpercentile,
    nanprod,
    nanquantile,
)
from ._numpy.polynomial import (
    poly,
    poly1d,
    polyadd,
    polyder,
    polydiv,
    polyfit,
    polyint,
    polymul,
    polysub,
    polyval,
    roots,
)
from ._numpy.selecting import (
    argpartition,
    choose,
    digitize,
    lexsort,
    partition,
    piecewise,
    ravel_multi_index,
    select,
    unravel_index,
)
from ._numpy.setops import (
    delete,
    ediff1d,
    in1d,
    insert,
    intersect1d,
    setdiff1d,
    setxor1d,
    trim_zeros,
    union1d,
)

__all__ = [
    "__array_api_version__",
    "__array_namespace_info__",
    "Array",
    "Device",
    # laziness and compilation (extensions)
    "eval", "sync_stats", "reset_sync_stats", "compile", "compile_cache_info",
    "compile_cache_clear",
    # configuration report and the default dtype rule (extensions)
    "config_info", "show_config", "get_default_dtypes", "set_default_dtypes",
    # constants
    "e", "inf", "nan", "newaxis", "pi",
    # dtypes (float16 and bfloat16 are extensions)
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "bfloat16", "float32", "float64", "complex64",
    # creation
    "arange", "asarray", "empty", "empty_like", "eye", "from_dlpack", "full", "full_like",
    "linspace", "meshgrid", "ones", "ones_like", "tril", "triu", "zeros", "zeros_like",
    # data types
    "astype", "can_cast", "finfo", "iinfo", "isdtype", "result_type",
    # elementwise
    "abs", "acos", "acosh", "add", "asin", "asinh", "atan", "atan2", "atanh", "bitwise_and",
    "bitwise_invert", "bitwise_left_shift", "bitwise_or", "bitwise_right_shift", "bitwise_xor",
    "ceil", "clip", "conj", "copysign", "cos", "cosh", "divide", "equal", "exp", "expm1",
    "floor", "floor_divide", "greater", "greater_equal", "hypot", "imag", "isfinite", "isinf",
    "isnan", "less", "less_equal", "log", "log10", "log1p", "log2", "logaddexp", "logical_and",
    "logical_not", "logical_or", "logical_xor", "maximum", "minimum", "multiply", "negative",
    "nextafter", "not_equal", "positive", "pow", "real", "reciprocal", "remainder", "round",
    "sign", "signbit", "sin", "sinh", "sqrt", "square", "subtract", "tan", "tanh", "trunc",
    # linear algebra
    "matmul", "matrix_transpose", "tensordot", "vecdot",
    # extensions
    "fft", "linalg",
    # indexing
    "take", "take_along_axis",
    # manipulation
    "broadcast_arrays", "broadcast_shapes", "broadcast_to", "concat", "expand_dims", "flip",
    "moveaxis", "permute_dims", "repeat", "reshape", "roll", "squeeze", "stack", "tile",
    "unstack",
    # searching
    "argmax", "argmin", "count_nonzero", "nonzero", "searchsorted", "where",
    # sets
    "isin", "unique_all", "unique_counts", "unique_inverse", "unique_values",
    # sorting
    "argsort", "sort",
    # statistical
    "cumulative_prod", "cumulative_sum", "max", "mean", "min", "prod", "std", "sum", "var",
    # utility
    "all", "any", "diff",
    # interop (an extension: PyTorch tensors out; asarray/from_dlpack take them in)
    "to_torch",
    # NumPy names (docs/numpy.md): dtypes, spellings of standard functions, shape functions
    "bool_", "byte", "ubyte", "short", "ushort", "intc", "int_", "intp", "uintp", "uint",
    "longlong", "ulonglong", "half", "single", "double", "csingle", "ndarray",
    "dtype",
    "absolute", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2", "arctanh",
    "power", "bitwise_not", "invert", "left_shift", "right_shift", "true_divide", "mod",
    "conjugate", "around", "amax", "amin", "cumsum", "cumprod", "ndim", "shape", "size",
    "array", "copy", "identity", "concatenate", "transpose", "diagonal",
    "split", "array_split", "hstack", "vstack", "dstack", "column_stack", "append",
    "swapaxes", "ravel", "atleast_1d", "atleast_2d", "atleast_3d", "fliplr", "flipud",
    "rot90", "diag", "triu_indices", "tril_indices", "triu_indices_from",
    "tril_indices_from", "indices", "ix_", "logspace", "geomspace", "pad",
    # NumPy's index tricks and in-place helpers (docs/numpy.md)
    "put", "putmask", "place", "copyto", "ndenumerate", "ndindex", "mgrid", "ogrid", "r_",
    "c_",
    # random numbers (a submodule, as numpy.random)
    "random",
    # NumPy-only math, statistics and counting (np-math; docs/numpy_math.md)
    "allclose", "array_equal", "array_equiv", "cbrt", "deg2rad", "degrees", "dot", "einsum",
    "exp2", "fabs", "fmax", "fmin", "fmod", "heaviside", "inner", "interp", "isclose", "kron",
    "nan_to_num", "outer", "rad2deg", "radians", "sinc", "trace", "vdot",
    "shares_memory", "may_share_memory",
    "average", "corrcoef", "cov", "median", "nanmax", "nanmean", "nanmedian", "nanmin",
    "nanstd", "nansum", "nanvar", "percentile", "ptp", "quantile",
    "argwhere", "bincount", "flatnonzero", "histogram", "unique",
    # NumPy functions of NumPy scripts (docs/numpy.md)
    "convolve", "correlate", "cross", "gradient", "trapezoid",
    "argpartition", "choose", "digitize", "lexsort", "partition", "ravel_multi_index",
    "select", "unravel_index", "piecewise",
    "apply_along_axis", "ascontiguousarray", "asfortranarray", "block", "frombuffer",
    "fromfunction", "fromiter", "packbits", "unpackbits", "vectorize", "lib",
    "delete", "ediff1d", "in1d", "insert", "intersect1d", "setdiff1d", "setxor1d",
    "trim_zeros", "union1d",
    "errstate", "get_printoptions", "geterr", "geterrcall", "printoptions",
    "set_printoptions", "seterr", "seterrcall",
    "fromfile", "genfromtxt", "load", "loadtxt", "save", "savetxt", "savez",
    "savez_compressed",
    "poly", "poly1d", "polyadd", "polyder", "polydiv", "polyfit", "polyint", "polymul",
    "polysub", "polyval", "roots", "polynomial", "exceptions",
    "angle", "bartlett", "blackman", "dsplit", "hamming", "hanning", "histogram2d",
    "histogram_bin_edges", "hsplit", "iscomplex", "iscomplexobj", "isneginf", "isposinf",
    "isreal", "isrealobj", "isscalar", "tri", "unwrap", "vander", "vsplit",
    "nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanpercentile", "nanprod",
    "nanquantile",
]


def __getattr__(name: str):
    """A NumPy name tmath_array does not have: AttributeError saying what to use instead."""
    advice = _NUMPY_ADVICE.get(name)
    if advice is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}", name=name,
                             obj=_sys.modules[__name__])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r} (a NumPy name "
                         f"tmath_array does not provide): {advice}", name=name,
                         obj=_sys.modules[__name__])
