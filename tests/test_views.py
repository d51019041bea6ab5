"""Views: writes through basic indexing, transposes, reshapes, diagonals, real/imag and
dtype views reach their base, and the other way round, as in NumPy (the oracle).

The property test runs random programs: views of views, setitems and in-place
operators on any array of the program, comparing every array with NumPy's after every
step, over every dtype NumPy shares with tmath_array and 0-4 dimensions.
"""

from __future__ import annotations

import threading

import mlx.core as mx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tmath_array as xp

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "bfloat16", "float32", "float64", "complex64"]


def _np_dtype(name: str) -> np.dtype:
    if name == "bfloat16":
        import ml_dtypes  # (a test dependency: NumPy has no bfloat16)

        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def _kind(dtype) -> str:
    """NumPy's kind letter, with ml_dtypes' bfloat16 ('V') counted as floating."""
    d = np.dtype(dtype)
    return "f" if d.name == "bfloat16" else d.kind


def _same(a, b) -> None:
    got = np.asarray(a)
    assert got.shape == b.shape and got.dtype == b.dtype, (got.shape, b.shape, got.dtype)
    np.testing.assert_array_equal(got, b)


def _values(draw, shape, dtype):
    n = int(np.prod(shape))
    vals = draw(st.lists(st.integers(0, 5), min_size=n, max_size=n))
    return np.array(vals).reshape(shape).astype(_np_dtype(str(dtype)))


def _slice(draw, n):
    start = draw(st.none() | st.integers(-n - 1, n + 1))
    stop = draw(st.none() | st.integers(-n - 1, n + 1))
    step = draw(st.none() | st.sampled_from([1, 2, -1, -2, 3]))
    return slice(start, stop, step)


def _basic_key(draw, shape):
    """A random basic index for ``shape``: ints in range, slices, None and at most one ..."""
    key = []
    axis = 0
    ellipsis = False
    while axis < len(shape) and draw(st.booleans()):
        kind = draw(st.sampled_from(["int", "slice", "slice", "none", "ellipsis"]))
        if kind == "int" and shape[axis] > 0:
            key.append(draw(st.integers(-shape[axis], shape[axis] - 1)))
            axis += 1
        elif kind == "none":
            key.append(None)
        elif kind == "ellipsis" and not ellipsis:
            ellipsis = True
            key.append(Ellipsis)
            break  # what follows the ellipsis would index the last axes; keep it simple
        else:
            key.append(_slice(draw, shape[axis]))
            axis += 1
    return tuple(key)


def _scalar(dtype):
    kind = _kind(dtype)
    if kind == "b":
        return True
    if kind in "iu":
        return 3
    if kind == "f":
        return 1.5
    return 1.5 + 2j


def _view_kinds(nd: int, dtype: str) -> list[str]:
    kinds = ["key", "key", "key"]
    if nd >= 2:
        kinds += ["T", "swap", "diag"]
    if nd >= 1:
        kinds += ["reshape", "perm"]
    if dtype == "complex64":
        kinds += ["real", "imag"]
    if dtype in ("int32", "float32", "uint32"):
        kinds += ["dtype"]
    return kinds


def _make_view(draw, a, b, dtype):
    """A view of tmath ``a`` and NumPy ``b`` made the same way, or None."""
    kind = draw(st.sampled_from(_view_kinds(b.ndim, dtype)))
    if kind == "key":
        key = _basic_key(draw, b.shape)
        vb = b[key]
        if not isinstance(vb, np.ndarray):  # NumPy's scalar: a copy, not a view
            return None
        return a[key], vb
    if kind == "T":
        return (a.T, b.T) if b.ndim == 2 else (a.mT, np.swapaxes(b, -1, -2))
    if kind == "swap":
        i = draw(st.integers(0, b.ndim - 1))
        j = draw(st.integers(0, b.ndim - 1))
        return xp.swapaxes(a, i, j), np.swapaxes(b, i, j)
    if kind == "perm":
        perm = draw(st.permutations(list(range(b.ndim))))
        return xp.permute_dims(a, tuple(perm)), np.transpose(b, perm)
    if kind == "diag":
        k = draw(st.integers(-2, 2))
        vb = b.diagonal(k)
        if b.flags.writeable:
            vb.flags.writeable = True  # NumPy's diagonal is read-only; here it is writable
        return a.diagonal(k), vb
    if kind == "reshape":
        if b.size == 0:
            return None
        shape = draw(st.sampled_from([(-1,), (1, -1), (-1, 1)] +
                                     ([(b.shape[0], -1)] if b.ndim > 1 else [])))
        vb = b.reshape(shape)
        va = a.reshape(shape)
        # A reshape is a view exactly where NumPy's is.
        assert xp.shares_memory(va, a) == np.shares_memory(vb, b)
        return va, vb
    if kind == "real":
        return a.real, b.real
    if kind == "imag":
        return a.imag, b.imag
    target = {"int32": "float32", "float32": "uint32", "uint32": "int32"}[dtype]
    return a.view(getattr(xp, target)), b.view(target)


