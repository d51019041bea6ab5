"""tmath_array: an Array API standard (2025.12) namespace over MLX arrays.

``import tmath_array as xp`` and write code against the standard; it runs on
MLX, lazily. See README.md and docs/ for the design.
"""

from __future__ import annotations

__array_api_version__ = "2025.12"
__version__ = "0.1.0"

# The extensions (linalg, fft), as submodules.
from . import fft, linalg
from ._array_object import Array
from ._constants import e, inf, nan, newaxis, pi
from ._creation_functions import (
    arange,
    asarray,
    empty,
    empty_like,
    eye,
    from_dlpack,
    full,
    full_like,
    linspace,
    meshgrid,
    ones,
    ones_like,
    tril,
    triu,
    zeros,
    zeros_like,
)
from ._data_type_functions import astype, can_cast, finfo, iinfo, isdtype, result_type
from ._devices import Device
from ._dtypes import (
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
from ._elementwise_functions import (
    abs,
    add,
    bitwise_and,
    bitwise_invert,
    bitwise_left_shift,
    bitwise_or,
    bitwise_right_shift,
    bitwise_xor,
    conj,
    divide,
    equal,
    floor_divide,
    greater,
    greater_equal,
    imag,
    isfinite,
    isinf,
    isnan,
    less,
    less_equal,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    multiply,
    negative,
    not_equal,
    positive,
    pow,
    real,
    remainder,
    subtract,
)
from ._info import __array_namespace_info__
from ._lazy_api import eval
from ._linear_algebra_functions import matmul, matrix_transpose, tensordot, vecdot
from ._manipulation_functions import (
    broadcast_arrays,
    broadcast_shapes,
    broadcast_to,
    concat,
    reshape,
)
from ._searching_functions import where
from ._utility_functions import all, any, diff

__all__ = [
    "__array_api_version__",
    "__array_namespace_info__",
    "Array",
    "Device",
    "eval",
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
    # elementwise (the functions behind the operators; the rest follow)
    "abs", "add", "bitwise_and", "bitwise_invert", "bitwise_left_shift", "bitwise_or",
    "bitwise_right_shift", "bitwise_xor", "divide", "equal", "floor_divide", "greater",
    "greater_equal", "isfinite", "isinf", "isnan", "less", "less_equal", "logical_and",
    "logical_not", "logical_or", "logical_xor", "multiply", "negative", "not_equal",
    "positive", "pow", "remainder", "subtract", "real", "imag", "conj",
    # linear algebra
    "matmul", "matrix_transpose", "tensordot", "vecdot",
    # extensions
    "fft", "linalg",
    # manipulation
    "broadcast_arrays", "broadcast_shapes", "broadcast_to", "concat", "reshape",
    # searching
    "where",
    # utility
    "all", "any", "diff",
]
