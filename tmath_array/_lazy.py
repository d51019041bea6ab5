"""The one place where lazy MLX graphs are materialised, and its counter.

Every sync point of tmath_array (conversion to Python or NumPy, data-dependent
shapes, an explicit ``eval``, an export) calls :func:`materialize` with a
reason, so the number of synchronisations and their causes can be inspected
(``xp.sync_stats()``). Nothing else in the package evaluates an MLX array:
``tests/test_lazy.py`` checks the source for other evaluating calls.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import mlx.core as mx

# Reasons a sync point can have.
CONVERSION = "conversion"        # __bool__/__int__/__float__/__index__/tolist/__array__/repr
DATA_DEPENDENT = "data-dependent"  # an output shape that depends on values
EXPLICIT = "explicit"            # xp.eval(...)
EXPORT = "export"                # __dlpack__ and buffer exports

REASONS = (CONVERSION, DATA_DEPENDENT, EXPLICIT, EXPORT)

_counts: dict[str, int] = {}

# While xp.compile traces a function, a sync point cannot run (MLX refuses to
# evaluate tracers): the name of the function being traced, else None.
tracing: str | None = None


def materialize(reason: str, *arrays: mx.array) -> None:
    """Evaluate ``arrays`` (MLX arrays) and count one sync point for ``reason``."""
    if tracing is not None:
        raise _sync_in_trace(reason)
    _counts[reason] = _counts.get(reason, 0) + 1
    mx.eval(*arrays)


def _sync_in_trace(reason: str) -> RuntimeError:
    what = {
        CONVERSION: "converts an array to a Python or NumPy value",
        DATA_DEPENDENT: "calls a function whose output shape depends on the data",
        EXPLICIT: "calls xp.eval",
        EXPORT: "exports an array (DLPack/buffer)",
    }.get(reason, f"reaches a sync point ({reason})")
    return RuntimeError(
        f"compile: {tracing} {what} while being compiled. A compiled function is "
        "traced once and replayed, so it cannot read array values (no bool(x), float(x), "
        "x.tolist(), printing, data-dependent shapes). Compute such values outside the "
        "compiled function, or set TMATH_ARRAY_NO_COMPILE=1 to run it op by op while "
        "debugging."
    )


def counts() -> dict[str, int]:
    """A copy of the sync-point counters, keyed by reason (reasons never hit are absent)."""
    return dict(_counts)


def reset() -> None:
    """Set every sync-point counter back to zero."""
    _counts.clear()


class SyncStats(Mapping):
    """A read-only snapshot of the sync-point counters.

    A mapping from reason (``"conversion"``, ``"data-dependent"``, ``"explicit"``,
    ``"export"``) to the number of sync points with that reason; every reason is
    a key, with 0 when it never happened. ``total`` is the sum. Snapshots
    subtract: ``after - before`` counts what happened in between.
    """

    __slots__ = ("_c",)

    def __init__(self, counts: Mapping[str, int]) -> None:
        c = dict.fromkeys(REASONS, 0)
        c.update(counts)
        self._c = c

    @property
    def total(self) -> int:
        """The number of sync points, whatever their reason."""
        return sum(self._c.values())

    def __getitem__(self, reason: str) -> int:
        return self._c[reason]

    def __iter__(self) -> Iterator[str]:
        return iter(self._c)

    def __len__(self) -> int:
        return len(self._c)

    def __sub__(self, other: SyncStats) -> SyncStats:
        if not isinstance(other, SyncStats):
            return NotImplemented
        return SyncStats({k: v - other._c.get(k, 0) for k, v in self._c.items()})

    def __repr__(self) -> str:
        parts = ", ".join(f"{k!r}: {v}" for k, v in self._c.items())
        return f"SyncStats(total={self.total}, {{{parts}}})"