def _write(draw, a, b):
    """One write to the pair (a, b): a setitem or an in-place operator."""
    kind = _kind(b.dtype)
    what = draw(st.sampled_from(["setitem", "setitem_array", "iop", "fill"]))
    if what == "fill":
        v = _scalar(b.dtype)
        a.fill(v)
        b.fill(v)
        return
    if what == "iop":
        v = _scalar(b.dtype)
        if kind == "b":
            op = draw(st.sampled_from(["|=", "&=", "^="]))
        elif kind in "iu":
            op = draw(st.sampled_from(["+=", "-=", "*=", "|="]))
        elif kind == "f":
            op = draw(st.sampled_from(["+=", "-=", "*="]))
        else:
            op = draw(st.sampled_from(["+=", "-="]))
        ns = {"a": a, "b": b, "v": v}
        exec(f"a {op} v\nb {op} v", ns)  # noqa: S102 - a fixed operator from the list
        return
    key = _basic_key(draw, b.shape)
    target = b[key]
    if what == "setitem_array" and np.ndim(target):
        v = _values(draw, np.shape(target), b.dtype)
        a[key] = xp.asarray(v)
        b[key] = v
    else:
        v = _scalar(b.dtype)
        a[key] = v
        b[key] = v


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.data_too_large])
@given(data=st.data())
def test_random_programs_of_views_and_writes(data):
    draw = data.draw
    dtype = draw(st.sampled_from(DTYPES), label="dtype")
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=0, max_size=4), label="shape"))
    b0 = _values(draw, shape, dtype)
    pool = [(xp.asarray(b0), b0.copy())]
    for _ in range(draw(st.integers(1, 10), label="steps")):
        i = draw(st.integers(0, len(pool) - 1))
        a, b = pool[i]
        if draw(st.booleans()):
            made = _make_view(draw, a, b, dtype if b.dtype == _np_dtype(dtype) else b.dtype.name)
            if made is not None:
                pool.append(made)
        else:
            _write(draw, a, b)
        for a, b in pool:
            _same(a, b)
    # Which arrays share elements: the same answers as NumPy's.
    for a1, b1 in pool:
        for a2, b2 in pool:
            if b1.dtype.itemsize == b2.dtype.itemsize:
                assert xp.shares_memory(a1, a2) == np.shares_memory(b1, b2)


# --- the cases the issue names ----------------------------------------------------------

def test_row_and_block_writes_reach_the_base():
    a = np.arange(20.0).reshape(4, 5)
    x = xp.asarray(a)
    row = x[1]
    row *= 2
    a[1] *= 2
    u = x[1:, 1:]
    u += 1
    a[1:, 1:] += 1
    x.T[0] = -1
    a.T[0] = -1
    _same(x, a)
    _same(row, a[1])
    _same(u, a[1:, 1:])


def test_mask_write_through_a_slice():
    rng = np.random.default_rng(0)
    z = rng.integers(0, 2, (16, 24))
    x = xp.asarray(z)
    mask = rng.integers(0, 2, (14, 22)).astype(bool)
    x[1:-1, 1:-1][xp.asarray(mask)] = 7
    z[1:-1, 1:-1][mask] = 7
    _same(x, z)


def test_write_to_the_base_reaches_its_views():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    x = xp.asarray(a)
    views = [x[1], x[:, ::-2], x.mT, x[..., 1], x.reshape(6, 4), xp.moveaxis(x, 0, -1)]
    mirrors = [a[1], a[:, ::-2], np.swapaxes(a, -1, -2), a[..., 1], a.reshape(6, 4),
               np.moveaxis(a, 0, -1)]
    x[0, 1:] = 100
    a[0, 1:] = 100
    x += 1
    a += 1
    for v, m in zip(views, mirrors):
        _same(v, m)


def test_advanced_indexing_is_a_copy():
    a = np.arange(10)
    x = xp.asarray(a)
    c = x[xp.asarray([1, 2])]
    c += 100
    m = x[x > 4]
    m[...] = 0
    _same(x, a)
    assert c.base is None and not xp.shares_memory(c, x)


