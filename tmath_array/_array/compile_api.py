"""``xp.compile``: ``mx.compile`` for functions of tmath arrays, in the shared cache.

A call flattens its arguments (arrays, Python scalars and other hashable values,
nested in tuples, lists and dicts): arrays become the inputs of the compiled
MLX function, everything else is static and goes into the cache key with the
arrays' dtypes, shapes (ndims when ``shapeless``) and device. Each key is traced
once: the function runs on tmath Arrays wrapping MLX tracers, and the structure
and dtypes of its result are recorded, so a cache hit is one dictionary lookup,
one call of the compiled MLX function and the wrapping of its outputs.

While a function is traced, every read of an Array's data is watched: an array
that is neither an argument nor made during the trace was captured from outside
(a closure, a global, an attribute). MLX would freeze its value into the
compiled graph, so this raises ValueError instead (see docs/compile.md).
"""

from __future__ import annotations

import functools
import sys
import threading
import weakref
from collections.abc import Callable

import mlx.core as mx

from .._runtime import compile_cache as _compile
from .._runtime import lazy as _lazy
from .._runtime.compile_cache import CacheInfo
from . import core as _core
from . import devices as _devices

_LEAF = object()  # marks an array's place in a flattened structure
# The shared cache and its counters (mutated in place, never rebound).
_entries = _compile._entries
_stats = _compile._stats
_mru = _compile.mru

# --- flattening -----------------------------------------------------------------


def _static_key(v, where: str):
    """A hashable key for a static (non-array) argument that tells apart what traces differently.

    ``1``, ``1.0`` and ``True`` are equal in Python but give different dtypes;
    ``0.0`` and ``-0.0`` differ in sign; ``nan`` is not equal to itself. The key
    keeps the type and, for floats and complex numbers, the exact repr.
    """
    cls = v.__class__
    if cls is float:
        return ("f", repr(v))
    if cls is complex:
        return ("c", repr(v.real), repr(v.imag))
    if isinstance(v, mx.array):
        raise TypeError(f"compile: {where} is an mx.array; pass tmath arrays "
                        "(xp.asarray(a) wraps it without a copy)")
    try:
        hash(v)
    except TypeError:
        raise TypeError(
            f"compile: {where} is a {cls.__name__}, which is neither an array, a tuple, list "
            "or dict of them, nor hashable; non-array arguments are static (part of the cache "
            "key) and must be hashable"
        ) from None
    return ("s", cls, v)


def _static_value(key):
    tag = key[0]
    if tag == "f":
        return float(key[1])
    if tag == "c":
        return complex(float(key[1]), float(key[2]))
    return key[2]


def _flatten(obj, arrays: list, where: str):
    """The structure of ``obj`` (hashable), appending its arrays to ``arrays``."""
    cls = obj.__class__
    if cls is _core.Array or isinstance(obj, _core.Array):
        arrays.append(obj)
        return _LEAF
    if cls is tuple:
        return ("t", tuple(_flatten(o, arrays, f"{where}[{i}]") for i, o in enumerate(obj)))
    if cls is list:
        return ("l", tuple(_flatten(o, arrays, f"{where}[{i}]") for i, o in enumerate(obj)))
    if cls is dict:
        keys = tuple(obj)
        return ("d", keys, tuple(_flatten(obj[k], arrays, f"{where}[{k!r}]") for k in keys))
    return _static_key(obj, where)


def _unflatten(spec, leaves):
    """Rebuild what :func:`_flatten` took apart, taking arrays from the iterator ``leaves``."""
    if spec is _LEAF:
        return next(leaves)
    tag = spec[0]
    if tag == "t":
        return tuple(_unflatten(s, leaves) for s in spec[1])
    if tag == "l":
        return [_unflatten(s, leaves) for s in spec[1]]
    if tag == "d":
        return {k: _unflatten(s, leaves) for k, s in zip(spec[1], spec[2])}
    return _static_value(spec)


def _flatten_out(obj, arrays: list, name: str):
    """The structure of a result: arrays (with their dtype and device) and other values."""
    cls = obj.__class__
    if cls is _core.Array or isinstance(obj, _core.Array):
        arrays.append(obj._array)
        return ("a", obj._dtype, obj._device)
    if cls is tuple or cls is list:
        return ("t" if cls is tuple else "l", tuple(_flatten_out(o, arrays, name) for o in obj))
    if cls is dict:
        keys = tuple(obj)
        return ("d", keys, tuple(_flatten_out(obj[k], arrays, name) for k in keys))
    if isinstance(obj, mx.array):
        raise TypeError(f"compile: {name} returned an mx.array; return tmath arrays")
    return ("v", obj)


