"""``torch.utils.data``: datasets, samplers, ``DataLoader`` and ``random_split``.

PyTorch's semantics: a map-style dataset gives samples by index, a sampler orders the
indices (shuffled with the global seed: ``torch.manual_seed`` makes epochs repeatable), a
batch sampler groups them, ``collate_fn`` stacks a batch. On MLX one thing differs in how,
not in what: a ``TensorDataset`` (or a ``Subset`` of one) with the default collation is
batched with one gather per tensor per batch from a lazy permutation, instead of indexing
and stacking sample by sample, so an epoch has no sync point and no per-sample Python
work. Any other dataset is read sample by sample, as in PyTorch (the shuffled order is
read once per epoch: one counted sync point).
"""

from __future__ import annotations

import bisect
import collections.abc
import itertools
import math
import numbers
from collections.abc import Iterator, Sequence

import mlx.core as mx
import numpy as np

from ...._array.array import Array
from ...._runtime import lazy as _lazy

__all__ = ["Dataset", "IterableDataset", "TensorDataset", "Subset", "ConcatDataset",
           "Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "BatchSampler", "DataLoader", "random_split", "default_collate",
           "get_worker_info", "DistributedSampler", "distributed"]


def _face():
    # The face's creation functions and RNG (imported when first used: the face imports
    # this package while it is being built).
    import tmath_array.torch as torch

    return torch


# --- datasets ---------------------------------------------------------------------------


