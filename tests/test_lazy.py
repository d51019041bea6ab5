"""Laziness: operations build an MLX graph; only sync points compute, and are counted.

Three kinds of checks:

* behaviour: a 10,000-operation graph built through the public API runs no sync
  point, and evaluates to NumPy's answer afterwards;
* tables: ``SYNC_POINTS`` lists every public way to synchronise (with its
  reason) and must match the table in docs/laziness.md; ``LAZY_OPERATIONS``
  lists operations that must not synchronise. A new sync point (``nonzero``,
  ``unique_values``, a boolean mask...) is one line in each;
* source: no module of the package evaluates an MLX array except through
  ``_lazy.materialize`` (an AST scan for the calls that evaluate).
"""

from __future__ import annotations

import ast
import operator
import pathlib
import re

import numpy as np
import pytest

import tmath_array as xp
import tmath_array.distributed as _dist
from tmath_array._runtime import lazy as _lazy

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _chain(n: int):
    x = xp.ones((4,))
    for _ in range(n):
        x = x * 1.0001 + 0.5
    return x


# --- a long graph -----------------------------------------------------------------


def _graph(ns, n_ops: int):
    """Build ``n_ops`` operations of the standard in namespace ``ns``; return (result, count).

    The same code runs on tmath_array and on NumPy (the oracle). The steps keep
    values bounded, so float32 rounding differences cannot grow.
    """
    f32 = ns.float32
    x = ns.reshape(ns.astype(ns.arange(16), f32), (4, 4)) / 16.0
    y = ns.asarray([[0.5, -0.25, 0.125, 1.0]] * 4, dtype=f32)
    m = ns.full((4, 4), 0.25, dtype=f32)
    steps = [
        (1, lambda x: x * 0.5),
        (1, lambda x: x + 0.25),
        (1, lambda x: ns.abs(x)),
        (1, lambda x: -x),
        (1, lambda x: x - y),
        (2, lambda x: ns.where(x > 0, x, y)),
        (2, lambda x: ns.reshape(ns.reshape(x, (16,)), (4, 4))),
        (1, lambda x: x @ m),
        (3, lambda x: ns.concat([x[2:], x[:2]], axis=0)),
        (1, lambda x: ns.matrix_transpose(x)),
        (1, lambda x: x[::-1]),
        (2, lambda x: ns.astype(ns.astype(x, ns.float16), f32)),
        (2, lambda x: ns.multiply(x, ns.astype(ns.ones_like(x), f32))),
        (3, lambda x: x + ns.astype(ns.any(x > 0.9, axis=0), f32)),
    ]
    count = 0
    i = 0
    while count < n_ops:
        k, step = steps[i % len(steps)]
        x = step(x)
        count += k
        i += 1
    return x, count


def test_graph_of_10000_operations_runs_no_sync_point():
    y, n = _graph(xp, 10_000)
    assert n >= 10_000
    assert y.shape == (4, 4) and y.dtype == xp.float32  # known without computing
    assert xp.sync_stats().total == 0
    expected, _ = _graph(np, 10_000)
    xp.eval(y)
    assert xp.sync_stats() == {"explicit": 1, "conversion": 0, "data-dependent": 0, "export": 0}
    np.testing.assert_allclose(np.asarray(y), expected, rtol=1e-4, atol=1e-5)
    assert xp.sync_stats().total == 2


def test_long_graph_does_not_sync():
    y = _chain(2000)
    z = xp.where(y > 1.0, y, -y)[1:3]
    z = xp.reshape(xp.concat([z, z]), (2, 2)) @ xp.eye(2)
    assert y.shape == (4,) and z.shape == (2, 2)  # shapes are known without computing
    assert _lazy.counts() == {}


# --- the public sync points ---------------------------------------------------------

class _DLPackConsumer:
    """Consumes a DLPack capsule the way a library would."""

    @staticmethod
    def take(x):
        return np.from_dlpack(x)


