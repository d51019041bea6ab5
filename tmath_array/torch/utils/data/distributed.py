"""``torch.utils.data.distributed.DistributedSampler``: each rank's share of a dataset."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator

import mlx.core as mx

from ...._runtime import lazy as _lazy
from . import Sampler, _face

__all__ = ["DistributedSampler"]


class DistributedSampler(Sampler):
    """The indices of rank ``rank``'s share of ``dataset``, as PyTorch's: every
    ``num_replicas``-th index of one order (shuffled with ``seed + epoch`` when
    ``shuffle``) that all ranks draw alike, padded by repeating its start to a multiple of
    ``num_replicas`` (or cut to one with ``drop_last``). Call :meth:`set_epoch` before each
    epoch for a new order.

    ``num_replicas`` and ``rank`` default to those of the default process group.

    Note: the same seed gives another order than PyTorch's generator.

    Raises:
        ValueError: ``rank`` not in ``[0, num_replicas - 1]``; no ``num_replicas``/``rank``
            given and the default process group is not initialised.
    """

    def __init__(self, dataset, num_replicas: int | None = None, rank: int | None = None,
                 shuffle: bool = True, seed: int = 0, drop_last: bool = False) -> None:
        if num_replicas is None or rank is None:
            dist = _face().distributed
            if num_replicas is None:
                num_replicas = dist.get_world_size()
            if rank is None:
                rank = dist.get_rank()
        for name, v in (("num_replicas", num_replicas), ("rank", rank), ("seed", seed)):
            if isinstance(v, bool) or not isinstance(v, numbers.Integral):
                raise TypeError(f"DistributedSampler: {name} must be an int, got "
                                f"{type(v).__name__}")
        if num_replicas < 1:
            raise ValueError(f"num_replicas should be a positive integer value, but got "
                             f"num_replicas={num_replicas}")
        if rank >= num_replicas or rank < 0:
            raise ValueError(f"Invalid rank {rank}, rank should be in the interval "
                             f"[0, {num_replicas - 1}]")
        self.dataset = dataset
        self.num_replicas = int(num_replicas)
        self.rank = int(rank)
        self.epoch = 0
        self.drop_last = drop_last
        n = len(dataset)
        if drop_last and n % self.num_replicas != 0:
            self.num_samples = math.ceil((n - self.num_replicas) / self.num_replicas)
        else:
            self.num_samples = math.ceil(n / self.num_replicas)
        self.total_size = self.num_samples * self.num_replicas
        self.shuffle = shuffle
        self.seed = int(seed)

    def _order(self) -> mx.array:
        """This rank's indices as a lazy int64 array (the DataLoader gathers with it)."""
        n = len(self.dataset)
        if self.shuffle:
            torch = _face()
            g = torch.Generator().manual_seed(self.seed + self.epoch)
            order = torch.randperm(n, generator=g)._array
        else:
            order = mx.arange(n, dtype=mx.int64)
        if self.total_size > n:  # pad with the order's start, repeated as needed
            reps = -(-self.total_size // n) if n else 0
            order = mx.concatenate([order] * reps)[: self.total_size] if reps else order
        else:
            order = order[: self.total_size]
        return order[self.rank: self.total_size: self.num_replicas]

    def __iter__(self) -> Iterator[int]:
        order = self._order()
        _lazy.materialize(_lazy.CONVERSION, order)
        return iter(order.tolist())

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """The epoch whose order to draw (with ``shuffle``): the same on every rank."""
        self.epoch = epoch
