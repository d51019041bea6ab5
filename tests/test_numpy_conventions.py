"""NumPy's calling conventions on the namespace (issue: NumPy drop-in, part 1).

NumPy is the oracle: each call is made the NumPy way with NumPy and with tmath_array,
and the values must agree (float32 tolerance: tmath's default float is float32).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tmath_array as xp
from tmath_array._runtime import lazy as _lazy


def close(got, want, rtol=2e-6, atol=1e-6):
    if isinstance(want, tuple):
        assert isinstance(got, tuple) and len(got) == len(want)
        for g, w in zip(got, want):
            close(g, w, rtol, atol)
        return
    g = np.asarray(got)
    assert g.shape == np.shape(want), (g.shape, np.shape(want))
    np.testing.assert_allclose(g, want, rtol=rtol, atol=atol)


A = np.arange(12.0).reshape(3, 4) - 4.5

# (label, call(mod, data)) made the NumPy way: positional axis/dtype/keepdims, array-likes.
CALLS = [
    ("sum positional axis", lambda m, a: m.sum(a, 0)),
    ("sum axis keepdims", lambda m, a: m.sum(a, 1, None, None, True)),
    ("sum of a list", lambda m, a: m.sum([1, 2, 3])),
    ("prod axis", lambda m, a: m.prod(a[:, :2] / 4, 1)),
    ("mean axis", lambda m, a: m.mean(a, 0)),
    ("mean of ints", lambda m, a: m.mean([1, 2, 4])),
    ("mean dtype", lambda m, a: m.mean(a, 1, m.float32)),
    ("std ddof", lambda m, a: m.std(a, ddof=1)),
    ("var axis ddof", lambda m, a: m.var(a, 0, ddof=1)),
    ("std positional", lambda m, a: m.std(a, 1, None, None, 2)),
    ("max axis", lambda m, a: m.max(a, 1)),
    ("min list", lambda m, a: m.min([[3, 1], [2, 5]], 0)),
    ("argmax axis", lambda m, a: m.argmax(a, 1)),
    ("argmin list", lambda m, a: m.argmin([3, 1, 2])),
    ("all axis", lambda m, a: m.all(a > -5, 0)),
    ("any list", lambda m, a: m.any([0, 0, 1])),
    ("cumulative_sum axis", lambda m, a: (m.cumulative_sum if m is xp else np.cumsum)(a, 1)),
    ("count_nonzero axis", lambda m, a: m.count_nonzero(a > 0, 0)),
    ("sqrt int", lambda m, a: m.sqrt(4)),
    ("sqrt int list", lambda m, a: m.sqrt([1, 4, 9])),
    ("sin list", lambda m, a: m.sin([1.0, 2.0])),
    ("log ints", lambda m, a: m.log(m.asarray([1, 2, 3]))),
    ("exp of ints", lambda m, a: m.exp(m.asarray([1, 0]))),
    ("atan2 ints", lambda m, a: m.atan2([1, 2], 3) if m is xp else np.arctan2([1, 2], 3)),
    ("hypot ints", lambda m, a: m.hypot([3, 5], [4, 12])),
    ("add lists", lambda m, a: m.add([1, 2], [3, 4])),
    ("maximum list and scalar", lambda m, a: m.maximum([1, 5, 3], 2)),
    ("where 3 args lists", lambda m, a: m.where([True, False], [1, 2], [3, 4])),
    ("where 1 arg", lambda m, a: m.where(m.asarray(a) > 0)),
    ("clip list", lambda m, a: m.clip([1, 5, 9], 2, 8)),
    ("round decimals", lambda m, a: m.round(a / 7, 2)),
    ("round list", lambda m, a: m.round([0.5, 1.5, 2.5])),
    ("sort kind", lambda m, a: m.sort([3, 1, 2], kind="stable")),
    ("sort axis positional", lambda m, a: m.sort(a[::-1], 0)),
    ("argsort axis", lambda m, a: m.argsort(-a, 1)),
    ("concat axis positional", lambda m, a: (m.concat if m is xp else np.concatenate)(
        [a, a], 1)),
    ("stack lists", lambda m, a: m.stack([[1, 2], [3, 4]], 1)),
    ("flip axis", lambda m, a: m.flip(a, 0)),
    ("roll axis", lambda m, a: m.roll(a, 1, 1)),
    ("take list", lambda m, a: m.take([10, 20, 30], [0, 2])),
    ("take_along_axis", lambda m, a: m.take_along_axis(m.asarray(a), m.asarray([[0], [1], [2]]),
                                                       1)),
    ("repeat", lambda m, a: m.repeat([1, 2], 2)),
    ("tile int", lambda m, a: m.tile(m.asarray([1, 2]), 2)),
    ("diff n axis", lambda m, a: m.diff(a, 1, 0)),
    ("expand_dims list", lambda m, a: m.expand_dims([1, 2], 0)),
    ("squeeze", lambda m, a: m.squeeze(m.ones((1, 3)))),
    ("reshape list", lambda m, a: m.reshape([1, 2, 3, 4], (2, 2))),
    ("tensordot axes positional", lambda m, a: m.tensordot(m.asarray(a), m.asarray(a.T), 1)),
    ("matmul lists", lambda m, a: m.matmul([[1.0, 2.0]], [[3.0], [4.0]])),
    ("isin", lambda m, a: m.isin([1, 2, 3], [2])),
    ("searchsorted side positional", lambda m, a: m.searchsorted(m.asarray([1, 2, 3]), 2,
                                                                 "right")),
    ("linspace default num", lambda m, a: m.linspace(0, 1)),
    ("linspace endpoint positional", lambda m, a: m.linspace(0, 1, 5, False)),
    ("linspace array bounds", lambda m, a: m.linspace(m.asarray([0.0, 1.0]), 2.0, 4)),
    ("linspace axis", lambda m, a: m.linspace([0.0, 1.0], 2.0, 3, axis=1)),
    ("zeros positional dtype", lambda m, a: m.zeros(3, int)),
    ("ones dtype string", lambda m, a: m.ones((2, 2), "f4")),
    ("full positional dtype", lambda m, a: m.full(2, 7, m.int8)),
    ("arange positional dtype", lambda m, a: m.arange(0, 5, 2, float)),
    ("arange numpy ints", lambda m, a: m.arange(np.int64(2), np.int32(8))),
    ("eye k positional", lambda m, a: m.eye(3, 4, 1)),
    ("zeros_like list", lambda m, a: m.zeros_like([[1, 2]])),
    ("full_like 0-d", lambda m, a: m.full_like(m.ones(3), m.asarray(2.5))),
    ("tril k positional", lambda m, a: m.tril(a, -1)),
    ("transpose N-d", lambda m, a: m.asarray(a.reshape(2, 3, 2)).T),
    ("x + list", lambda m, a: m.asarray([1.0, 2.0]) + [3, 4]),
    ("list + x", lambda m, a: [3, 4] - m.asarray([1.0, 2.0])),
    ("x * tuple", lambda m, a: m.asarray([1.0, 2.0]) * (3, 4)),
    ("x == list", lambda m, a: m.asarray([1, 2]) == [1, 3]),
    ("x @ list", lambda m, a: m.asarray([[1.0, 2.0]]) @ [3.0, 4.0]),
]


@pytest.mark.parametrize("call", [c for _, c in CALLS], ids=[n for n, _ in CALLS])
def test_numpy_style_calls_give_numpys_values(call):
    want = call(np, A)
    got = call(xp, A)
    if isinstance(want, tuple):
        close(tuple(got), want)
        return
    close(got, want)
    if np.asarray(want).dtype.kind in "biu":
        assert np.asarray(got).dtype.kind == np.asarray(want).dtype.kind


def test_integer_input_of_floating_functions_gets_the_default_float():
    for fn in (xp.sqrt, xp.log, xp.sin, xp.exp, xp.tanh):
        # 32/64-bit integers compute in float64 as NumPy (on the CPU), narrower in float32
        assert fn(xp.asarray([1, 2])).dtype == xp.float64
        assert fn(3).dtype == xp.float64
        assert fn(xp.asarray([1, 2], dtype=xp.int16)).dtype == xp.float32
    big = 2**40 + 1
    close(xp.sin(xp.asarray([big])), np.sin(np.asarray([big])), rtol=1e-12)
    with pytest.raises(TypeError):  # NumPy's reciprocal of ints is an int: refused here
        xp.reciprocal(xp.asarray([2]))
    assert xp.mean(xp.asarray([1, 2])).dtype == xp.float32
    with pytest.raises(TypeError):  # not a floating function: the standard's category
        xp.bitwise_and(xp.asarray([1.5]), 1)


def test_out_writes_into_the_given_array():
    x = xp.asarray(A)
    o = xp.zeros(4)
    alias = o
    assert xp.sum(x, 0, out=o) is o
    close(alias, A.sum(0))
    oi = xp.zeros(3, dtype=xp.float64)  # a higher kind: cast, as NumPy's same_kind
    xp.max(x, 1, out=oi)
    assert oi.dtype == xp.float64
    close(oi, A.max(1))
    r = xp.zeros(4)
    xp.round(x[0] / 3, 1, out=r)
    close(r, np.round(A[0] / 3, 1))
    with pytest.raises(ValueError, match="shape"):
        xp.sum(x, 0, out=xp.zeros(3))
    with pytest.raises(TypeError, match="same_kind"):
        xp.mean(x, 0, out=xp.zeros(4, dtype=xp.int32))
    with pytest.raises(TypeError):
        xp.sum(x, out=np.zeros(()))


def test_ddof_and_correction():
    x = xp.asarray(A)
    close(xp.std(x, ddof=1), A.std(ddof=1))
    close(xp.std(x, correction=1), A.std(ddof=1))
    close(xp.var(x, 0, correction=0.5), A.var(0, ddof=0.5))
    with pytest.raises(ValueError, match="ddof or correction"):
        xp.var(x, ddof=1, correction=1)


def test_where_forms():
    with pytest.raises(TypeError, match="both"):
        xp.where(xp.asarray([True]), 1)
    cond = xp.asarray([[True, False], [False, True]])
    close(xp.where(cond), np.where(np.asarray(cond)))


def test_sort_kind_and_stable_none():
    close(xp.sort(xp.asarray([3, 1, 2]), stable=None), [1, 2, 3])
    for kind in ("quicksort", "mergesort", "heapsort", "stable"):
        close(xp.argsort(xp.asarray([3.0, 1.0, 3.0, 2.0]), kind=kind), [1, 3, 0, 2])
    with pytest.raises(ValueError):
        xp.sort(xp.asarray([1]), kind="bogo")


def test_zero_d_iteration_fails_at_iter():
    with pytest.raises(TypeError, match="0-dimensional"):
        iter(xp.asarray(1.0))
    assert [float(v) for v in xp.asarray([1.0, 2.0])] == [1.0, 2.0]


def test_info_devices_is_a_tuple_a_list_adds_to():
    devices = xp.__array_namespace_info__().devices()
    assert isinstance(devices, tuple)
    assert devices + [None] == [*devices, None]
    assert [None] + devices == [None, *devices]
    assert devices + (None,) == (*devices, None)


def test_array_likes_are_copies_not_sync_points():
    _lazy.reset()
    xp.sum([1, 2, 3], 0)
    xp.sqrt(np.arange(4.0))
    _ = xp.asarray([1.0, 2.0]) + [3, 4]
    xp.linspace(xp.asarray(0.0), xp.asarray(1.0), 5)
    xp.full_like(xp.ones(3), xp.asarray(2.0))
    assert _lazy.counts() == {}


def test_non_data_is_still_a_type_error():
    for fn in (xp.sum, xp.sqrt, xp.sort, xp.reshape):
        with pytest.raises(TypeError):
            fn({"a": 1}) if fn is not xp.reshape else fn({"a": 1}, (1,))
    with pytest.raises(TypeError):
        xp.add("ab", 1)


@settings(max_examples=40, deadline=None)
@given(data=hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=3, max_side=4),
                       elements=st.floats(-100, 100)),
       keepdims=st.booleans(), ddof=st.integers(0, 1), data_axis=st.data())
def test_reductions_with_numpys_positional_arguments(data, keepdims, ddof, data_axis):
    axis = data_axis.draw(st.integers(-data.ndim, data.ndim - 1))
    x = xp.asarray(data)  # float64 stays float64 on the CPU
    np_axis = np.int64(axis)  # NumPy integers as axes
    for name in ("sum", "mean", "max", "min"):
        got = getattr(xp, name)(x, np_axis, *([None] if name in ("sum", "mean") else []),
                                None, np.bool_(keepdims))
        want = getattr(np, name)(data, axis, keepdims=keepdims)
        close(got, want, rtol=1e-12, atol=1e-12)
    if data.shape[axis] > ddof:
        close(xp.std(x, axis, None, None, ddof, keepdims), data.std(axis, ddof=ddof,
                                                                    keepdims=keepdims),
              rtol=1e-9, atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(values=st.lists(st.integers(-50, 50), min_size=1, max_size=8))
def test_lists_into_functions_and_operators(values):
    arr = np.asarray(values)
    close(xp.sum(values), arr.sum())
    close(xp.asarray(values) + values, arr + arr)
    close(values * xp.asarray(values), arr * arr)
    close(xp.sqrt(xp.abs(values)), np.sqrt(np.abs(arr)), rtol=1e-6)
    close(xp.cumulative_sum(values, 0), np.cumsum(arr))


def test_logical_functions_take_any_dtype_by_its_truth():
    # (numpy-100 #77: np.logical_not(Z, out=Z) of an int array)
    for a, b in (([0, 2, -1], [1, 0, 3]), ([0.0, 0.5, np.nan], [1.0, 0.0, 0.0]),
                 ([0j, 1j, 2 + 0j], [1j, 0j, 0j])):
        for name in ("logical_and", "logical_or", "logical_xor"):
            got = getattr(xp, name)(xp.asarray(a), xp.asarray(b))
            assert got.dtype == xp.bool
            np.testing.assert_array_equal(np.asarray(got), getattr(np, name)(a, b))
        np.testing.assert_array_equal(np.asarray(xp.logical_not(xp.asarray(a))),
                                      np.logical_not(a))
    z = xp.asarray([0, 3, 0])
    xp.logical_not(z, out=z)
    np.testing.assert_array_equal(np.asarray(z), [1, 0, 1])


def test_view_takes_dtype_by_keyword_and_indices_any_iterable():
    x = xp.arange(4, dtype=xp.float32)
    np.testing.assert_array_equal(np.asarray(x.view(dtype=xp.int32)),
                                  np.arange(4, dtype=np.float32).view(np.int32))
    with pytest.raises(TypeError, match="type="):
        x.view(type=np.ndarray)
    got = xp.indices(n for n in (2, 3))
    np.testing.assert_array_equal(np.asarray(got), np.indices((2, 3)))


# Array-likes the fuzzer found refused (or converted after a check that needed an Array):
# each call is made with NumPy arrays, NumPy scalars and lists, NumPy is the oracle.
B = np.array([[2.0, 1.0], [1.0, 3.0]])
ALIKE_CALLS = [
    ("radians list", lambda m: m.radians([90.0, 180.0])),
    ("sinc ndarray", lambda m: m.sinc(np.array([0.0, 0.5]))),
    ("isclose ndarrays", lambda m: m.isclose(np.array([1.0, 2.0]), np.array([1.0, 2.5]))),
    ("allclose ndarray and list", lambda m: m.allclose(np.array([1.0]), [1.0])),
    ("array_equal NumPy scalar", lambda m: m.array_equal(np.array(7.0), np.float32(7))),
    ("array_equiv lists", lambda m: m.array_equiv([1, 2], [[1, 2], [1, 2]])),
    ("inner ndarray and list", lambda m: m.inner(np.ones(2), [1, 2])),
    ("outer lists", lambda m: m.outer([1.0, 2.0], [3.0])),
    ("kron ndarrays", lambda m: m.kron(np.eye(2), np.array([1.0, 2.0]))),
    ("linalg.cross lists", lambda m: m.linalg.cross([1, 0, 0], [0, 1, 0])),
    ("linalg.solve ndarrays", lambda m: m.linalg.solve(B, np.array([1.0, 2.0]))),
    ("linalg.outer lists", lambda m: m.linalg.outer([1.0, 2.0], [3.0, 4.0])),
    ("tensordot ndarrays", lambda m: m.tensordot(B, B, 1)),
    ("vecdot lists", lambda m: m.vecdot([1.0, 2.0], [3.0, 4.0]) if m is xp else
     np.vecdot([1.0, 2.0], [3.0, 4.0])),
    ("sum of a bool ndarray with dtype", lambda m: m.sum(np.array(False), axis=0,
                                                         dtype=m.uint32, keepdims=True)),
    ("prod of a bool list", lambda m: m.prod([True, True])),
    ("repeat list repeats", lambda m: m.repeat(m.asarray([1, 2]), [2, 1])),
    ("repeat ndarray repeats", lambda m: m.repeat(m.asarray([1, 2]), np.array([0, 3]))),
    ("searchsorted ndarray values", lambda m: m.searchsorted(m.asarray([1, 2, 3]),
                                                             np.array([2, 5]))),
    ("searchsorted list sorter", lambda m: m.searchsorted(m.asarray([3, 1, 2]), 2,
                                                          sorter=[1, 2, 0])),
    ("fft.rfft ndarray", lambda m: m.fft.rfft(np.array([1.0, 2.0, 0.0, 4.0]))),
    ("fft.ihfft list", lambda m: m.fft.ihfft([1.0, 2.0, 3.0])),
    ("fft.fft complex list", lambda m: m.fft.fft([1 + 1j, 2 - 1j])),
]


@pytest.mark.parametrize("call", [c for _, c in ALIKE_CALLS], ids=[n for n, _ in ALIKE_CALLS])
def test_array_likes_found_by_the_fuzzer(call):
    close(call(xp), call(np), rtol=1e-5, atol=1e-6)


def test_numpy_arrays_and_scalars_in_result_type_and_can_cast():
    # A NumPy array or scalar takes part with its dtype (np.float64(1.5) is no weak float).
    assert xp.result_type(np.zeros(2), xp.float32) == xp.float64
    assert xp.result_type(np.float64(1.5), xp.float32) == xp.float64
    assert xp.result_type(np.int8(1), xp.uint8) == xp.int16
    # (can_cast follows the standard's promotion: bool to float is no cast there)
    assert xp.can_cast(np.array(False), xp.float32) is xp.can_cast(xp.bool, xp.float32)
    assert xp.can_cast(np.zeros(2, np.int8), xp.int16) is True
    assert xp.can_cast(np.float64(1.0), xp.float32) is False


def test_gradient_edge_order_of_another_kind_is_a_type_error():
    import torch

    with pytest.raises(TypeError, match="edge_order"):
        xp.gradient(xp.ones(3), edge_order=torch.ones(2))
    close(xp.gradient(xp.asarray([1.0, 2.0, 4.0]), edge_order=np.int64(1)),
          np.gradient([1.0, 2.0, 4.0], edge_order=1))


ALIKE_CALLS_2 = [
    ("heaviside lists", lambda m: m.heaviside([-1, 0, 2], np.array(0.5))),
    ("heaviside NumPy int", lambda m: m.heaviside(np.int64(3), 1)),
    ("fmod ndarrays", lambda m: m.fmod(np.array([5.0, -5.0]), np.array([3.0]))),
    ("fmin list and ndarray", lambda m: m.fmin([1.0, 5.0], np.array([3.0, 2.0]))),
    ("fmod two scalars", lambda m: m.fmod(5, 3)),
    ("corrcoef ndarray y", lambda m: m.corrcoef(np.array([1.0, 2.0, 3.0]),
                                                y=np.array([1.0, 5.0, 2.0]))),
    ("cov list y", lambda m: m.cov([1.0, 2.0, 4.0], [2.0, 1.0, 0.0])),
    ("nanstd ndarray", lambda m: m.nanstd(np.array([1.0, np.nan, 3.0]))),
    ("nanvar list ddof", lambda m: m.nanvar([[1.0, 2.0], [np.nan, 5.0], [4.0, 1.0]], 0,
                                                         ddof=1)),
    ("take_along_axis ndarrays", lambda m: m.take_along_axis(B, np.array([[1], [0]]), 1)),
    ("unique ndarray return_index", lambda m: m.unique(np.array([3, 1, 3]),
                                                       return_index=True)),
    ("vdot ndarray and list", lambda m: m.vdot(np.array([1.0, 2.0]), [3.0, 4.0])),
]


@pytest.mark.parametrize("call", [c for _, c in ALIKE_CALLS_2],
                         ids=[n for n, _ in ALIKE_CALLS_2])
def test_array_likes_found_by_the_fuzzer_2(call):
    close(call(xp), call(np), rtol=1e-5, atol=1e-6)


def test_finfo_iinfo_of_numpy_arrays_and_scalars():
    assert xp.finfo(np.float64(2.0)).bits == 64
    assert xp.finfo(np.zeros(2, np.float16)).dtype == xp.float16
    assert xp.iinfo(np.array([1], np.int8)).max == 127


def test_attention_mask_of_another_kind_is_a_type_error():
    import tmath_array.nn as nn

    q = xp.ones((1, 1, 2, 1))
    with pytest.raises(TypeError, match="attn_mask"):
        nn.scaled_dot_product_attention(q, q, q, attn_mask=[[True, False], [True, True]])


ALIKE_CALLS_3 = [
    ("einsum list and ndarray", lambda m: m.einsum("i,i->", [1.0, 2.0], np.array([3.0, 4.0]))),
    ("lstsq lists", lambda m: m.linalg.lstsq([[1.0, 0.0], [0.0, 2.0]], [1.0, 2.0],
                                             rcond=None)[0]),
    ("diff list prepend", lambda m: m.diff(np.array([1.0, 4.0, 9.0]), prepend=[0.0])),
    ("diff scalar append", lambda m: m.diff(np.array([[1.0, 4.0, 9.0]]), append=10.0)),
    ("diff scalar append axis 0", lambda m: m.diff(np.array([[1.0, 4.0]]), axis=0,
                                                   append=np.float32(3))),
    ("tile ndarray reps", lambda m: m.tile(np.ones(2), np.array([2]))),
    ("reshape ndarray shape", lambda m: m.reshape(np.ones(4), np.array([2, 2]))),
    ("broadcast_to ndarray shape", lambda m: m.broadcast_to([1, 2], np.array([3, 2]))),
    ("zeros ndarray shape", lambda m: m.zeros(np.array([2, 3], dtype=np.uint8))),
    ("permute_dims ndarray axes", lambda m: (m.permute_dims if m is xp else np.transpose)(
        np.ones((2, 3)), np.array([1, 0]))),
    ("x.repeat NumPy integer", lambda m: m.asarray([1, 2]).repeat(np.uint8(2))),
    ("repeat 0-d ndarray", lambda m: m.repeat(m.asarray([1, 2]), np.array(2))),
    ("x.repeat tuple", lambda m: m.asarray([1, 2]).repeat((1, 2))),
    ("cov list m with list fweights", lambda m: m.cov([1.0, 2.0, 4.0], fweights=[1, 2, 1])),
]


@pytest.mark.parametrize("call", [c for _, c in ALIKE_CALLS_3],
                         ids=[n for n, _ in ALIKE_CALLS_3])
def test_array_likes_found_by_a_review_of_the_conversions(call):
    close(call(xp), call(np), rtol=1e-5, atol=1e-6)


def test_fill_takes_numpy_scalars_and_0d_arrays_as_numpy_does():
    x = xp.ones(3, dtype=xp.int8)
    x.fill(np.array(2))
    assert x.tolist() == [2, 2, 2]
    x.fill(np.float32(3.7))  # (a value of a higher kind is cast, as NumPy)
    assert x.tolist() == [3, 3, 3]
    with pytest.raises(OverflowError):
        x.fill(np.int64(300))  # (NumPy: out of bounds; a cast would wrap to 44)
    with pytest.raises(ValueError):
        x.fill(np.array([1, 2]))


def test_setitem_takes_array_likes_through_the_way_in():
    # (found by the fuzzer: x[()] = np.array(8) was "cannot assign ndarray")
    x = xp.zeros(3)
    x[:] = [1, 2, 3]
    assert x.tolist() == [1.0, 2.0, 3.0]
    x[1:] = (1.5, 2.5)
    x[0] = np.float32(5)
    assert x.tolist() == [5.0, 1.5, 2.5]
    y = xp.asarray(np.array(-3, dtype=np.int64))
    y[()] = np.array(8)
    assert int(y) == 8
    # Array-likes convert as documented (a list of ints is int32, a NumPy float64 array
    # float64), then the standard's rule for Arrays applies: no silent narrowing.
    with pytest.raises(TypeError, match="float64"):
        x[:] = np.array([1.0, 2.0, 3.0])
    with pytest.raises(TypeError):
        x[0] = "a"
    # A NumPy float64 / complex128 scalar is a Python float / complex (its subclass): it is
    # assigned as one (scikit-learn's metrics write `result[mask] = np.float64(0.0)` into
    # float32 results)
    x[x < 2] = np.float64(0.0)
    assert x.tolist() == [5.0, 0.0, 2.5] and x.dtype == xp.float32
    c = xp.asarray([1j, 2j])
    c[1] = np.complex128(3 + 1j)
    assert c.tolist() == [1j, 3 + 1j] and c.dtype == xp.complex64
    with pytest.raises(TypeError, match="Python float"):
        y[()] = np.float64(2.5)  # (as a Python float into an integer array)


def test_lexsort_and_average_take_numpy_arrays_and_scalars():
    keys = np.array([[1, 2, 1], [3, 1, 2]])
    assert xp.lexsort(keys).tolist() == np.lexsort(keys).tolist()
    assert xp.lexsort(np.zeros((3, 0, 1), np.complex64)).shape == (0, 1)  # (rows are keys)
    close(xp.average(xp.asarray([1.0, 3.0]), weights=np.array([1, 3], np.int8)),
          np.average([1.0, 3.0], weights=[1, 3]))
    close(xp.average(xp.asarray(-4.0), weights=np.int8(-1)), -4.0)


def test_quantile_q_of_a_numpy_scalar_is_an_array_of_its_dtype():
    # (found by the fuzzer: np.float32 q was read as a Python number, a bfloat16 result
    # where the same q as a 0-d float32 array gives float32)
    data = xp.asarray([1.0, 2.0, 3.0], dtype=xp.bfloat16)
    assert xp.quantile(data, np.float32(0.5)).dtype == \
        xp.quantile(data, xp.asarray(0.5, dtype=xp.float32)).dtype == xp.float32
    assert xp.quantile(xp.asarray([1.0, 2.0, 3.0]), np.float64(0.5)).dtype == xp.float64
    close(xp.quantile(xp.asarray([1.0, 2.0, 4.0]), np.float32(0.25)),
          np.quantile([1.0, 2.0, 4.0], 0.25))


def test_choose_takes_a_numpy_array_of_choices_and_refuses_a_bool():
    close(xp.choose(xp.asarray([0, 1]), np.array([[1, 2], [3, 4]])),
          np.choose([0, 1], np.array([[1, 2], [3, 4]])))
    with pytest.raises(TypeError, match="choices"):  # (was "'bool' object is not iterable")
        xp.choose(xp.asarray([0, 1]), True)


def test_dtype_of_numpy_arrays_and_scalars():
    # (found by the fuzzer: np.dtype takes anything with a dtype; xp.dtype refused them)
    assert xp.dtype(np.float64(-2.0)) == xp.float64 == np.dtype(np.float64(-2.0))
    assert xp.dtype(np.zeros(2, np.int8)) == xp.int8


def test_huge_shapes_in_inner_and_unravel_index_are_standard_errors():
    # (found by the fuzzer: MLX's raw OverflowError when inner flattened (2, 2**31 - 1);
    # std::bad_cast for a side of 2**63)
    with pytest.raises(MemoryError, match="inner"):
        xp.inner(xp.zeros((2, 2**31 - 1, 0)), xp.zeros((2**31 - 1, 0)))
    with pytest.raises(ValueError, match="too large"):
        xp.unravel_index(xp.zeros((1, 0), dtype=xp.int16), shape=(2**63,))
    assert int(xp.inner(xp.asarray([1, 0], dtype=xp.int8), xp.asarray([2, 3], dtype=xp.int8))) == 2