def _torch_from_dlpack(x):
    import torch

    return torch.from_dlpack(x)


# (what, how to trigger it on x (a 1-d float array) / i (a 0-d int array), reason).
# The ``what`` strings are the first column of the table in docs/laziness.md.
SYNC_POINTS = [
    ("bool(x)", lambda x, i: bool(x[0]), "conversion"),
    ("int(x)", lambda x, i: int(i), "conversion"),
    ("float(x)", lambda x, i: float(x[0]), "conversion"),
    ("complex(x)", lambda x, i: complex(x[0]), "conversion"),
    ("operator.index(x)", lambda x, i: operator.index(i), "conversion"),
    ("x.tolist()", lambda x, i: x.tolist(), "conversion"),
    ("x.item()", lambda x, i: i.item(), "conversion"),
    ("x.numpy()", lambda x, i: x.numpy(), "conversion"),
    ("repr(x)", lambda x, i: repr(x), "conversion"),
    ("str(x)", lambda x, i: str(x), "conversion"),
    ("f\"{x}\"", lambda x, i: f"{x}", "conversion"),
    ("format(x, spec)", lambda x, i: format(i, "d"), "conversion"),
    ("np.asarray(x)", lambda x, i: np.asarray(x), "conversion"),
    ("x.__dlpack__()", lambda x, i: x.__dlpack__(), "export"),
    ("np.from_dlpack(x)", lambda x, i: _DLPackConsumer.take(x), "export"),
    ("torch.from_dlpack(x)", lambda x, i: _torch_from_dlpack(x), "export"),
    ("xp.to_torch(x)", lambda x, i: xp.to_torch(x), "export"),
    ("xp.eval(*arrays)", lambda x, i: xp.eval(x, i), "explicit"),
    ("xp.nonzero(x)", lambda x, i: xp.nonzero(x), "data-dependent"),
    ("x.nonzero()", lambda x, i: x.nonzero(), "data-dependent"),
    ("xp.unique_all(x)", lambda x, i: xp.unique_all(x), "data-dependent"),
    ("xp.unique_counts(x)", lambda x, i: xp.unique_counts(x), "data-dependent"),
    ("xp.unique_inverse(x)", lambda x, i: xp.unique_inverse(x), "data-dependent"),
    ("xp.unique_values(x)", lambda x, i: xp.unique_values(x), "data-dependent"),
    ("x[mask]", lambda x, i: x[x > 2], "data-dependent"),
    ("x[mask] = values", lambda x, i: x.__setitem__(x > 2, xp.asarray([1.0, 2.0])),
     "data-dependent"),
    ("xp.repeat(x, array)", lambda x, i: xp.repeat(x, xp.asarray([1, 0, 2])), "data-dependent"),
    # NumPy-only functions (np-math, docs/numpy_math.md)
    ("xp.argwhere(x)", lambda x, i: xp.argwhere(x), "data-dependent"),
    ("xp.flatnonzero(x)", lambda x, i: xp.flatnonzero(x), "data-dependent"),
    ("xp.unique(x)", lambda x, i: xp.unique(x, return_counts=True), "data-dependent"),
    ("xp.bincount(x)", lambda x, i: xp.bincount(xp.asarray([0, 2, 2])), "data-dependent"),
    ("xp.histogram(x, bins=\"auto\")", lambda x, i: xp.histogram(x, bins="auto"),
     "data-dependent"),
    # distributed (docs/distributed.md): one process is a group of size 1
    ("dist.barrier()", lambda x, i: _dist.barrier(), "explicit"),
    # NumPy's ufunc methods and index tricks (docs/numpy.md): Array indices read on the host
    ("xp.pow.at(x, array, v)", lambda x, i: xp.pow.at(x, xp.asarray([0, 0]), 2.0),
     "conversion"),
    ("xp.add.reduceat(x, array)", lambda x, i: xp.add.reduceat(x, xp.asarray([0, 2])),
     "conversion"),
    ("xp.put(x, array, v)", lambda x, i: xp.put(x, xp.asarray([0, 2]), 1.0), "conversion"),
    ("xp.place(x, mask, [])", lambda x, i: xp.place(x, x > 9, []), "conversion"),
    ("xp.ndenumerate(x)", lambda x, i: list(xp.ndenumerate(x)), "conversion"),
    # NumPy functions of NumPy scripts (docs/numpy.md)
    ("xp.unique(x, axis=0)", lambda x, i: xp.unique(xp.stack([x, x]), axis=0),
     "data-dependent"),
    ("xp.setdiff1d(x, y)", lambda x, i: xp.setdiff1d(x, x[:1]), "data-dependent"),
    ("xp.intersect1d(x, y)", lambda x, i: xp.intersect1d(x, x[1:]), "data-dependent"),
    ("xp.union1d(x, y)", lambda x, i: xp.union1d(x, x[1:]), "data-dependent"),
    ("xp.setxor1d(x, y)", lambda x, i: xp.setxor1d(x, x[1:]), "data-dependent"),
    ("xp.trim_zeros(x)", lambda x, i: xp.trim_zeros(x), "data-dependent"),
    ("xp.delete(x, array)", lambda x, i: xp.delete(x, xp.asarray([0])), "data-dependent"),
    ("xp.insert(x, array, v)", lambda x, i: xp.insert(x, xp.asarray([0]), 1.0),
     "data-dependent"),
    ("xp.roots(p)", lambda x, i: xp.roots(x), "data-dependent"),
    ("xp.poly1d(array)", lambda x, i: xp.poly1d(x), "data-dependent"),
    ("xp.polydiv(u, v)", lambda x, i: xp.polydiv(x, x[:2]), "data-dependent"),
    ("xp.vectorize(f)(x)", lambda x, i: xp.vectorize(lambda v: v + 1)(x), "conversion"),
    ("xp.save(file, x)", lambda x, i: xp.save(_NullFile(), x), "conversion"),
]


