"""Public face of the sync-point machinery."""

from __future__ import annotations

from . import _core, _lazy


def eval(*arrays) -> None:  # noqa: A001 - MLX's name for it
    """Compute ``arrays`` now (one counted sync point).

    Arrays are otherwise computed lazily, when a value is first needed.
    """
    mx_arrays = []
    for a in arrays:
        _core.check_array("eval", a, "arrays")
        mx_arrays.append(a._array)
    _lazy.materialize(_lazy.EXPLICIT, *mx_arrays)