def _unflatten_out(spec, outs):
    tag = spec[0]
    if tag == "a":
        return _core.new(next(outs), spec[1], spec[2])
    if tag == "t":
        return tuple(_unflatten_out(s, outs) for s in spec[1])
    if tag == "l":
        return [_unflatten_out(s, outs) for s in spec[1]]
    if tag == "d":
        return {k: _unflatten_out(s, outs) for k, s in zip(spec[1], spec[2])}
    return spec[1]


# --- watching for captured arrays while tracing -----------------------------------

# Array._array is a slot; while a trace runs on some thread, a property that
# watches reads takes its place (only then: the hot path never pays for it).
_SLOT = None
_traces: dict[int, list] = {}   # thread id -> stack of running traces
_traces_lock = threading.Lock()
_SHAPE_ONLY: frozenset = frozenset()  # code objects that read only an array's shape


class _Trace:
    """What one running trace has seen: the Arrays it made, those it captured, and how
    deep its graph is (each Array made is one level above the deepest one read since the
    previous Array was made: an estimate that errs on the deep side)."""

    __slots__ = ("known", "captured", "depth", "pending", "reading", "max_depth")

    def __init__(self) -> None:
        self.known: set[int] = set()   # ids of Arrays made during the trace
        self.captured: dict[int, object] = {}
        self.depth: dict[int, int] = {}  # id of an Array made during the trace -> its level
        self.pending = 0  # the deepest level read since the last Array was made
        self.reading = True
        self.max_depth = 0


def _watched_get(self):
    stack = _traces.get(threading.get_ident())
    if stack:
        tr = stack[-1]
        i = id(self)
        if not tr.reading:  # the first read after a result: a new operation starts
            tr.reading = True
            tr.pending = 0
        d = tr.depth.get(i, 0)
        if d > tr.pending:
            tr.pending = d
        if i not in tr.known and i not in tr.captured \
                and sys._getframe(1).f_code not in _SHAPE_ONLY:
            tr.captured[i] = self
    return _SLOT.__get__(self, _core.Array)


def _watched_set(self, value) -> None:
    stack = _traces.get(threading.get_ident())
    if stack:
        i = id(self)
        for tr in stack:  # made during the innermost trace, so during the outer ones too
            tr.known.add(i)
            d = tr.pending + 1
            tr.depth[i] = d
            tr.reading = False
            if d > tr.max_depth:
                tr.max_depth = d
    _SLOT.__set__(self, value)


def _start_watch() -> _Trace:
    global _SLOT, _SHAPE_ONLY
    cls = _core.Array
    tr = _Trace()
    with _traces_lock:
        if not _traces:
            if _SLOT is None:
                _SLOT = cls.__dict__["_array"]
                _SHAPE_ONLY = frozenset(
                    cls.__dict__[n].fget.__code__ for n in ("shape", "ndim", "size")
                ) | {cls.__len__.__code__}
            cls._array = property(_watched_get, _watched_set)
        _traces.setdefault(threading.get_ident(), []).append(tr)
    return tr


def _stop_watch() -> None:
    ident = threading.get_ident()
    with _traces_lock:
        stack = _traces[ident]
        stack.pop()
        if not stack:
            del _traces[ident]
        if not _traces:
            _core.Array._array = _SLOT


def _describe(arrays) -> str:
    shown = ", ".join(f"shape {tuple(a.shape)} {_core.dtype_name(a._dtype)}"
                      for a in list(arrays)[:4])
    return shown + (", ..." if len(arrays) > 4 else "")