class _NullFile:
    """A writable binary file that forgets what it is given."""

    def write(self, data) -> int:
        return len(data)


@pytest.mark.parametrize("what,trigger,reason", SYNC_POINTS, ids=[s[0] for s in SYNC_POINTS])
def test_sync_point_counts_once_with_its_reason(what, trigger, reason):
    x = xp.arange(3, dtype=xp.float32) * 2 + 1
    i = xp.asarray(1) + 0
    assert xp.sync_stats().total == 0
    trigger(x, i)
    stats = xp.sync_stats()
    assert stats[reason] == 1, (what, dict(stats))
    assert stats.total == 1, (what, dict(stats))


def _doc_sync_table() -> dict[str, str]:
    """First column -> reason, from the sync-point table of docs/laziness.md."""
    text = (ROOT / "docs" / "laziness.md").read_text()
    section = text.split("## Sync points", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for m in re.finditer(r"^\| `(.+?)` \| `([a-z-]+)`[^|]*\|", section, re.M):
        rows[m.group(1)] = m.group(2)
    return rows


def test_sync_point_table_matches_docs():
    documented = _doc_sync_table()
    tested = {what: reason for what, _, reason in SYNC_POINTS}
    assert documented == tested


# Operations that must stay lazy, as (what, fn(x, i, m)) with x a float vector,
# i an int vector and m a 2x3 float matrix. Add one line per new lazy function.
LAZY_OPERATIONS = [
    ("arithmetic and comparisons", lambda x, i, m: (x + 1) * 2 - x / 3 < x ** 2),
    ("int/slice/None/... indexing", lambda x, i, m: (m[0, 1:], m[..., None], x[::-1])),
    ("integer-array indexing", lambda x, i, m: x[i]),
    ("__setitem__", lambda x, i, m: x.__setitem__(slice(0, 2), 7.0)),
    ("shape, ndim, size, len, iter", lambda x, i, m: (m.shape, m.ndim, m.size, len(m), list(m))),
    ("astype, to_device, mT", lambda x, i, m: (xp.astype(m, xp.float16), x.to_device(x.device),
                                               m.mT)),
    ("creation", lambda x, i, m: (xp.zeros((2, 2)), xp.ones_like(x), xp.eye(3), xp.arange(5),
                                  xp.linspace(0, 1, 5), xp.full((2,), 3.0), xp.tril(m))),
    ("asarray of an array, of NumPy, of a list", lambda x, i, m: (
        xp.asarray(x), xp.asarray(np.ones(3)), xp.asarray([1.0, 2.0]))),
    ("where, reshape, concat, broadcast", lambda x, i, m: (
        xp.where(x > 1, x, 0.0), xp.reshape(m, (3, 2)), xp.concat([x, x]),
        xp.broadcast_to(x, (2, 3)))),
    ("matmul", lambda x, i, m: m @ x),
    ("manipulation", lambda x, i, m: (
        xp.expand_dims(x, axis=0), xp.flip(m), xp.moveaxis(m, 0, 1), xp.permute_dims(m, (1, 0)),
        xp.repeat(x, 2), xp.roll(x, 1), xp.squeeze(m[None], axis=0), xp.stack([x, x]),
        xp.tile(x, (2,)), xp.unstack(m))),
    ("take, take_along_axis, x[mask] = scalar", lambda x, i, m: (
        xp.take(x, i), xp.take_along_axis(m, xp.zeros((2, 1), dtype=xp.int64), axis=1),
        x.__setitem__(x > 2, 0.0))),
    ("searching and sorting", lambda x, i, m: (
        xp.argmax(x), xp.argmin(m, axis=1), xp.count_nonzero(x), xp.searchsorted(x, x),
        xp.sort(x, descending=True), xp.argsort(m, axis=0))),
    ("statistics", lambda x, i, m: (
        xp.sum(m), xp.prod(x), xp.max(m, axis=0), xp.min(x), xp.mean(m), xp.var(x),
        xp.std(m, correction=1), xp.cumulative_sum(x), xp.cumulative_prod(m, axis=1))),
    ("isin", lambda x, i, m: xp.isin(x, i)),
    ("all, any, diff", lambda x, i, m: (xp.all(x), xp.any(m, axis=0), xp.diff(x))),
    ("array methods", lambda x, i, m: (
        m.sum(axis=0), m.reshape(3, 2), m.transpose(), m.swapaxes(0, 1), m.ravel(), m.squeeze(),
        m.mean(), m.std(ddof=1), m.max(axis=1), m.argmax(), x.cumsum(), m.argsort(), m.dot(x),
        m.diagonal(), m.trace(), x.round(1), x.clip(0, 1), x.copy(), x.astype(float), x.float(),
        x.sort(), x.fill(2.0), x.numel(), x.nbytes)),
    ("compile (call of a compiled function)", lambda x, i, m: _compiled_axpy(x, m)),
    ("NumPy names (docs/numpy.md)", lambda x, i, m: (
        xp.split(m, 3, axis=1), xp.hstack([x, x]), xp.pad(m, 1, "reflect"), xp.diag(x),
        xp.triu_indices(3), xp.transpose(m), xp.around(x, 1), xp.cumsum(m), xp.logspace(0, 1, 3),
        xp.absolute([1, -2]))),
    ("xp.random", lambda x, i, m: (
        xp.random.default_rng(0).normal(size=3), xp.random.rand(2), xp.random.randint(5, size=2),
        xp.random.choice(x, 2, replace=False, p=[0.2, 0.3, 0.5]), xp.random.permutation(x),
        xp.random.shuffle(m))),
    ("NumPy-only math (np-math)", lambda x, i, m: (
        xp.fmod(x, 2.0), xp.sinc(x), xp.allclose(m, m), xp.dot(m, x), xp.einsum("ij->i", m),
        xp.interp(x, x, x), xp.nanmean(m, axis=0), xp.percentile(m, 50, axis=1),
        xp.median(x), xp.cov(m), xp.average(x, weights=x), xp.histogram(x, bins=4),
        xp.histogram(x, bins=[0.0, 1.5, 4.0], range=(0, 4)), xp.bincount(i, length=3),
        xp.linalg.norm(m), xp.linalg.lstsq(m.mT, x))),
    ("ufunc methods and out=/where=/dtype=", lambda x, i, m: (
        xp.add.reduce(m, axis=0), xp.maximum.reduce(m, axis=None), xp.subtract.reduce(x),
        xp.bitwise_or.reduce(xp.astype(m, xp.int32), axis=1), xp.add.accumulate(m, axis=1),
        xp.maximum.accumulate(x), xp.subtract.accumulate(x), xp.multiply.outer(x, x),
        xp.add.at(xp.zeros(3), i, 1.0), xp.add.at(m, (0, [1, 1]), 2.0),
        xp.multiply(x, x, x), xp.add(x, 1.0, out=x, where=x > 1), xp.sin(x, dtype=xp.float64),
        x ** 3, xp.asarray([1j, 2j]) ** 2)),
    ("NumPy index tricks", lambda x, i, m: (
        xp.put(m, [0, 0, 5], [1.0, 2.0]), xp.put(m, i, 3.0, mode="wrap"),
        xp.putmask(m, m > 2, [7.0]), xp.place(x, x > 1, [5.0, 6.0]), xp.copyto(m, x[:1]),
        xp.mgrid[0:3, 0:2:3j], xp.ogrid[0:2, 0:3], xp.r_[x, 0.0, 1:3], xp.c_[x, x],
        xp.tile(x, 2), list(xp.ndindex(2, 2)))),
    ("NumPy functions of NumPy scripts (docs/numpy.md)", lambda x, i, m: (
        xp.select([x > 1], [x], 0.0), xp.digitize(x, [1.5, 2.5]), xp.partition(x, 1),
        xp.lexsort([x, x]), xp.unravel_index(i, (2, 3)), xp.gradient(m), xp.trapezoid(m),
        xp.convolve(x, x), xp.correlate(x, x, "full"), xp.cross(m, m), xp.delete(m, 1, 1),
        xp.insert(x, [0, 2], 5.0), xp.block([[m, m]]), xp.meshgrid(x, x, sparse=True),
        xp.fromfunction(lambda a, b: a + b, (2, 2)), xp.packbits(i > 0),
        xp.lib.stride_tricks.sliding_window_view(x, 2), xp.polyfit(x, x, 1),
        xp.polyval(x, x), xp.polynomial.Chebyshev.fit(x, x, 1)(x),
        xp.apply_along_axis(xp.sum, 1, m))),
]


@xp.compile
def _compiled_axpy(x, m):
    return m * 2.0 + x


@pytest.mark.parametrize("what,fn", LAZY_OPERATIONS, ids=[s[0] for s in LAZY_OPERATIONS])
def test_operation_is_not_a_sync_point(what, fn):
    x = xp.asarray([1.0, 2.0, 3.0])
    i = xp.asarray([2, 0, -1])
    m = xp.reshape(xp.arange(6, dtype=xp.float32), (2, 3))
    fn(x, i, m)
    assert xp.sync_stats().total == 0, what


# --- the counters API ------------------------------------------------------------------


def test_explicit_eval_counts_one_sync():
    y = _chain(2000)
    xp.eval(y)
    assert _lazy.counts() == {"explicit": 1}
    xp.eval(y, y + 1)  # several arrays at once: still one sync point
    assert _lazy.counts() == {"explicit": 2}
    with pytest.raises(TypeError):
        xp.eval([1.0])


def test_conversion_counts_one_sync():
    y = _chain(2000)[0]
    value = float(y)
    assert _lazy.counts() == {"conversion": 1}
    expected = 1.0
    for _ in range(2000):
        expected = np.float32(np.float32(expected * np.float32(1.0001)) + np.float32(0.5))
    np.testing.assert_allclose(value, float(expected), rtol=1e-3)


def test_numpy_export_counts_a_conversion():
    x = xp.arange(3) * 2
    assert _lazy.counts() == {}
    np.testing.assert_array_equal(np.asarray(x), [0, 2, 4])
    assert _lazy.counts() == {"conversion": 1}


def test_bfloat16_export_is_one_sync_or_refused_before_any():
    x = xp.astype(xp.arange(3, dtype=xp.float32) / 2, xp.bfloat16)
    try:
        got = np.asarray(x)
    except TypeError:  # no ml_dtypes: bfloat16 has no NumPy dtype, nothing was evaluated
        assert xp.sync_stats().total == 0
    else:
        np.testing.assert_array_equal(got.astype(np.float32), [0, 0.5, 1])
        assert xp.sync_stats().total == 1


def test_dlpack_copy_is_one_export():
    x = xp.arange(3, dtype=xp.float32) + 1
    got = np.from_dlpack(_CopyingProducer(x))
    np.testing.assert_array_equal(got, [1, 2, 3])
    assert xp.sync_stats() == {"export": 1, "conversion": 0, "explicit": 0, "data-dependent": 0}


class _CopyingProducer:
    def __init__(self, x):
        self.x = x

    def __dlpack__(self, **kwargs):
        return self.x.__dlpack__(copy=True, **kwargs)

    def __dlpack_device__(self):
        return self.x.__dlpack_device__()


def test_sync_stats_is_a_read_only_mapping_with_total():
    stats = xp.sync_stats()
    assert dict(stats) == {"conversion": 0, "data-dependent": 0, "explicit": 0, "export": 0}
    assert stats.total == 0
    x = xp.arange(3)
    float(x[0])
    repr(x)
    xp.eval(x)
    after = xp.sync_stats()
    assert after["conversion"] == 2 and after["explicit"] == 1 and after.total == 3
    assert stats.total == 0  # a snapshot: earlier results do not change
    assert (after - stats) == after
    with pytest.raises(TypeError):
        after["conversion"] = 0  # type: ignore[index]
    assert "total=3" in repr(after)


def test_sync_stats_reset():
    float(xp.asarray(1.0))
    assert xp.sync_stats(reset=True).total == 1  # the snapshot is taken before the reset
    assert xp.sync_stats().total == 0
    float(xp.asarray(1.0))
    xp.reset_sync_stats()
    assert xp.sync_stats().total == 0
    assert _lazy.counts() == {}


def test_reset_clears_counters():
    float(xp.asarray(1.0))
    assert _lazy.counts() == {"conversion": 1}
    _lazy.reset()
    assert _lazy.counts() == {}


def test_failed_conversion_is_not_counted():
    with pytest.raises(TypeError):
        float(xp.ones((2,)))  # not 0-d: refused before any evaluation
    with pytest.raises(ValueError):
        bool(xp.ones((2,)))  # ambiguous
    assert xp.sync_stats().total == 0


# --- the source: nothing evaluates outside _lazy.materialize -------------------------------

# Functions that call an evaluating-looking function on data that is not an MLX
# array, with the reason. (A tmath Array met there converts through
# Array.__array__, itself a counted sync point.)
FOREIGN_INPUT = {
    ("torch/_creation.py", "_as_dtype_value"): "a Python number rounded to a dtype on the host",
    ("_array/args.py", "_int_vector"): "1-D NumPy integer arrays given as shapes or axes",
    ("_numpy/array_methods.py", "fill"): "a NumPy scalar or 0-d NumPy array as the value",
    ("_numpy/bind.py", "setitem"): "a NumPy float64/complex128 scalar as the value",
    ("torch/_creation.py", "arange"): "NumPy scalars as bounds (an Array goes through "
                                      "float()/int(): counted)",
    ("_array/scalars.py", "scalar_value"): "np.array of a Python int beyond int64",
    ("_interop/convert.py", "scalar_array"): "np.array of a Python int beyond int64",
    ("_interop/convert.py", "to_array"): "NumPy arrays, buffers and __array__ objects",
    ("_interop/convert.py", "_from_sequence"): "nested Python sequences",
    ("_interop/numpy_dlpack.py", "foreign_to_numpy"): "DLPack producers of other libraries",
    ("_interop/numpy_dlpack.py", "from_numpy"): "NumPy arrays (made contiguous before the "
                                                "copy into MLX)",
    ("_interop/numpy_dlpack.py", "host_view"): "DLPack producers of other libraries",
    ("_interop/torch_tensors.py", "_to_host"): "PyTorch tensors on an accelerator",
    ("_interop/torch_tensors.py", "from_torch"): "PyTorch tensors",
    ("torch/nn/layers.py", "forward"): "BatchNorm(momentum=None) reads its batch count "
                                       "with Tensor.item (materialises, counted)",
    ("torch/serialization.py", "save"): "the JSON text of the checkpoint's layout",
    ("torch/serialization.py", "load"): "the layout member NumPy read from the file",
    ("_numpy/ufuncs.py", "host_index"): "index arguments given as Python sequences or NumPy "
                                        "arrays (an Array goes through to_numpy: counted)",
    ("_array/indexing.py", "host_keys"): "index lists and NumPy index arrays",
    ("_array/array.py", "host_element"): "an MLX array evaluated at a sync point before "
                                         "(lazy.is_evaluated): its buffer is read as it is",
    ("_numpy/array_methods.py", "repeat"): "repeats given as a Python list or NumPy array",
    ("_numpy/array_methods.py", "put"): "indices given as Python ints, lists or NumPy arrays",
    ("_numpy/selecting.py", "_host_data"): "Python or NumPy indices, checked on the host",
    ("_numpy/construct.py", "frombuffer"): "bytes and buffers",
    ("_numpy/construct.py", "_back"): "the NumPy result of numpy.vectorize",
    ("_numpy/io.py", "_land"): "what NumPy read from a file",
    ("_numpy/polynomial.py", "_host_coeffs"): "poly1d coefficients given as Python data",
    # The PyTorch face: Tensor.item/tolist/format call Array.item/tolist (which
    # materialise, counted); the printer formats NumPy values that tensor_repr read with
    # one counted conversion.
    ("torch/_methods.py", "_item"): "Array.item of a 0-d view (materialises)",
    ("torch/_ops.py", "number"): "Tensor.item of a 0-d tensor given as a number (materialises)",
    ("torch/_methods.py", "_tolist"): "Array.tolist (materialises)",
    ("torch/_methods.py", "__format__"): "Tensor.item (materialises)",
    ("torch/_printing.py", "_vector_str"): "NumPy host values",
    ("torch/_printing.py", "_tensor_str_fmt"): "NumPy host values",
    ("torch/_printing.py", "__init__"): "NumPy host values (_Formatter)",
}

_EVALUATING_METHODS = {"item", "tolist", "__dlpack__", "__array__"}
_NUMPY_CONVERTERS = {"asarray", "array", "from_dlpack", "frombuffer", "ascontiguousarray"}
_MLX_METADATA = {"is_available", "default_device", "default_stream", "issubdtype",
                 "Device", "Dtype", "finfo", "iinfo"}


def _is_mlx_value(node) -> bool:
    """Whether ``node`` is an MLX array expression: ``<x>._array`` or a call of ``mx.<op>``."""
    if isinstance(node, ast.Attribute) and node.attr == "_array":
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "mx":
        return node.func.attr not in _MLX_METADATA
    return False


def _truth_tested(test) -> bool:
    """Whether a condition asks Python for the truth of an MLX array (a hidden eval)."""
    if _is_mlx_value(test):
        return True
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        return _truth_tested(test.operand)
    if isinstance(test, ast.BoolOp):
        return any(_truth_tested(v) for v in test.values)
    if isinstance(test, ast.Compare):
        if all(isinstance(op, (ast.Is, ast.IsNot)) for op in test.ops):
            return False  # identity, not a value
        return any(_is_mlx_value(v) for v in [test.left, *test.comparators])
    return False


def _own_nodes(fn):
    """The nodes of a function's body, not descending into nested functions."""
    todo = list(ast.iter_child_nodes(fn))
    while todo:
        n = todo.pop()
        yield n
        if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            todo.extend(ast.iter_child_nodes(n))


def _evaluating(node) -> str | None:
    """What evaluates an MLX array in ``node``, if anything."""
    if isinstance(node, (ast.If, ast.While, ast.IfExp, ast.Assert)) and _truth_tested(node.test):
        return "the truth value of an MLX array"
    if not isinstance(node, ast.Call):
        return None
    f = node.func
    if isinstance(f, ast.Attribute):
        base = f.value.id if isinstance(f.value, ast.Name) else None
        if base == "mx" and f.attr in ("eval", "async_eval"):
            return f"mx.{f.attr}"
        if f.attr in _EVALUATING_METHODS:
            return f".{f.attr}()"
        if base in ("np", "numpy") and f.attr in _NUMPY_CONVERTERS:
            return f"np.{f.attr}"
    elif isinstance(f, ast.Name):
        if f.id in ("memoryview", "bytes"):
            return f.id
        if f.id in ("bool", "int", "float", "complex") and node.args \
                and _truth_tested(node.args[0]):
            return f"{f.id}() of an MLX array"
    return None


def _evaluating_calls():
    """(file, function, line, what) for each evaluating call outside a materialising function."""
    found = []
    for path in sorted((ROOT / "tmath_array").rglob("*.py")):
        rel = path.relative_to(ROOT / "tmath_array").as_posix()
        tree = ast.parse(path.read_text())
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            nodes = list(_own_nodes(fn))
            materializes = any(isinstance(n, ast.Attribute) and n.attr == "materialize"
                               for n in nodes)
            if (rel, fn.name) == ("_runtime/lazy.py", "materialize") or materializes \
                    or (rel, fn.name) in FOREIGN_INPUT:
                continue
            for n in nodes:
                what = _evaluating(n)
                if what:
                    found.append((rel, fn.name, n.lineno, what))
    return found


def test_only_materialize_evaluates():
    """Every evaluating call sits in a function that calls ``_lazy.materialize`` first.

    If this fails for new code: route the evaluation through
    ``_lazy.materialize(reason, *mx_arrays)`` (which counts it), or, for data
    that never is an MLX array, add the function to FOREIGN_INPUT with why.
    """
    assert _evaluating_calls() == []


def test_audit_catches_evaluating_calls():
    """The scan itself finds each kind of evaluation it looks for."""
    src = '''
def f(x, a):
    mx.eval(a)
    v = x._array.item()
    n = np.asarray(x._array)
    if mx.any(a):
        pass
    b = bool(x._array == 0)
    m = memoryview(a)
    ok = x._array.shape[0] if mx.is_available(mx.gpu) else 0
'''
    nodes = list(_own_nodes(ast.parse(src).body[0]))
    kinds = sorted(w for w in map(_evaluating, nodes) if w)
    assert kinds == sorted(["mx.eval", ".item()", "np.asarray", "the truth value of an MLX array",
                            "bool() of an MLX array", "memoryview"])