class Dataset:
    """A map-style dataset: ``__getitem__(index)`` and (usually) ``__len__``."""

    def __getitem__(self, index):
        raise NotImplementedError("a Dataset subclass must define __getitem__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A dataset that is an iterable of samples (``__iter__``); no indices, no sampler."""

    def __iter__(self):
        raise NotImplementedError("an IterableDataset subclass must define __iter__")


class TensorDataset(Dataset):
    """Samples ``(t1[i], t2[i], ...)`` of tensors that share their first dimension."""

    def __init__(self, *tensors) -> None:
        for t in tensors:
            if not isinstance(t, Array):
                raise TypeError(f"TensorDataset takes tensors, got {type(t).__name__}")
            if t.ndim == 0:
                raise ValueError("TensorDataset takes tensors with a first dimension")
        if any(t.shape[0] != tensors[0].shape[0] for t in tensors):
            raise ValueError("Size mismatch between tensors")
        self.tensors = tuple(tensors)

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0] if self.tensors else 0


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``."""

    def __init__(self, dataset: Dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __len__(self) -> int:
        return len(self.indices)


class ConcatDataset(Dataset):
    """The datasets one after another."""

    def __init__(self, datasets) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise TypeError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = list(itertools.accumulate(len(d) for d in self.datasets))

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx):
        if idx < 0:
            if -idx > len(self):
                raise ValueError("absolute value of index should not exceed dataset length")
            idx = len(self) + idx
        i = bisect.bisect_right(self.cumulative_sizes, idx)
        start = self.cumulative_sizes[i - 1] if i else 0
        return self.datasets[i][idx - start]


def random_split(dataset: Dataset, lengths: Sequence, generator=None) -> list[Subset]:
    """Split ``dataset`` into non-overlapping random subsets of the given lengths (or
    fractions summing to 1, the remainder dealt round-robin, as PyTorch does)."""
    n = len(dataset)
    lengths = list(lengths)
    if lengths and all(isinstance(x, float) for x in lengths) and math.isclose(sum(lengths), 1):
        if any(not 0 <= x <= 1 for x in lengths):
            raise ValueError("Fraction at index is not between 0 and 1")
        sizes = [int(math.floor(n * frac)) for frac in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        lengths = sizes
    if any(isinstance(x, bool) or not isinstance(x, numbers.Integral) or x < 0
           for x in lengths):
        raise ValueError("random_split takes non-negative integer lengths or fractions "
                         "summing to 1")
    if sum(lengths) != n:
        raise ValueError("Sum of input lengths does not equal the length of the input dataset!")
    order = (_face().randperm(n, generator=generator) if generator is not None
             else _face().randperm(n))._array
    _lazy.materialize(_lazy.CONVERSION, order)  # the split is Python lists of indices
    perm = order.tolist()
    out, start = [], 0
    for size in lengths:
        out.append(Subset(dataset, perm[start:start + size]))
        start += size
    return out


# --- samplers ---------------------------------------------------------------------------


class Sampler:
    """Orders the indices of a dataset (an iterable of ints, or of lists for batches)."""

    def __init__(self, data_source=None) -> None:
        pass

    def __iter__(self):
        raise NotImplementedError("a Sampler subclass must define __iter__")


class SequentialSampler(Sampler):
    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)

    def _order(self) -> mx.array:
        return mx.arange(len(self.data_source))


class RandomSampler(Sampler):
    """A random permutation each epoch (drawn from the global generator), or
    ``num_samples`` draws with replacement."""

    def __init__(self, data_source, replacement: bool = False, num_samples=None,
                 generator=None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got "
                            f"replacement={replacement}")
        if num_samples is not None and (isinstance(num_samples, bool) or
                                        not isinstance(num_samples, int) or num_samples <= 0):
            raise ValueError(f"num_samples should be a positive integer value, but got "
                             f"num_samples={num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def _order(self) -> mx.array:
        torch = _face()
        n = len(self.data_source)
        kw = {} if self.generator is None else {"generator": self.generator}
        if self.replacement:
            return torch.randint(0, n, (self.num_samples,), **kw)._array
        reps = -(-self.num_samples // n) if n else 0
        perms = [torch.randperm(n, **kw)._array for _ in range(max(reps, 1))]
        return mx.concatenate(perms)[: self.num_samples] if len(perms) > 1 else \
            perms[0][: self.num_samples]

    def __iter__(self) -> Iterator[int]:
        order = self._order()
        _lazy.materialize(_lazy.CONVERSION, order)
        return iter(order.tolist())

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler):
    """The given indices in a random order each epoch."""

    def __init__(self, indices: Sequence[int], generator=None) -> None:
        self.indices = list(indices)
        self.generator = generator

    def _order(self) -> mx.array:
        kw = {} if self.generator is None else {"generator": self.generator}
        perm = _face().randperm(len(self.indices), **kw)._array
        return mx.array(self.indices, dtype=mx.int64)[perm] if self.indices else perm

    def __iter__(self):
        order = self._order()
        _lazy.materialize(_lazy.CONVERSION, order)
        return iter(order.tolist())

    def __len__(self) -> int:
        return len(self.indices)


class BatchSampler(Sampler):
    """Groups another sampler's indices into lists of ``batch_size``."""

    def __init__(self, sampler, batch_size: int, drop_last: bool) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size <= 0:
            raise ValueError(f"batch_size should be a positive integer value, but got "
                             f"batch_size={batch_size}")
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got "
                             f"drop_last={drop_last}")
        self.sampler, self.batch_size, self.drop_last = sampler, batch_size, drop_last

    def __iter__(self):
        batch = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == self.batch_size:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)


# --- collation --------------------------------------------------------------------------