def _tracer(fn: Callable, name: str, args_spec, kw_spec, in_info: tuple,
            record: list) -> Callable:
    """The function of MLX arrays that ``mx.compile`` traces for one cache key."""

    def traced(*mx_arrays):
        tr = _start_watch()
        ident = threading.get_ident()
        outer = _lazy.tracing.get(ident)
        if _compile.enabled:
            _lazy.tracing[ident] = name
        try:
            wrapped = iter([_core.new(a, dt, dev) for a, (dt, dev) in zip(mx_arrays, in_info)])
            args = _unflatten(args_spec, wrapped)
            kwargs = _unflatten(kw_spec, wrapped) if kw_spec is not None else {}
            result = fn(*args, **kwargs)
            outs: list = []
            out_spec = _flatten_out(result, outs, name)
        finally:
            if outer is None:
                _lazy.tracing.pop(ident, None)
            else:
                _lazy.tracing[ident] = outer
            _stop_watch()
        stack = stack_bytes()
        if tr.max_depth > stack // _BYTES_PER_LEVEL and _compile.enabled:
            raise RecursionError(
                f"compile: {name} builds a graph about {tr.max_depth} operations deep; MLX's "
                f"compiler walks it recursively and would overflow the C stack (about "
                f"{stack // _BYTES_PER_LEVEL} levels fit in {stack >> 20} MiB). Compile smaller "
                "pieces (one step of a loop, say), or call the function uncompiled: its "
                "graph is then evaluated without recursion, at any depth."
            )
        if tr.captured:
            caught = list(tr.captured.values())
            raise ValueError(
                f"compile: {name} reads {len(caught)} array(s) that are not among its "
                f"arguments ({_describe(caught)}): captured from a closure, a global or an "
                "object's attribute. A compiled function would keep the values they had when "
                "it was traced; pass them as arguments instead."
            )
        record[0] = out_spec
        return outs[0] if out_spec[0] == "a" else outs

    return traced


# Note: MLX's compiler (compile_dfs) recurses once per level of the traced graph, about
# 190 bytes of C stack each: a chain of ~44,000 operations overflows an 8 MiB stack and kills
# the process (measured with MLX 0.32). A trace deeper than this raises RecursionError.
_BYTES_PER_LEVEL = 400  # twice the measured cost: other frames share the stack


def stack_bytes() -> int:
    """The stack size of new threads (else the main thread's limit; 8 MiB if unknown)."""
    size = threading.stack_size()
    if size:
        return size
    try:
        import resource
    except ImportError:  # not on Unix
        return 8 << 20
    soft = resource.getrlimit(resource.RLIMIT_STACK)[0]
    return soft if 0 < soft < 2**40 else 8 << 20


# --- the compiled function ------------------------------------------------------------


def _compiled(fn: Callable, shapeless: bool) -> Callable:
    """The compiled form of ``fn``: a plain function (the cheapest thing to call)."""
    if not callable(fn):
        raise TypeError(f"compile: expected a callable, got {type(fn).__name__}")
    name = getattr(fn, "__qualname__", None) or type(fn).__name__
    owner = _compile.Owner(name)
    array_cls = _core.Array
    get_ident, main = threading.get_ident, _lazy.MAIN_THREAD

    def compiled(*args, **kwargs):
        if get_ident() != main:
            _lazy.enter_thread()  # MLX needs a cleanup when a thread that compiled ends
        # The hit path, for positional array arguments on one device (the common
        # case): build the key, look it up, call the compiled MLX function and
        # wrap its outputs. Anything else (and every miss) goes to _call.
        if args and not kwargs:
            x = args[0]
            if x.__class__ is array_cls:
                dev = x._device
                if len(args) == 1:
                    a = x._array
                    key = (owner, 1, dev._key, x._dtype, a.ndim if shapeless else a.shape)
                    mx_in = (a,)
                else:
                    parts = [owner, len(args), dev._key]
                    mx_in = []
                    for x in args:
                        if x.__class__ is not array_cls or x._device is not dev:
                            return _call(fn, owner, shapeless, args, kwargs)
                        a = x._array
                        mx_in.append(a)
                        parts.append(x._dtype)
                        parts.append(a.ndim if shapeless else a.shape)
                    key = tuple(parts)
                last_key, entry = _mru[0]
                if last_key != key:  # not the most recently used entry: look it up
                    entry = _entries.get(key)
                    if entry is not None:
                        try:
                            _entries.move_to_end(key)
                        except KeyError:  # evicted by another thread meanwhile
                            pass
                        _mru[0] = (key, entry)
                if entry is not None:
                    _stats["hits"] += 1
                    owner.hits += 1
                    run, spec, out_dtype, out_device = entry
                    out = run(*mx_in)
                    if out_dtype is not None:  # one array (shapeless: shapes can grow)
                        return _core.new(out, out_dtype, out_device)
                    return _unflatten_out(spec, iter(out))
        return _call(fn, owner, shapeless, args, kwargs)

    def cache_info() -> CacheInfo:
        """This function's hits, misses and evictions, and its entries now in the cache."""
        return CacheInfo(owner.hits, owner.misses, owner.evictions,
                         len(_compile.owned_keys(owner)), _compile.maxsize, _compile.enabled)

    def cache_clear() -> None:
        """Drop this function's compiled traces and zero its counters."""
        _compile.drop(owner)
        owner.hits = owner.misses = owner.evictions = 0

    functools.update_wrapper(compiled, fn)
    compiled.cache_info = cache_info
    compiled.cache_clear = cache_clear
    compiled.shapeless = shapeless
    # Entries die with the function (they do not refer back to it).
    weakref.finalize(compiled, _compile.drop, owner)
    return compiled


