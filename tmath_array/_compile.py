"""The compiled-op cache: ``mx.compile`` for fused composites (and user functions).

A composite operation (several MLX ops behind one public function, such as
``hypot`` or ``logaddexp``) is written once as a function of MLX arrays and run
through :func:`kernel`: the first call for a key compiles it with
``mx.compile``, later calls reuse the compiled function (MLX itself retraces
when ndim or dtypes change). The cache is bounded (least recently used entries
go first) and counts hits and misses.

Setting the environment variable ``TMATH_ARRAY_NO_COMPILE=1`` before import
turns compilation off: the same functions then run op by op, which is what you
want when debugging a composite.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Hashable

import mlx.core as mx

ENV_DISABLE = "TMATH_ARRAY_NO_COMPILE"
ENV_MAXSIZE = "TMATH_ARRAY_COMPILE_CACHE_SIZE"

enabled: bool = os.environ.get(ENV_DISABLE, "").strip().lower() in ("", "0", "false", "no")
maxsize: int = int(os.environ.get(ENV_MAXSIZE, "512"))

_entries: OrderedDict = OrderedDict()
_stats = {"hits": 0, "misses": 0, "evictions": 0}


def lookup(key: Hashable, build: Callable[[], Callable]) -> Callable:
    """The compiled function cached under ``key``; ``build()`` makes the plain one on a miss."""
    fn = _entries.get(key)
    if fn is not None:
        _stats["hits"] += 1
        _entries.move_to_end(key)
        return fn
    _stats["misses"] += 1
    plain = build()
    fn = mx.compile(plain) if enabled else plain
    _entries[key] = fn
    if len(_entries) > maxsize:
        _entries.popitem(last=False)
        _stats["evictions"] += 1
    return fn


def kernel(name: str, impl: Callable, *static: Hashable) -> Callable:
    """The compiled form of ``impl`` (a function of MLX arrays) for ``static`` parameters.

    ``static`` values (axes, flags, ...) are baked into the traced function and
    are part of the key: ``kernel("var", _var, axis, correction)(a)``.
    """
    key = (name, *static) if static else name
    fn = _entries.get(key)
    if fn is not None:  # the hot path, inlined from lookup()
        _stats["hits"] += 1
        _entries.move_to_end(key)
        return fn
    if static:
        return lookup(key, lambda: lambda *arrays: impl(*arrays, *static))
    return lookup(key, lambda: impl)


def run(name: str, impl: Callable, device, *arrays: mx.array, static: tuple = ()) -> mx.array:
    """Call the cached compiled ``impl`` on ``arrays`` on ``device`` (a tmath Device).

    The default device needs no stream context; another device keys its own
    trace and runs inside ``mx.stream``.
    """
    if device._mx == mx.default_device():
        return kernel(name, impl, *static)(*arrays)
    with mx.stream(device._mx):
        key = (name, device._key, *static)
        if static:
            fn = lookup(key, lambda: lambda *a: impl(*a, *static))
        else:
            fn = lookup(key, lambda: impl)
        return fn(*arrays)


def info() -> dict[str, int | bool]:
    """Hits, misses, evictions, current entries, the bound and whether compilation is on."""
    return {**_stats, "entries": len(_entries), "maxsize": maxsize, "enabled": enabled}


def clear() -> None:
    """Drop every cached compiled function and reset the counters."""
    _entries.clear()
    for k in _stats:
        _stats[k] = 0
