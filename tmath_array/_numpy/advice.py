"""What to use instead of NumPy names tmath_array does not have (data, not code).

``tmath_array.__getattr__`` raises AttributeError with this advice for these names,
so a port that changes one import fails at the first unsupported name with a fix
in the message. Every key is a NumPy 2 name or one NumPy 2.0 removed (tests check
both, and that each ``xp.<name>`` an advice mentions exists). docs/numpy.md
explains the choices.
"""

from __future__ import annotations

_NO_OBJECTS = ("MLX arrays hold numbers only: keep this data in NumPy or Python, and convert "
               "the numeric part with xp.asarray")
_MATRIX = "use a 2-D Array: @ is the matrix product, x.T the transpose"
_VIA_NUMPY = "compute it with NumPy on numpy.asarray(x) (one sync point), or with array ops"

NUMPY_ADVICE: dict[str, str] = {
    # dtypes NumPy 2.0 removed, or MLX does not have
    "float_": "NumPy 2.0 removed float_: use xp.float64 (CPU only) or xp.float32",
    "complex_": "NumPy 2.0 removed complex_: use xp.complex64 (MLX has no complex128)",
    "complex128": "MLX has no complex128: use xp.complex64",
    "cdouble": "MLX has no complex128: use xp.complex64",
    "clongdouble": "MLX has no extended-precision complex: use xp.complex64",
    "longdouble": "MLX has no extended precision: use xp.float64 (CPU only)",
    "float128": "MLX has no extended precision: use xp.float64 (CPU only)",
    "object_": _NO_OBJECTS,
    "str_": _NO_OBJECTS,
    "bytes_": _NO_OBJECTS,
    "datetime64": _NO_OBJECTS,
    "timedelta64": _NO_OBJECTS,
    # constants NumPy 2.0 removed
    "Inf": "NumPy 2.0 removed Inf: use xp.inf",
    "Infinity": "NumPy 2.0 removed Infinity: use xp.inf",
    "infty": "NumPy 2.0 removed infty: use xp.inf",
    "PINF": "NumPy 2.0 removed PINF: use xp.inf",
    "NINF": "NumPy 2.0 removed NINF: use -xp.inf",
    "NaN": "NumPy 2.0 removed NaN: use xp.nan",
    # functions NumPy 2.0 removed
    "asfarray": "NumPy 2.0 removed asfarray: use xp.asarray(a, dtype=xp.float32)",
    "round_": "NumPy 2.0 removed round_: use xp.around(a, decimals)",
    "alltrue": "NumPy 2.0 removed alltrue: use xp.all",
    "sometrue": "NumPy 2.0 removed sometrue: use xp.any",
    "mat": "NumPy 2.0 removed mat; " + _MATRIX,
    # matrices
    "matrix": _MATRIX,
    "asmatrix": _MATRIX,
    "bmat": "build the blocks with xp.concatenate / xp.vstack / xp.hstack; " + _MATRIX,
    # files
    "memmap": "MLX arrays live in memory: map the file with numpy.memmap and convert the "
              "part you need with xp.asarray",
    # Python functions over elements
    "frompyfunc": "write the function with array operations; fuse it with xp.compile",
    "nditer": "iterate in NumPy over numpy.asarray(x) (one sync point), or use array ops",
    # copying into and out of arrays
    "compress": "use x[mask] (one sync point) or xp.take(x, indices, axis=...)",
    "extract": "use x[mask] (one sync point)",
    "resize": "use xp.reshape (same size) or xp.tile and slicing",
    # memory layout and views
    # masked arrays and other NumPy submodules
    "ma": "no masked arrays: keep a boolean mask Array and use xp.where(mask, x, fill)",
    "char": _NO_OBJECTS,
    "rec": _NO_OBJECTS,
    "testing": "use numpy.testing on numpy.asarray(x) (one sync point)",
    # functions with a different spelling here
    "row_stack": "use xp.vstack (NumPy deprecated row_stack)",
    "asanyarray": "use xp.asarray",
    "promote_types": "use xp.result_type(dtype1, dtype2)",
    "issubdtype": "use xp.isdtype(dtype, kind) with kind 'bool', 'signed integer', "
                  "'unsigned integer', 'integral', 'real floating', 'complex floating' or "
                  "'numeric'",
    "rollaxis": "use xp.moveaxis(x, axis, start)",
}