def _call(fn: Callable, owner: _compile.Owner, shapeless: bool, args: tuple, kwargs: dict):
    """The general call: any argument structure; traces on a miss."""
    arrays: list = []
    args_spec = _flatten(args, arrays, "args")
    kw_spec = _flatten(dict(sorted(kwargs.items())), arrays, "kwargs") if kwargs else None
    if kw_spec is None and len(arrays) == len(args):
        spec = len(args)  # all arguments are arrays: the hit path's key
    else:
        spec = (args_spec, kw_spec)
    dev = None
    leaves = []
    for x in arrays:
        if dev is None:
            dev = x._device
        elif x._device != dev:
            raise ValueError(f"compile: {owner.name} got arrays on different devices "
                             f"({dev} and {x._device})")
        a = x._array
        leaves.append(x._dtype)
        leaves.append(a.ndim if shapeless else a.shape)
    if dev is None:
        dev = _devices.default_device()
    key = (owner, spec, dev._key, *leaves)
    mx_in = [x._array for x in arrays]
    entry = _entries.get(key)
    if entry is not None:
        _compile.touch(key)
        _mru[0] = (key, entry)
        _stats["hits"] += 1
        owner.hits += 1
        out = entry[0](*mx_in)
    else:
        _stats["misses"] += 1
        owner.misses += 1
        record: list = [None]
        info = tuple((x._dtype, x._device) for x in arrays)
        traced = _tracer(fn, owner.name, args_spec, kw_spec, info, record)
        compiled = mx.compile(traced, shapeless=shapeless) if _compile.enabled else traced
        out = compiled(*mx_in)
        spec = record[0]
        # (run, result structure, and for a single array its dtype and device)
        entry = (compiled, spec, *(spec[1:] if spec[0] == "a" else (None, None)))
        _compile.insert(key, entry)
    spec = entry[1]
    if spec[0] == "a":
        return _core.new(out, spec[1], spec[2])
    return _unflatten_out(spec, iter(out))


def compile(fn: Callable | None = None, /, *, shapeless: bool = False):  # noqa: A001
    """Compile a function of tmath arrays with ``mx.compile``; usable as a decorator.

    ``@xp.compile`` or ``@xp.compile(shapeless=True)``. Arguments may be
    arrays, Python scalars and other hashable values, nested in tuples, lists
    and dicts; arrays are the compiled function's inputs, every other value is
    static (a new value traces anew). The result has the structure the
    function returns, with tmath Arrays of the traced dtype and device.

    Args:
        fn: the function to compile.
        shapeless: trace once per ndim and dtype rather than per shape (MLX
            refuses functions whose graph depends on the shape).

    Returns:
        A function with ``cache_info()`` (hits, misses, evictions, entries of
        this function in the shared cache) and ``cache_clear()``.

    Raises:
        ValueError: (when called) if the function reads an array that is not an
            argument (captured from a closure, a global or an attribute).
        RuntimeError: (when called) if the function reaches a sync point
            (``bool(x)``, ``float(x)``, printing, ...), which a trace cannot do.
        TypeError: for a non-array argument that is not hashable.
    """
    if not isinstance(shapeless, bool):
        raise TypeError(f"compile: shapeless must be a bool, got {type(shapeless).__name__}")
    if fn is None:
        return lambda f: _compiled(f, shapeless)
    return _compiled(fn, shapeless)


def compile_cache_info() -> CacheInfo:
    """Counters of the compiled-op cache shared by ``xp.compile`` and internal composites.

    Returns:
        ``CacheInfo(hits, misses, evictions, entries, maxsize, enabled)``.
    """
    return _compile.cache_info()


def compile_cache_clear() -> None:
    """Drop every compiled function of the cache and zero its counters.

    Compiled functions keep working: they trace again on their next call.
    """
    _compile.clear()
