"""``xp.linalg``: the linear algebra extension of the Array API standard (2025.12).

``matmul``, ``matrix_transpose``, ``tensordot`` and ``vecdot`` are the same
objects as the main namespace's. ``eig`` and ``eigvals`` (in the 2025.12
specification's text, outside its function list) are here as well. See
docs/linalg.md for devices, precision and the handling of singular input.
"""

from __future__ import annotations

from ._standard.linalg import (
    cholesky,
    cross,
    det,
    diagonal,
    eig,
    eigh,
    eigvals,
    eigvalsh,
    inv,
    matmul,
    matrix_norm,
    matrix_power,
    matrix_rank,
    matrix_transpose,
    outer,
    pinv,
    qr,
    slogdet,
    solve,
    svd,
    svdvals,
    tensordot,
    trace,
    vecdot,
    vector_norm,
)

# NumPy's norm and lstsq (not in the standard; np-math, docs/numpy_math.md).
# isort: split
from ._numpy.linalg import LstsqResult, lstsq, norm

__all__ = [
    "cholesky", "cross", "det", "diagonal", "eig", "eigh", "eigvals", "eigvalsh", "inv",
    "matmul", "matrix_norm", "matrix_power", "matrix_rank", "matrix_transpose", "outer",
    "pinv", "qr", "slogdet", "solve", "svd", "svdvals", "tensordot", "trace", "vecdot",
    "vector_norm",
    # NumPy's (not in the standard)
    "LstsqResult", "lstsq", "norm",
]