def test_base_copy_and_shares_memory():
    x = xp.arange(12).reshape(3, 4)
    v = x[1:][:, 2:]
    assert v.base is x and x.base is None
    assert xp.shares_memory(v, x) and xp.may_share_memory(v, x)
    assert not xp.shares_memory(x[0], x[1]) and xp.may_share_memory(x[0], x[1])
    c = v.copy()
    c += 1
    assert c.base is None and not xp.shares_memory(c, x)
    _same(x, np.arange(12, dtype=np.int32).reshape(3, 4))
    # A NumPy array and anything else: NumPy's answer, or False.
    n = np.arange(3)
    assert xp.shares_memory(n, n[1:]) and not xp.shares_memory(n, 3)


def test_reshape_view_or_copy_as_numpy():
    a = np.arange(12).reshape(3, 4)
    x = xp.asarray(a)
    t = x.T.reshape(-1)  # NumPy: a copy (the transpose is not contiguous)
    t[0] = 99
    r = x.reshape(4, 3)  # a view
    r[0, 0] = -5
    a.reshape(4, 3)[0, 0] = -5
    _same(x, a)
    with pytest.raises(ValueError):
        xp.reshape(x.T, (12,), copy=False)
    assert xp.shares_memory(x[:, :2].ravel(), x) is False
    assert xp.shares_memory(x.ravel(), x)


def test_shape_assignment():
    a = np.arange(12)
    x = xp.asarray(a)
    v = x[::2]
    x.shape = (3, 4)
    a.shape = (3, 4)
    x[1] = 0
    a[1] = 0
    _same(x, a)
    _same(v, a.reshape(-1)[::2])
    v.shape = (2, 3)
    _same(v, a.reshape(-1)[::2].reshape(2, 3))
    with pytest.raises(AttributeError):
        x.T.shape = (12,)
    with pytest.raises(AttributeError):
        a.T.shape = (12,)
    with pytest.raises(ValueError):
        x.shape = (5,)
    with pytest.raises(ValueError):
        a.shape = (5,)


def test_diagonal_real_imag_dtype_and_flat():
    a = np.zeros((3, 4), dtype=np.float32)
    x = xp.asarray(a)
    x.diagonal()[...] = 1  # (NumPy's diagonal is read-only: fill_diagonal instead)
    np.fill_diagonal(a, 1)
    d = x.diagonal(1)
    d += 2
    a[[0, 1, 2], [1, 2, 3]] += 2
    _same(x, a)
    z = np.array([1 + 2j, -3 + 0.5j, np.inf + 1j], dtype=np.complex64)
    w = xp.asarray(z)
    w.real[1] = 10
    z.real[1] = 10
    w.imag *= 2
    z.imag *= 2
    w.imag = 7  # setter
    z.imag = 7
    _same(w, z)
    i = np.arange(6, dtype=np.int32)
    k = xp.asarray(i)
    k.view(xp.float32)[2] = 1.0
    i.view(np.float32)[2] = 1.0
    k.view(xp.uint8)[::4] = 255
    i.view(np.uint8)[::4] = 255
    _same(k, i)
    k.flat[1:4] = 0
    i.flat[1:4] = 0
    k.flat = [5, 6]
    i.flat = [5, 6]
    _same(k, i)
    _same(k.flat[::2], i.flat[::2])
    assert list(map(int, k.flat)) == list(i.flat)
    with pytest.raises(ValueError):
        i.reshape(2, 3)[:, ::2].view(np.int64)
    with pytest.raises(ValueError):
        xp.asarray(i).reshape(2, 3)[:, ::2].view(xp.int64)
    _same(xp.asarray(i).reshape(2, 3)[:, 1:].view(xp.int64),
          i.reshape(2, 3)[:, 1:].view(np.int64))


def test_torch_style_view_of_a_shape():
    x = xp.arange(6.0)
    v = x.view(2, 3)
    v[1] = 0
    assert x.tolist() == [0, 1, 2, 0, 0, 0]
    assert x.view(-1).shape == (6,)
    with pytest.raises(ValueError):
        x.view(2, 3).T.view(6)


def test_sort_and_put_write_through():
    a = np.array([[3, 1, 2], [9, 7, 8]])
    x = xp.asarray(a)
    x[1].sort()
    a[1].sort()
    x[:, 0].put([0, 1], [-1, -2])
    a[:, 0].put([0, 1], [-1, -2])  # NumPy: a[:, 0] is a view; put writes through it
    _same(x, a)


