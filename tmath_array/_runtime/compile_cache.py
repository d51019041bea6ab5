"""The compiled-op cache: ``mx.compile`` for fused composites (and user functions).

A composite operation (several MLX ops behind one public function, such as
``hypot`` or ``logaddexp``) is written once as a function of MLX arrays and run
through :func:`kernel`: the first call for a key compiles it with
``mx.compile``, later calls reuse the compiled function (MLX itself retraces
when ndim or dtypes change). The cache is bounded (least recently used entries
go first) and counts hits and misses. ``xp.compile`` (user functions, see
``_array/compile_api.py``) keeps its entries in the same cache, under keys that start
with an :class:`Owner`; ``xp.compile_cache_info()`` reports on all of it.

Setting the environment variable ``TMATH_ARRAY_NO_COMPILE=1`` before import
turns compilation off: the same functions then run op by op, which is what you
want when debugging a composite.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import NamedTuple

import mlx.core as mx

from . import lazy as _lazy
from .hardware import FORCE_MULTI_DEVICE_PATHS, ONE_DEVICE

ENV_DISABLE = "TMATH_ARRAY_NO_COMPILE"
ENV_MAXSIZE = "TMATH_ARRAY_COMPILE_CACHE_SIZE"

enabled: bool = os.environ.get(ENV_DISABLE, "").strip().lower() in ("", "0", "false", "no")
maxsize: int = int(os.environ.get(ENV_MAXSIZE, "512"))

# Without a GPU every device is the default one: run() skips asking MLX which it is.
_ONE_DEVICE: bool = ONE_DEVICE
# TMATH_ARRAY_DEVICE_PATHS=multi: run() treats every device as a non-default one (its own
# keys, an ``mx.stream`` context), so a CPU-only build runs the branch a GPU machine takes
# for its second device.
_EVERY_DEVICE_STREAMED: bool = FORCE_MULTI_DEVICE_PATHS
_get_ident = threading.get_ident
_MAIN = _lazy.MAIN_THREAD

_entries: OrderedDict = OrderedDict()
_stats = {"hits": 0, "misses": 0, "evictions": 0}
# Taken by whatever adds, removes or walks entries (from any thread, or from a compiled
# function's finalizer run by the garbage collector: reentrant). Lookups take no lock: a
# hit whose entry another thread evicts meanwhile still returns the function it found.
# The counters are statistics: under heavy contention a few increments can be lost.
_lock = threading.RLock()
# (key, value) of the most recently used entry, the last one in _entries: a hit on
# it needs no reordering. One tuple, replaced whole, so threads never see half of it.
mru: list = [(None, None)]


class CacheInfo(NamedTuple):
    """Counters of a compiled-op cache (all of it, or one compiled function's share)."""

    hits: int
    misses: int
    evictions: int
    entries: int
    maxsize: int
    enabled: bool


class Owner:
    """The first element of the cache keys of one ``xp.compile``'d function, with its counters."""

    __slots__ = ("name", "hits", "misses", "evictions")

    def __init__(self, name: str) -> None:
        self.name = name
        self.hits = self.misses = self.evictions = 0

    def __repr__(self) -> str:
        return f"<compiled {self.name}>"


def insert(key: Hashable, value) -> None:
    """Add an entry, evicting the least recently used one beyond ``maxsize``."""
    with _lock:
        _entries[key] = value
        mru[0] = (key, value)
        while len(_entries) > max(maxsize, 0):
            old, _ = _entries.popitem(last=False)
            _stats["evictions"] += 1
            if type(old) is tuple and old[0].__class__ is Owner:
                old[0].evictions += 1
            if mru[0][0] == old:
                mru[0] = (None, None)


def lookup(key: Hashable, build: Callable[[], Callable]) -> Callable:
    """The compiled function cached under ``key``; ``build()`` makes the plain one on a miss."""
    fn = _entries.get(key)
    if fn is not None:
        _stats["hits"] += 1
        touch(key)
        mru[0] = (key, fn)
        return fn
    _stats["misses"] += 1
    plain = build()
    fn = mx.compile(plain) if enabled else plain
    insert(key, fn)
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
        if mru[0][0] != key:
            try:
                _entries.move_to_end(key)
            except KeyError:  # another thread evicted it: fn still works
                pass
            mru[0] = (key, fn)
        return fn
    return lookup(key, _builder(impl, static))


def _builder(impl: Callable, static: tuple) -> Callable[[], Callable]:
    """What :func:`lookup` builds on a miss: ``impl`` with ``static`` bound after the arrays."""
    if static:
        return lambda: lambda *arrays: impl(*arrays, *static)
    return lambda: impl


def run(name: str, impl: Callable, device, *arrays: mx.array, static: tuple = ()) -> mx.array:
    """Call the cached compiled ``impl`` on ``arrays`` on ``device`` (a tmath Device).

    The default device needs no stream context; another device keys its own
    trace and runs inside ``mx.stream``.
    """
    if _get_ident() != _MAIN:
        _lazy.enter_thread()  # MLX needs a cleanup when a thread that compiled ends
    if _ONE_DEVICE or (device._mx == mx.default_device() and not _EVERY_DEVICE_STREAMED):
        return kernel(name, impl, *static)(*arrays)
    with mx.stream(device._mx):
        return lookup((name, device._key, *static), _builder(impl, static))(*arrays)


def info() -> dict[str, int | bool]:
    """Hits, misses, evictions, current entries, the bound and whether compilation is on."""
    return cache_info()._asdict()


def cache_info() -> CacheInfo:
    """:func:`info` as a named tuple (what ``xp.compile_cache_info()`` returns)."""
    return CacheInfo(_stats["hits"], _stats["misses"], _stats["evictions"], len(_entries),
                     maxsize, enabled)


def touch(key: Hashable) -> None:
    """Mark ``key`` most recently used (nothing if another thread evicted it meanwhile)."""
    try:
        _entries.move_to_end(key)
    except KeyError:
        pass


def owned_keys(owner: Owner) -> list:
    """The keys of the entries ``owner`` (one compiled user function) has in the cache."""
    with _lock:
        keys = list(_entries)
    return [k for k in keys if type(k) is tuple and k[0] is owner]


def drop(owner: Owner) -> None:
    """Remove ``owner``'s entries (its function was cleared or garbage-collected)."""
    with _lock:
        for k in owned_keys(owner):
            _entries.pop(k, None)
        if mru[0][0] not in _entries:
            mru[0] = (None, None)


def clear() -> None:
    """Drop every cached compiled function and reset the counters."""
    with _lock:
        _entries.clear()
        mru[0] = (None, None)
        for k in _stats:
            _stats[k] = 0
