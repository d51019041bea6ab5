"""The one place where lazy MLX graphs are materialised, and its counter.

Every sync point of tmath_array (conversion to Python or NumPy, data-dependent
shapes, an explicit ``eval``) calls :func:`materialize` with a reason, so the
number of synchronisations and their causes can be inspected.
"""

from __future__ import annotations

from collections import Counter

import mlx.core as mx

# Reasons a sync point can have.
CONVERSION = "conversion"        # __bool__/__int__/__float__/__index__/tolist/__array__/repr
DATA_DEPENDENT = "data-dependent"  # an output shape that depends on values
EXPLICIT = "explicit"            # xp.eval(...)
EXPORT = "export"                # __dlpack__ and buffer exports

_counts: Counter = Counter()


def materialize(reason: str, *arrays: mx.array) -> None:
    """Evaluate ``arrays`` (MLX arrays) and count one sync point for ``reason``."""
    _counts[reason] += 1
    mx.eval(*arrays)


def counts() -> dict[str, int]:
    """A copy of the sync-point counters, keyed by reason."""
    return dict(_counts)


def reset() -> None:
    _counts.clear()