def default_collate(batch):
    """Stack a list of samples as PyTorch does: tensors stacked, numbers to a tensor
    (int64 / float64), NumPy arrays stacked as tensors, strings kept as a list, tuples,
    lists, named tuples and mappings collated field by field."""
    torch = _face()
    elem = batch[0]
    if isinstance(elem, Array):
        return torch.stack(list(batch), 0)
    if isinstance(elem, (np.ndarray, np.generic)) and not isinstance(elem, (np.str_, np.bytes_)):
        if isinstance(elem, np.ndarray) and elem.dtype.kind in "OUS":
            raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, "
                            f"numbers, dicts or lists; found {elem.dtype}")
        return torch.stack([torch.as_tensor(b) for b in batch], 0)
    if isinstance(elem, bool):
        return torch.tensor(batch)
    if isinstance(elem, int):
        return torch.tensor(batch, dtype=torch.int64)
    if isinstance(elem, float):
        return torch.tensor(batch, dtype=torch.float64)
    if isinstance(elem, (str, bytes)):
        return list(batch)
    if isinstance(elem, collections.abc.Mapping):
        return {k: default_collate([d[k] for d in batch]) for k in elem}
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):
        return type(elem)(*(default_collate(list(s)) for s in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        if any(len(e) != len(elem) for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        # Note: as PyTorch's, a tuple sample gives a list of collated fields.
        return [default_collate(list(s)) for s in zip(*batch)]
    raise TypeError(f"default_collate: batch must contain tensors, numpy arrays, numbers, "
                    f"dicts or lists; found {type(elem)}")


def get_worker_info():
    """None: batches are made in the main process (see DataLoader's ``num_workers``)."""
    return None


# --- the loader -------------------------------------------------------------------------


class DataLoader:
    """Batches of a dataset: ``batch_size``, ``shuffle`` (global seed), ``drop_last``,
    ``sampler``/``batch_sampler``, ``collate_fn``.

    Note: ``num_workers`` > 0 is accepted and batches are still made in this process: MLX
    builds the batches lazily (a gather per tensor), there is no per-sample work to spread,
    and MLX arrays cannot cross process boundaries without a copy. ``pin_memory`` has no
    meaning on MLX's unified memory and is ignored.
    """

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers=0, collate_fn=None, pin_memory=False, drop_last=False, timeout=0,
                 worker_init_fn=None, multiprocessing_context=None, generator=None, *,
                 prefetch_factor=None, persistent_workers=False, pin_memory_device="",
                 in_order=True) -> None:
        if isinstance(num_workers, bool) or not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 "
                             "to disable multiprocessing.")
        self.dataset = dataset
        self.num_workers = num_workers
        self.pin_memory = pin_memory
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.generator = generator
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (None, False):
                raise ValueError(f"DataLoader with IterableDataset: expected unspecified "
                                 f"shuffle option, but got shuffle={shuffle}")
            if sampler is not None or batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 "sampler and batch_sampler options")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with "
                                 "batch_size, shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else \
                SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self._auto_collate = collate_fn is None
        self.collate_fn = default_collate if collate_fn is None else collate_fn

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        if self.batch_sampler is not None:
            return len(self.batch_sampler)
        return len(self.sampler)

    def __iter__(self):
        if self._iterable:
            return self._iter_iterable()
        fast = self._tensor_source()
        if fast is not None:
            return self._iter_tensors(*fast)
        if self.batch_sampler is None:
            return (self.collate_fn(self.dataset[i]) if not self._auto_collate
                    else self.dataset[i] for i in self.sampler)
        return (self.collate_fn([self.dataset[i] for i in b]) for b in self.batch_sampler)

    def _iter_iterable(self):
        if self.batch_size is None:
            yield from self.dataset
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)

    def _tensor_source(self):
        """``(tensors, index map or None)`` when batches can be gathered directly: a
        TensorDataset (or a Subset of one), default collation, a built-in sampler."""
        if not self._auto_collate or self.batch_size is None:
            return None
        bs = self.batch_sampler
        if type(bs) is not BatchSampler or type(bs.sampler) not in (
                SequentialSampler, RandomSampler, DistributedSampler):
            return None
        ds, index = self.dataset, None
        if type(ds) is Subset and type(ds.dataset) is TensorDataset:
            index = mx.array(list(ds.indices), dtype=mx.int64)
            ds = ds.dataset
        if type(ds) is not TensorDataset or any(getattr(t, "requires_grad", False)
                                                for t in ds.tensors):
            return None
        return ds.tensors, index

    def _iter_tensors(self, tensors, index):
        from ..._tensor import from_mx

        order = self.batch_sampler.sampler._order()
        if index is not None:
            order = index[order]
        n = order.shape[0]
        bs = self.batch_size
        stop = n - n % bs if self.drop_last else n
        for start in range(0, stop, bs):
            idx = order[start:min(start + bs, n)]
            yield [from_mx(mx.take(t._array, idx, axis=0, stream=t._device._s), t._dtype,
                           t._device) for t in tensors]


# PyTorch's torch.utils.data.DistributedSampler (it lives in .distributed, as there).
from tmath_array.torch import _names  # noqa: E402

from . import distributed  # noqa: E402
from .distributed import DistributedSampler  # noqa: E402

__getattr__ = _names.missing_in(__name__, "docs/torch_training.md")
