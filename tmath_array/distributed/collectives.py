"""Process groups and collectives over MLX's distributed engine (``mx.distributed``).

Every collective takes and returns tmath_array Arrays and is lazy, as in MLX: it adds a
node to the graph and returns at once; the communication happens at the next sync point
that needs the result (``xp.eval``, a conversion...). Every rank must reach the same
collectives in the same order, with arrays of the same shape and dtype.

Backends are MLX's: ``ring`` (TCP sockets; here over localhost, between Macs over
Thunderbolt or Ethernet), ``mpi``, ``nccl`` (CUDA) and ``jaccl`` (RDMA over Thunderbolt
5). See docs/distributed.md.
"""

from __future__ import annotations

import builtins
import numbers
import os

import mlx.core as mx

from .._array import core as _core
from .._array import dtypes as _d
from .._array.devices import check_dtype_on_device, to_device
from .._runtime import lazy as _lazy

__all__ = [
    "Group", "UnsupportedCollectiveError", "init", "is_available", "is_initialized",
    "all_sum", "all_max", "all_min", "all_gather", "sum_scatter", "broadcast",
    "send", "recv", "recv_like", "barrier",
]

BACKENDS = ("any", "ring", "mpi", "nccl", "jaccl")
# The order MLX's ``init(backend="any")`` tries them in.
_ANY_ORDER = ("ring", "mpi", "nccl", "jaccl")

# What each backend of MLX 0.32 lacks (MLX raises only when the graph is evaluated; these
# are refused when the collective is called), and what to do instead.
_LACKS = {
    "ring": {"sum_scatter", "split"},
    "mpi": {"sum_scatter"},
    "jaccl": {"sum_scatter", "split"},
}
_INSTEAD = {
    "sum_scatter": "use all_sum(x) and keep this rank's block (shard(all_sum(x)) in "
                   "tmath_array.distributed), or the nccl backend",
    "split": "launch one job per subgroup, or use the mpi backend",
}


class UnsupportedCollectiveError(RuntimeError):
    """A collective or group operation that the group's backend does not provide."""


class Group:
    """A group of processes that communicate: this process is ``rank()`` of ``size()``.

    Made by :func:`init`; a group of size 1 (a process launched on its own) makes every
    collective return its input (send and recv have no other rank to talk to).
    """

    __slots__ = ("_mx", "_backend")

    def __init__(self, mx_group: mx.distributed.Group, backend: str | None) -> None:
        self._mx = mx_group
        self._backend = backend

    @property
    def backend(self) -> str | None:
        """The MLX backend (``"ring"``, ``"mpi"``, ``"nccl"``, ``"jaccl"``), or None for a
        process on its own."""
        return self._backend

    def rank(self) -> int:
        """This process's rank in the group, ``0 <= rank < size``."""
        return self._mx.rank()

    def size(self) -> int:
        """The number of processes in the group."""
        return self._mx.size()

    def split(self, color: int, key: int = -1) -> Group:
        """Split the group into subgroups: ranks with the same ``color`` form one.

        ``key`` orders the ranks of the new group (the rank in this group if negative).

        Raises:
            UnsupportedCollectiveError: the backend has no split (ring, jaccl).
        """
        _check_int("Group.split", color, "color")
        _check_int("Group.split", key, "key")
        _supported("Group.split", "split", self)
        return Group(self._mx.split(color, key), self._backend)

    def __repr__(self) -> str:
        return f"<Group rank {self.rank()} of {self.size()}, backend {self._backend}>"


_world: Group | None = None


def is_available(backend: str = "any") -> bool:
    """Whether MLX here can run ``backend`` (not whether a group of several ranks was
    launched: :func:`init` with ``strict=True`` says that)."""
    _check_backend("is_available", backend)
    return mx.distributed.is_available(backend)


def is_initialized() -> bool:
    """Whether :func:`init` has made the default group."""
    return _world is not None


