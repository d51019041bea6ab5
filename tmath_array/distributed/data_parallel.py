"""Data-parallel helpers: gradients averaged in one fused all-reduce, data sharded by rank.

Data parallelism runs the same model on every rank, each on its own part of the batch;
after the backward pass the ranks average their gradients, so every rank takes the same
step. Sending one large message beats sending many small ones (each collective pays a
round trip), so :func:`average_gradients` flattens a whole tree of gradients into one
array, reduces it with one ``all_sum`` and splits the result back.
"""

from __future__ import annotations

import builtins
import numbers
from collections.abc import Sequence

import mlx.core as mx

from .._array import core as _core
from .._array import dtypes as _d
from .collectives import Group, _check_int, group_of

__all__ = ["all_sum_tree", "average_gradients", "broadcast_tree", "shard", "shard_range",
           "shard_dataset", "ShardedDataset"]


# --- trees of arrays -----------------------------------------------------------

def _leaves(name: str, tree, out: list) -> None:
    """Append the Arrays of ``tree`` (nested dicts, lists and tuples) in a fixed order."""
    if isinstance(tree, _core.Array):
        out.append(tree)
    elif isinstance(tree, dict):
        for k in tree:
            _leaves(name, tree[k], out)
    elif isinstance(tree, (list, tuple)):
        for v in tree:
            _leaves(name, v, out)
    elif tree is not None:
        raise TypeError(f"{name}: a tree holds arrays, dicts, lists, tuples and None; "
                        f"got {type(tree).__name__}")


def _rebuild(tree, it):
    """``tree`` with its Arrays replaced, in order, by the items of iterator ``it``."""
    if isinstance(tree, _core.Array):
        return next(it)
    if isinstance(tree, dict):
        return type(tree)((k, _rebuild(v, it)) for k, v in tree.items())
    if isinstance(tree, tuple) and hasattr(tree, "_fields"):  # a namedtuple
        return type(tree)(*(_rebuild(v, it) for v in tree))
    if isinstance(tree, (list, tuple)):
        return type(tree)(_rebuild(v, it) for v in tree)
    return tree


def _fused(name: str, tree, group, scale: bool, category: str):
    leaves: list = []
    _leaves(name, tree, leaves)
    g = group_of(name, group)
    if not leaves or g.size() == 1:
        return tree
    device = leaves[0]._device
    for a in leaves:
        if a._device != device:
            raise ValueError(f"{name}: the arrays are on different devices ({device} and "
                             f"{a._device}); move them to one with to_device()")
        if a._dtype not in _d.CATEGORIES[category]:
            raise TypeError(f"Only {category} dtypes are allowed in {name}; got "
                            f"{_d.dtype_name(a._dtype)}.")
    # One all_sum per dtype (normally one in all): concatenate, reduce, split back.
    by_dtype: dict = {}
    for i, a in enumerate(leaves):
        by_dtype.setdefault(a._dtype, []).append(i)
    out: list = [None] * len(leaves)
    s = device._s
    n = g.size()
    for dt, idx in by_dtype.items():
        parts = [leaves[i]._array.reshape(-1) for i in idx]
        flat = parts[0] if len(parts) == 1 else mx.concatenate(parts, stream=s)
        total = mx.distributed.all_sum(flat, group=g._mx, stream=s)
        if scale:
            total = mx.divide(total, mx.array(n, dtype=dt._mx), stream=s)
        offsets, pos = [], 0
        for i in idx[:-1]:
            pos += leaves[i].size
            offsets.append(pos)
        pieces = mx.split(total, offsets, stream=s) if offsets else [total]
        for i, piece in zip(idx, pieces):
            out[i] = _core.new(piece.reshape(leaves[i].shape), dt, device)
    return _rebuild(tree, iter(out))


def all_sum_tree(tree, *, group: Group | None = None):
    """Every array of ``tree`` summed over all ranks, in one fused all_sum (lazy).

    ``tree`` is an Array or nested dicts, lists and tuples of Arrays (None entries are
    kept); the result has the same structure. Arrays of several dtypes take one all_sum
    per dtype.

    Raises:
        TypeError: a leaf of a non-numeric dtype, or something not a tree of arrays.
        ValueError: arrays on different devices.
    """
    return _fused("all_sum_tree", tree, group, False, "numeric")


def average_gradients(grads, *, group: Group | None = None):
    """The mean over all ranks of every gradient in ``grads``, in one fused all_sum (lazy).

    ``grads`` is a tree as in :func:`all_sum_tree` (a dict of parameter name to gradient,
    a list...); the result has the same structure. Each rank's gradient must be the mean
    over its shard of the batch, and the shards of equal size, for the result to be the
    gradient of the whole batch (:func:`shard` makes equal shards when the batch splits
    evenly; otherwise sum per-example gradients, divide by the whole batch size and use
    :func:`all_sum_tree`). In a group of size 1, returns ``grads`` itself.

    Raises:
        TypeError: a gradient of a non-floating dtype, or something not a tree of arrays.
        ValueError: gradients on different devices.
    """
    return _fused("average_gradients", grads, group, True, "floating-point")


