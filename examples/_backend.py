"""Pick the array module an example runs on: ``numpy`` (default) or ``tmath_array``.

Every example is ordinary NumPy-style code written against a module called ``np``;
``python examples/kmeans.py tmath_array`` runs the same code on MLX.
"""

from __future__ import annotations

import importlib
import sys


def array_module(argv: list[str] | None = None):
    """The module named on the command line (``numpy`` or ``tmath_array``)."""
    argv = sys.argv[1:] if argv is None else argv
    name = argv[0] if argv else "numpy"
    if name not in ("numpy", "tmath_array"):
        raise SystemExit(f"usage: python {sys.argv[0]} [numpy|tmath_array]; got {name!r}")
    return importlib.import_module(name)