def init(backend: str = "any", strict: bool = False) -> Group:
    """Join the job this process was launched in; return its group (the default group).

    A process launched with ``mlx.launch`` or ``python -m tmath_array.distributed.launch``
    finds its peers through environment variables (docs/distributed.md). The first call
    makes the default group that collectives use when given no ``group``; later calls
    return it again (or another backend's group when one is named).

    Args:
        backend: ``"ring"``, ``"mpi"``, ``"nccl"``, ``"jaccl"``, or ``"any"`` (the first
            of these that finds a job of several ranks).
        strict: raise if no job was launched, instead of returning a group of size 1.

    Raises:
        ValueError: unknown backend.
        RuntimeError: ``strict`` and no backend could join a job.
    """
    global _world
    _check_backend("init", backend)
    strict = _core.check_bool("init", strict, "strict")
    if backend == "any" and _world is not None and (_world.backend or not strict):
        return _world
    candidates = _ANY_ORDER if backend == "any" else (backend,)
    group = None
    for name in candidates:
        if not mx.distributed.is_available(name):
            continue
        try:
            g = mx.distributed.init(strict=False, backend=name)
        except RuntimeError as e:
            if backend != "any":
                raise RuntimeError(f"init: the {name} backend could not join the job: "
                                   f"{e}") from e
            continue
        if g.size() > 1:
            group = Group(g, name)
            break
    if group is None:
        if strict:
            raise RuntimeError(
                f"init(backend={backend!r}, strict=True): no distributed job was found "
                f"({_hint(backend)}). Launch the script with "
                "`python -m tmath_array.distributed.launch -n 2 script.py` or `mlx.launch`")
        group = Group(mx.distributed.init(strict=False, backend="any"), None)
    if _world is None or (_world.backend is None and group.backend is not None):
        _world = group
    return group


def _hint(backend: str) -> str:
    needs = {
        "ring": "ring needs MLX_HOSTFILE and MLX_RANK",
        "mpi": "mpi needs a launch by mpirun and libmpi",
        "nccl": "nccl needs CUDA, MLX_WORLD_SIZE, MLX_RANK, NCCL_HOST_IP and NCCL_PORT",
        "jaccl": "jaccl needs MLX_IBV_DEVICES, MLX_RANK and MLX_JACCL_COORDINATOR",
    }
    names = _ANY_ORDER if backend == "any" else (backend,)
    parts = []
    for n in names:
        if not mx.distributed.is_available(n):
            parts.append(f"{n} is not available in this MLX build")
        else:
            parts.append(needs[n])
    if "MLX_RANK" in os.environ:
        parts.append(f"MLX_RANK={os.environ['MLX_RANK']} is set")
    return "; ".join(parts)


# --- validation --------------------------------------------------------------

def _check_backend(name: str, backend) -> None:
    _core.check_str(name, backend, "backend")
    if backend not in BACKENDS:
        raise ValueError(f"{name}: unknown backend {backend!r}; expected one of "
                         f"{', '.join(map(repr, BACKENDS))}")


