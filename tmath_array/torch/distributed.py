"""``torch.distributed`` over MLX's distributed engine, on tmath_array arrays and tensors.

PyTorch code ports by changing one import::

    import tmath_array.torch.distributed as dist     # was: import torch.distributed as dist

    dist.init_process_group("gloo")
    dist.all_reduce(t, op=dist.ReduceOp.SUM)         # t now holds the sum (in place)

PyTorch's backend names map onto MLX's backends: ``gloo`` (CPU over TCP) -> ``ring``,
``nccl`` -> ``nccl``, ``mpi`` -> ``mpi``; MLX's own names (``ring``, ``jaccl``) work too,
and None picks the first that finds a job. Collectives change their tensors in place, as
PyTorch's do, but stay lazy: the new values are computed and communicated at the next
sync point, so ``async_op=True`` costs nothing extra (``work.wait()`` is that sync point).

``nn.parallel.DistributedDataParallel`` (in ``tmath_array.torch.nn.parallel``) and
``utils.data.DistributedSampler`` build on this module.

Not here: ``new_group`` and subgroups (MLX's ring has no group split), ``reduce``, ``scatter``,
``gather`` and ``ReduceOp.PRODUCT``/``BAND``... (MLX has no such collectives).
See docs/distributed.md.
"""

from __future__ import annotations

import builtins
import enum
from datetime import timedelta

import mlx.core as mx

from .. import distributed as _dist
from .._array import core as _core
from .._array import dtypes as _d
from .._array import views as _views
from .._runtime import lazy as _lazy
from ._tensor import Tensor, commit

__all__ = [
    "Backend", "ReduceOp", "Work", "init_process_group", "destroy_process_group",
    "is_initialized", "is_available", "get_rank", "get_world_size", "get_backend",
    "all_reduce", "all_gather", "all_gather_into_tensor", "broadcast", "send", "recv",
    "barrier",
]

# PyTorch's words, so that code that looks for them finds them.
NOT_INITIALIZED = ("Default process group has not been initialized, please make sure to call "
                   "init_process_group.")

# PyTorch backend name -> MLX backend.
BACKENDS = {"gloo": "ring", "nccl": "nccl", "mpi": "mpi", "ring": "ring", "jaccl": "jaccl"}


class Backend:
    """The backend names ``init_process_group`` takes, as in ``torch.distributed.Backend``."""

    GLOO = "gloo"
    NCCL = "nccl"
    MPI = "mpi"


class ReduceOp(enum.Enum):
    """The reductions of :func:`all_reduce` (MLX has sum, max and min; AVG is a sum
    divided by the world size)."""

    SUM = "sum"
    MAX = "max"
    MIN = "min"
    AVG = "avg"


class Work:
    """What ``async_op=True`` returns: the collective is already queued (lazily);
    :meth:`wait` computes it now (one sync point)."""

    def __init__(self, arrays) -> None:
        self._arrays = arrays

    def wait(self, timeout: timedelta | None = None) -> bool:
        _lazy.materialize(_lazy.EXPLICIT, *(a._array for a in self._arrays))
        return True

    def is_completed(self) -> bool:
        return False


_state: dict = {"group": None, "backend": None}


def is_available() -> bool:
    """Whether MLX here has a distributed backend."""
    return _dist.is_available()


def is_initialized() -> bool:
    """Whether :func:`init_process_group` has run (and :func:`destroy_process_group` not)."""
    return _state["group"] is not None


