"""Public face of the sync-point machinery: ``eval`` and the sync-point counters."""

from __future__ import annotations

from .._runtime import lazy as _lazy
from .._runtime.lazy import SyncStats
from . import args as _args
from . import core as _core


def eval(*arrays) -> None:  # noqa: A001 - MLX's name for it
    """Compute ``arrays`` now (one counted sync point, whatever their number).

    Arrays are otherwise computed lazily, when a value is first needed.

    Raises:
        TypeError: if an argument is not an array.
    """
    mx_arrays = []
    for a in arrays:
        _core.check_array("eval", a, "arrays")
        mx_arrays.append(a._array)
    _lazy.materialize(_lazy.EXPLICIT, *mx_arrays)


def sync_stats(*, reset: bool = False) -> SyncStats:
    """How many sync points ran since the last reset, in total and per reason.

    Args:
        reset: also set the counters back to zero (the snapshot returned is
            taken before).

    Returns:
        A read-only mapping ``reason -> count`` (reasons ``"conversion"``,
        ``"data-dependent"``, ``"explicit"``, ``"export"``) with a ``total``
        attribute. See docs/laziness.md for which functions are sync points.
    """
    stats = SyncStats(_lazy.counts())
    if _args.check_bool("sync_stats", reset, "reset"):
        _lazy.reset()
    return stats


def reset_sync_stats() -> None:
    """Set the sync-point counters back to zero."""
    _lazy.reset()