def _check_int(name: str, value, argname: str) -> int:
    if isinstance(value, builtins.bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: {argname} must be an int, got {type(value).__name__}")
    return int(value)


def group_of(name: str, group) -> Group:
    """``group`` checked, or the default group (made by :func:`init` on first use)."""
    if group is None:
        return _world if _world is not None else init()
    if not isinstance(group, Group):
        raise TypeError(f"{name}: group must be a tmath_array.distributed.Group or None, "
                        f"got {type(group).__name__}")
    return group


def _supported(name: str, what: str, group: Group) -> None:
    if group.size() > 1 and what in _LACKS.get(group.backend, ()):
        raise UnsupportedCollectiveError(
            f"{name}: the {group.backend} backend has no {what}; {_INSTEAD[what]}")


def _peer(name: str, rank, group: Group, argname: str) -> int:
    rank = _check_int(name, rank, argname)
    me, n = group.rank(), group.size()
    if n == 1:
        raise ValueError(f"{name}: this process is alone in its group (size 1): there is no "
                         "other rank to talk to; launch several ranks (docs/distributed.md)")
    if not 0 <= rank < n or rank == me:
        raise ValueError(f"{name}: {argname} must be another rank of the group (0..{n - 1}, "
                         f"not this rank {me}); got {rank}")
    return rank


def _array_of(name: str, x, category: str | None = None):
    _core.check_array(name, x)
    if category is not None and x._dtype not in _d.CATEGORIES[category]:
        hint = ""
        if x._dtype == _d.bool:
            hint = " (all_max of a bool array is a logical or, all_min a logical and)"
        raise TypeError(f"Only {category} dtypes are allowed in {name}; "
                        f"got {_d.dtype_name(x._dtype)}{hint}.")
    return x


# --- collectives -------------------------------------------------------------

def all_sum(x, *, group: Group | None = None):
    """The elementwise sum of ``x`` over all ranks (lazy), on every rank.

    Raises:
        TypeError: ``x`` is not an array of a numeric dtype (bool is refused: use
            ``all_max`` for a logical or, or sum an integer array).
    """
    _array_of("all_sum", x, "numeric")
    g = group_of("all_sum", group)
    return _core.new(mx.distributed.all_sum(x._array, group=g._mx, stream=x._device._s),
                     x._dtype, x._device)


def all_max(x, *, group: Group | None = None):
    """The elementwise maximum of ``x`` over all ranks (lazy); bool: a logical or.

    Raises:
        TypeError: ``x`` is not an array of a real-valued or bool dtype.
    """
    _check_ordered("all_max", x)
    g = group_of("all_max", group)
    return _core.new(mx.distributed.all_max(x._array, group=g._mx, stream=x._device._s),
                     x._dtype, x._device)


def all_min(x, *, group: Group | None = None):
    """The elementwise minimum of ``x`` over all ranks (lazy); bool: a logical and.

    Raises:
        TypeError: ``x`` is not an array of a real-valued or bool dtype.
    """
    _check_ordered("all_min", x)
    g = group_of("all_min", group)
    return _core.new(mx.distributed.all_min(x._array, group=g._mx, stream=x._device._s),
                     x._dtype, x._device)


def _check_ordered(name: str, x) -> None:
    _core.check_array(name, x)
    if x._dtype not in _d.CATEGORIES["real-valued"] and x._dtype != _d.bool:
        raise TypeError(f"Only real-valued or bool dtypes are allowed in {name}; got "
                        f"{_d.dtype_name(x._dtype)} (complex numbers have no order).")


def all_gather(x, *, group: Group | None = None):
    """The ``x`` of every rank, concatenated along the first axis in rank order (lazy).

    A 0-d ``x`` gives a 1-d result of ``size`` elements; ``x`` of shape ``(n, ...)`` gives
    ``(size * n, ...)``.
    """
    _array_of("all_gather", x)
    g = group_of("all_gather", group)
    return _core.new(mx.distributed.all_gather(x._array, group=g._mx, stream=x._device._s),
                     x._dtype, x._device)


def sum_scatter(x, *, group: Group | None = None):
    """The sum over ranks of ``x``, of which rank ``r`` keeps the ``r``-th block (lazy).

    ``x.shape[0]`` must be a multiple of the group's size; the result has
    ``x.shape[0] // size`` rows.

    Raises:
        UnsupportedCollectiveError: the backend has none (ring, mpi, jaccl): use ``all_sum``
            and keep this rank's block with :func:`shard`.
        ValueError: ``x`` is 0-d or its first axis does not split evenly.
    """
    _array_of("sum_scatter", x, "numeric")
    g = group_of("sum_scatter", group)
    n = g.size()
    if x.ndim == 0 or x.shape[0] % n:
        raise ValueError(f"sum_scatter: the first axis of x must be a multiple of the group "
                         f"size {n}; got shape {x.shape}")
    _supported("sum_scatter", "sum_scatter", g)
    return _core.new(mx.distributed.sum_scatter(x._array, group=g._mx, stream=x._device._s),
                     x._dtype, x._device)


def broadcast(x, src: int, *, group: Group | None = None):
    """Rank ``src``'s ``x`` on every rank, bit for bit (lazy; one all_sum).

    Every rank passes an array of the same shape and dtype; only ``src``'s values count.
    """
    name = "broadcast"
    _array_of(name, x)
    g = group_of(name, group)
    src = _check_int(name, src, "src")
    if not 0 <= src < g.size():
        raise ValueError(f"{name}: src must be a rank of the group (0..{g.size() - 1}); "
                         f"got {src}")
    if g.size() == 1:
        return x
    # Note: MLX has no broadcast. The other ranks contribute zero bits to an integer sum
    # of the raw bytes, which reproduces src's bits exactly (-0.0 and NaN payloads too).
    a = x._array
    if x._dtype == _d.bool:
        bits = a.astype(mx.uint8)
    else:
        bits = a.view(_UINT_OF_SIZE[a.dtype.size])
    if g.rank() != src:
        # Note: bits * 0, not zeros_like (which does not depend on bits): the result must
        # depend on x on every rank, so that a chain of broadcasts (y = broadcast(x);
        # z = broadcast(y)) runs every all_sum on every rank, in the same order.
        bits = mx.multiply(bits, 0, stream=x._device._s)
    out = mx.distributed.all_sum(bits, group=g._mx, stream=x._device._s)
    out = out.astype(mx.bool_) if x._dtype == _d.bool else out.view(a.dtype)
    return _core.new(out, x._dtype, x._device)


_UINT_OF_SIZE = {1: mx.uint8, 2: mx.uint16, 4: mx.uint32, 8: mx.uint64}


def send(x, dst: int, *, group: Group | None = None):
    """Send ``x`` to rank ``dst``: returns ``x``, and evaluating the result sends it.

    Lazy, as in MLX: nothing is sent until the returned array is evaluated
    (``xp.eval(send(x, 1))``). The receiving rank calls :func:`recv` (or
    :func:`recv_like`) with the same shape and dtype. Over the ring backend a send can
    wait until the peer receives (a large one always does): two ranks that both send
    first, then receive, can wait for each other forever (order them: one sends first,
    the other receives first).
    """
    _array_of("send", x)
    g = group_of("send", group)
    dst = _peer("send", dst, g, "dst")
    return _core.new(mx.distributed.send(x._array, dst, group=g._mx, stream=x._device._s),
                     x._dtype, x._device)


def recv(shape, dtype, src: int, *, group: Group | None = None, device=None):
    """An array of ``shape`` and ``dtype`` received from rank ``src`` (lazy).

    Raises:
        TypeError: ``shape`` is not a tuple of ints, or ``dtype`` not a dtype.
        ValueError: ``src`` is not another rank of the group, or a negative dimension.
    """
    name = "recv"
    if isinstance(shape, numbers.Integral) and not isinstance(shape, builtins.bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"{name}: shape must be a tuple of ints, got {type(shape).__name__}")
    shape = tuple(_check_int(name, s, "shape") for s in shape)
    if any(s < 0 for s in shape):
        raise ValueError(f"{name}: negative dimension in shape {shape}")
    dt = _d.as_dtype(dtype)
    if dt is None:
        raise TypeError(f"{name}: dtype must be a tmath_array dtype, got {dtype!r}")
    dev = to_device(device)
    check_dtype_on_device(dt, dev, name)
    g = group_of(name, group)
    src = _peer(name, src, g, "src")
    return _core.new(mx.distributed.recv(shape, dt._mx, src, group=g._mx, stream=dev._s),
                     dt, dev)


def recv_like(x, src: int, *, group: Group | None = None):
    """An array of ``x``'s shape, dtype and device received from rank ``src`` (lazy)."""
    _array_of("recv_like", x)
    g = group_of("recv_like", group)
    src = _peer("recv_like", src, g, "src")
    return _core.new(mx.distributed.recv_like(x._array, src, group=g._mx,
                                              stream=x._device._s), x._dtype, x._device)


def barrier(*, group: Group | None = None) -> None:
    """Wait until every rank of the group has reached its barrier (a sync point).

    MLX has no barrier: this is an ``all_sum`` of one element, evaluated now (one
    ``explicit`` sync point, docs/laziness.md). It does not evaluate other arrays:
    collectives built before it still run at their own sync points.
    """
    g = group_of("barrier", group)
    token = mx.distributed.all_sum(mx.zeros((1,), dtype=mx.int32, stream=mx.cpu),
                                   group=g._mx, stream=mx.cpu)
    _lazy.materialize(_lazy.EXPLICIT, token)