def init_process_group(backend: str | None = None, init_method: str | None = None,
                       timeout: timedelta | None = None, world_size: int = -1,
                       rank: int = -1, store=None, group_name: str = "",
                       pg_options=None, device_id=None) -> None:
    """Join the job this process was launched in (by ``python -m
    tmath_array.distributed.launch`` or ``mlx.launch``).

    The launcher, not ``init_method``, tells MLX where the peers are; ``init_method``
    may be None or ``"env://"``. ``world_size`` and ``rank``, when given, must match the
    launched job. ``timeout`` is accepted for compatibility: MLX's backends have no
    per-collective timeout; bound the job with the launcher's ``--timeout``.

    Raises:
        ValueError: unknown backend, another ``init_method``, a ``store``, or a
            ``world_size``/``rank`` that differs from the launched job.
        RuntimeError: already initialised, or no job of ``world_size`` ranks was launched.
    """
    name = "init_process_group"
    if _state["group"] is not None:
        raise RuntimeError(f"{name}: the default process group is already initialised; "
                           "call destroy_process_group() first")
    if backend is None:
        mlx_backend = "any"
    else:
        _core.check_str(name, backend, "backend")
        key = backend.lower()
        if key not in BACKENDS:
            raise ValueError(f"{name}: unknown backend {backend!r}; expected one of "
                             f"{', '.join(map(repr, BACKENDS))} (gloo runs on MLX's ring)")
        mlx_backend = BACKENDS[key]
    if init_method not in (None, "env://"):
        raise ValueError(f"{name}: init_method {init_method!r} is not supported: the "
                         "launcher tells each rank where its peers are (use None or "
                         "'env://'; docs/distributed.md)")
    if store is not None:
        raise ValueError(f"{name}: a store is not supported: the launcher tells each rank "
                         "where its peers are")
    strict = world_size not in (-1, None) and world_size > 1
    group = _dist.init(backend=mlx_backend, strict=strict)
    if world_size not in (-1, None) and world_size != group.size():
        raise ValueError(f"{name}: world_size={world_size}, but the job has {group.size()} "
                         "rank(s)")
    if rank not in (-1, None) and rank != group.rank():
        raise ValueError(f"{name}: rank={rank}, but this process is rank {group.rank()}")
    _state["group"] = group
    # Note: with no backend named, report PyTorch's name for the MLX backend that joined.
    _state["backend"] = (backend.lower() if backend is not None else
                         {"ring": "gloo"}.get(group.backend, group.backend or "gloo"))


def destroy_process_group(group=None) -> None:
    """Forget the default process group (MLX keeps its connections until the process
    ends; a later :func:`init_process_group` joins the same job again)."""
    _state["group"] = None
    _state["backend"] = None


def _group(name: str, group):
    if group is not None and not isinstance(group, _dist.Group):
        raise TypeError(f"{name}: group must be None or a tmath_array.distributed.Group, "
                        f"got {type(group).__name__}")
    g = group if group is not None else _state["group"]
    if g is None:
        raise ValueError(NOT_INITIALIZED)
    return g


def get_rank(group=None) -> int:
    """This process's rank."""
    return _group("get_rank", group).rank()


def get_world_size(group=None) -> int:
    """The number of processes in the job."""
    return _group("get_world_size", group).size()


def get_backend(group=None) -> str:
    """The backend name given to :func:`init_process_group` (``"gloo"``, ...)."""
    _group("get_backend", group)
    return _state["backend"]


def _tensor(name: str, t, argname: str = "tensor"):
    if not isinstance(t, _core.Array):
        raise TypeError(f"{name}: {argname} must be a tensor, got {type(t).__name__}")
    return t


def _assign(t, arr: mx.array) -> None:
    """Give tensor ``t`` new values in place (same shape, dtype and device): the tensors
    sharing its storage (its base, its views) follow."""
    if isinstance(t, Tensor):
        commit(t, arr)
    else:
        _views.commit(t, arr)


def _done(async_op, arrays):
    if _core.check_bool("collective", async_op, "async_op"):
        return Work(arrays)
    return None


def all_reduce(tensor, op: ReduceOp = ReduceOp.SUM, group=None, async_op: bool = False):
    """Reduce ``tensor`` over all ranks, in place: every rank's ``tensor`` gets the result.

    Raises:
        TypeError: not a tensor; AVG of an integer or bool tensor; SUM of a bool tensor;
            MAX/MIN of a complex one.
        ValueError: an op other than SUM, MAX, MIN and AVG.
    """
    name = "all_reduce"
    _tensor(name, tensor)
    g = _group(name, group)
    if op is ReduceOp.SUM:
        out = _dist.all_sum(tensor, group=g)
    elif op is ReduceOp.MAX:
        out = _dist.all_max(tensor, group=g)
    elif op is ReduceOp.MIN:
        out = _dist.all_min(tensor, group=g)
    elif op is ReduceOp.AVG:
        if tensor._dtype not in _d.CATEGORIES["floating-point"]:
            raise TypeError(f"{name}: ReduceOp.AVG needs a floating-point tensor; got "
                            f"{_d.dtype_name(tensor._dtype)}")
        out = _dist.all_sum(tensor, group=g)
        out = _core.new(mx.divide(out._array, mx.array(g.size(), dtype=tensor._dtype._mx),
                                  stream=tensor._device._s), tensor._dtype, tensor._device)
    else:
        raise ValueError(f"{name}: op must be ReduceOp.SUM, MAX, MIN or AVG (MLX has no "
                         f"other reduction); got {op!r}")
    _assign(tensor, out._array)
    return _done(async_op, [tensor])