def test_no_sync_point_in_views_and_writes():
    x = xp.arange(24.0).reshape(4, 6)
    v = x[1:, ::2]
    t = x.T
    xp.eval(x, v, t)
    before = xp.sync_stats()
    v += 1
    t[0] = 5
    x[2] = 3
    d = x.diagonal()
    d *= 2
    assert (xp.sync_stats() - before).total == 0


def test_a_dead_view_is_forgotten():
    import gc

    from tmath_array._array import views

    x = xp.zeros(5)
    for _ in range(100):
        v = x[1:]
        v += 1
    assert len(views._ROOTS[id(x)]) == 1
    del v
    gc.collect()
    assert id(x) not in views._ROOTS
    assert x.tolist() == [0, 100, 100, 100, 100]


# --- exports, compile, threads ------------------------------------------------------

def test_numpy_export_of_a_view_is_read_only():
    x = xp.arange(6.0)
    v = x[1:]
    e = np.asarray(v)
    assert not e.flags.writeable
    with pytest.raises(ValueError):
        e[0] = 1
    eb = np.asarray(x)  # a base with live views: read-only too
    assert not eb.flags.writeable
    del v, e, eb
    y = xp.arange(3.0)
    xp.eval(y)
    ny = np.asarray(y)  # no view: a writable zero-copy export, writes reach y
    ny[0] = 42
    assert y.tolist() == [42.0, 1.0, 2.0]


def test_dlpack_and_array_export_current_values():
    x = xp.arange(6.0)
    v = x[::2]
    x[...] = 1
    assert np.asarray(v).tolist() == [1, 1, 1]
    assert np.from_dlpack(v).tolist() == [1, 1, 1]


def test_view_written_inside_compile():
    @xp.compile
    def f(a):
        a = a + 0  # the input itself is not changed by a compiled function
        a[1:] += 1
        a.T[0] = 0 if a.ndim == 2 else a.T[0]
        return a

    a = np.arange(12.0).reshape(3, 4)
    out = f(xp.asarray(a))
    b = a + 0
    b[1:] += 1
    b.T[0] = 0
    _same(out, b)

    @xp.compile
    def g(a):
        v = a[1:]
        v *= 10  # writes the traced input, not the caller's array (docs/views.md)
        return a + 0

    x = xp.asarray(a)
    _same(g(x), np.concatenate([a[:1], a[1:] * 10]))
    _same(g(x), np.concatenate([a[:1], a[1:] * 10]))  # the cached trace: the same
    _same(x, a)


def test_views_shared_between_threads():
    x = xp.zeros((4, 8))
    rows = [x[i] for i in range(4)]
    xp.eval(x, *rows)
    errors = []

    def work(i):
        try:
            rows[i] += i + 1  # writes the shared base through a view
            # The write made the base and all its views lazy in this thread (MLX's
            # streams are per thread): evaluate them here before another thread reads.
            xp.eval(x, *rows)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    lock = threading.Lock()

    def locked(i):
        with lock:  # writes to one base from several threads: the caller serialises
            work(i)

    threads = [threading.Thread(target=locked, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    _same(x, np.repeat(np.arange(1.0, 5.0)[:, None], 8, axis=1).astype(np.float32))


def test_mx_array_of_a_view_is_its_value():
    x = xp.arange(4)
    v = x[1:]
    x[...] = 7
    assert mx.array(v).tolist() == [7, 7, 7]


def test_other_in_place_writers_go_through_views():
    import tmath_array.nn as nn

    a = np.arange(10.0, dtype=np.float32) - 5
    x = xp.asarray(a)
    nn.relu(x[::2], inplace=True)
    a[::2] = np.maximum(a[::2], 0)
    _same(x, a)
    y = xp.arange(10)
    xp.random.default_rng(0).shuffle(y[:5])  # NumPy's Generator.shuffle of a view
    got = np.asarray(y)
    assert sorted(got[:5].tolist()) == [0, 1, 2, 3, 4] and got[5:].tolist() == [5, 6, 7, 8, 9]


def test_flatten_copies_and_ravel_views_as_numpy():
    for make in (lambda m: m.arange(6).reshape(2, 3), lambda m: m.arange(6)):
        a, x = make(np), make(xp)
        f, r = x.flatten(), x.ravel()
        f[0] = 100
        a.flatten()[0] = 100
        r[1] = -1
        a.ravel()[1] = -1
        _same(x, a.astype(np.int32))