def broadcast_tree(tree, src: int = 0, *, group: Group | None = None):
    """Rank ``src``'s value of every array of ``tree``, on every rank, bit for bit, in one
    fused all_sum of their bytes (lazy).

    ``tree`` is as in :func:`all_sum_tree`, of any dtypes; every rank passes arrays of the
    same shapes and dtypes in the same structure. Data-parallel training starts with it, so
    that every rank holds rank 0's initial parameters. In a group of size 1, returns
    ``tree`` itself.

    Raises:
        TypeError: something not a tree of arrays.
        ValueError: ``src`` not a rank of the group; arrays on different devices.
    """
    name = "broadcast_tree"
    leaves: list = []
    _leaves(name, tree, leaves)
    g = group_of(name, group)
    src = _check_int(name, src, "src")
    if not 0 <= src < g.size():
        raise ValueError(f"{name}: src must be a rank of the group (0..{g.size() - 1}); "
                         f"got {src}")
    if not leaves or g.size() == 1:
        return tree
    device = leaves[0]._device
    for a in leaves:
        if a._device != device:
            raise ValueError(f"{name}: the arrays are on different devices ({device} and "
                             f"{a._device}); move them to one with to_device()")
    s = device._s
    # Note: MLX has no broadcast. The other ranks add zero bytes to src's bytes (an
    # integer sum), which gives src's bits exactly, whatever the dtypes.
    parts, sizes = [], []
    for a in leaves:
        flat = a._array.reshape(-1)
        b = flat.astype(mx.uint8, stream=s) if a._dtype == _d.bool else \
            flat.view(mx.uint8, stream=s)
        parts.append(b)
        sizes.append(b.size)
    flat = parts[0] if len(parts) == 1 else mx.concatenate(parts, stream=s)
    if g.rank() != src:
        # Note: flat * 0 keeps the dependency on the arrays (zeros_like would drop it), so
        # that chained broadcasts run on every rank alike (see collectives.broadcast).
        flat = mx.multiply(flat, 0, stream=s)
    total = mx.distributed.all_sum(flat, group=g._mx, stream=s)
    offsets, pos = [], 0
    for n in sizes[:-1]:
        pos += n
        offsets.append(pos)
    pieces = mx.split(total, offsets, stream=s) if offsets else [total]
    out = []
    for a, piece in zip(leaves, pieces):
        mxdt = a._array.dtype
        v = piece.astype(mx.bool_, stream=s) if a._dtype == _d.bool else \
            piece.view(mxdt, stream=s)
        out.append(_core.new(v.reshape(a.shape), a._dtype, device))
    return _rebuild(tree, iter(out))


# --- sharding --------------------------------------------------------------------

def shard_range(n: int, *, group: Group | None = None, rank: int | None = None):
    """The ``(start, stop)`` of this rank's contiguous block of ``n`` items.

    Blocks follow ``numpy.array_split``: the first ``n % size`` ranks get one item more.
    ``rank`` asks for another rank's block.
    """
    n = _check_int("shard_range", n, "n")
    if n < 0:
        raise ValueError(f"shard_range: n must be non-negative, got {n}")
    g = group_of("shard_range", group)
    size = g.size()
    r = g.rank() if rank is None else _check_int("shard_range", rank, "rank")
    if not 0 <= r < size:
        raise ValueError(f"shard_range: rank must be in 0..{size - 1}, got {r}")
    base, extra = divmod(n, size)
    start = r * base + builtins.min(r, extra)
    return start, start + base + (1 if r < extra else 0)


def shard(x, *, axis: int = 0, group: Group | None = None):
    """This rank's contiguous block of ``x`` along ``axis`` (lazy; see :func:`shard_range`).

    The blocks of all ranks, concatenated in rank order, give ``x`` back
    (``all_gather(shard(x))`` when the blocks are of equal size).
    """
    _core.check_array("shard", x)
    if x.ndim == 0:
        raise ValueError("shard: x must have at least one dimension")
    axis = _core.check_axis("shard", axis, x.ndim)
    start, stop = shard_range(x.shape[axis], group=group)
    key = (builtins.slice(None),) * axis + (builtins.slice(start, stop),)
    return x[key]


class ShardedDataset(Sequence):
    """This rank's contiguous block of a dataset (any object with ``len`` and ``[i]``).

    Indexing is local: ``shard[0]`` is the first item of this rank's block.
    """

    def __init__(self, dataset, start: int, stop: int) -> None:
        self.dataset = dataset
        self.start = start
        self.stop = stop

    def __len__(self) -> int:
        return self.stop - self.start

    def __getitem__(self, i):
        n = len(self)
        if isinstance(i, builtins.slice):
            return [self[j] for j in range(*i.indices(n))]
        if isinstance(i, builtins.bool) or not isinstance(i, numbers.Integral):
            raise TypeError(f"ShardedDataset indices must be ints or slices, got "
                            f"{type(i).__name__}")
        if not -n <= i < n:
            raise IndexError(f"index {i} is out of range for a shard of {n} items")
        return self.dataset[self.start + (i % n if n else i)]

    def __repr__(self) -> str:
        return f"ShardedDataset(items {self.start}..{self.stop - 1} of {len(self.dataset)})"


def shard_dataset(dataset, *, group: Group | None = None) -> ShardedDataset:
    """This rank's contiguous block of ``dataset`` (an object with ``len`` and ``[i]``),
    loaded lazily item by item."""
    if not hasattr(dataset, "__len__") or not hasattr(dataset, "__getitem__"):
        raise TypeError(f"shard_dataset: dataset must have __len__ and __getitem__; got "
                        f"{type(dataset).__name__}")
    start, stop = shard_range(len(dataset), group=group)
    return ShardedDataset(dataset, start, stop)