def all_gather(tensor_list, tensor, group=None, async_op: bool = False):
    """Fill ``tensor_list[r]`` (in place) with rank ``r``'s ``tensor``, on every rank.

    Raises:
        ValueError: ``tensor_list`` does not hold one tensor per rank of ``tensor``'s
            shape and dtype.
    """
    name = "all_gather"
    _tensor(name, tensor)
    g = _group(name, group)
    if not isinstance(tensor_list, list) or len(tensor_list) != g.size():
        raise ValueError(f"{name}: tensor_list must be a list of {g.size()} tensors (one "
                         "per rank)")
    for t in tensor_list:
        _tensor(name, t, "tensor_list[i]")
        if t._device != tensor._device:
            raise ValueError(f"{name}: tensor_list holds a tensor on {t._device}, tensor is "
                             f"on {tensor._device}")
        if t.shape != tensor.shape or t._dtype != tensor._dtype:
            raise ValueError(f"{name}: every tensor of tensor_list must have the shape "
                             f"{tensor.shape} and dtype {_d.dtype_name(tensor._dtype)} of "
                             f"tensor; got {t.shape} {_d.dtype_name(t._dtype)}")
    a = tensor._array
    gathered = _dist.all_gather(_core.new(a.reshape((1, *a.shape)), tensor._dtype,
                                          tensor._device), group=g)._array
    for r, t in enumerate(tensor_list):
        _assign(t, gathered[r])
    return _done(async_op, tensor_list)


def all_gather_into_tensor(output_tensor, input_tensor, group=None, async_op: bool = False):
    """``output_tensor`` (in place) gets every rank's ``input_tensor`` concatenated along
    the first axis, in rank order."""
    name = "all_gather_into_tensor"
    _tensor(name, output_tensor, "output_tensor")
    _tensor(name, input_tensor, "input_tensor")
    g = _group(name, group)
    out = _dist.all_gather(input_tensor, group=g)
    if output_tensor._device != input_tensor._device:
        raise ValueError(f"{name}: output_tensor is on {output_tensor._device}, "
                         f"input_tensor on {input_tensor._device}")
    if out.shape != output_tensor.shape or out._dtype != output_tensor._dtype:
        raise ValueError(f"{name}: output_tensor must have shape {out.shape} and dtype "
                         f"{_d.dtype_name(out._dtype)}; got {output_tensor.shape} "
                         f"{_d.dtype_name(output_tensor._dtype)}")
    _assign(output_tensor, out._array)
    return _done(async_op, [output_tensor])


def broadcast(tensor, src: int, group=None, async_op: bool = False):
    """Every rank's ``tensor`` gets (in place) rank ``src``'s values, bit for bit."""
    name = "broadcast"
    _tensor(name, tensor)
    g = _group(name, group)
    _assign(tensor, _dist.broadcast(tensor, src, group=g)._array)
    return _done(async_op, [tensor])


def send(tensor, dst: int, group=None, tag: int = 0) -> None:
    """Send ``tensor`` to rank ``dst`` now (a sync point), as PyTorch's blocking send."""
    out = _dist.send(_tensor("send", tensor), dst, group=_group("send", group))
    _lazy.materialize(_lazy.EXPLICIT, out._array)


def recv(tensor, src: int | None = None, group=None, tag: int = 0) -> int:
    """Receive into ``tensor`` (in place) from rank ``src``, now (a sync point); returns
    ``src``. (MLX receives from a named rank only: ``src`` is required.)"""
    name = "recv"
    _tensor(name, tensor)
    if src is None:
        raise ValueError(f"{name}: src is required (MLX receives from a named rank only)")
    out = _dist.recv_like(tensor, src, group=_group(name, group))
    _lazy.materialize(_lazy.EXPLICIT, out._array)
    _assign(tensor, out._array)
    return builtins.int(src)


def barrier(group=None, async_op: bool = False, device_ids=None):
    """Wait until every rank has reached its barrier (a sync point)."""
    _dist.barrier(group=_group("barrier", group))
    return Work([]) if async_op else None
