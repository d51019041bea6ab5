"""Regressions of the fuzz run over the merged namespace (seed 20261205, 100,000 calls;
docs/reliability-fuzzing.md), each against NumPy where NumPy answers."""

from __future__ import annotations

import numpy as np
import pytest

import tmath_array as xp


def test_vander_with_a_huge_n_is_one_product_not_a_loop():
    """(SIGABRT: N = 41,129,952 columns were built by a Python loop of products)"""
    out = xp.vander(xp.asarray(np.zeros((0,), dtype="uint32")),
                    N=xp.asarray(np.array(41129952, dtype="uint32")), increasing=True)
    assert out.shape == (0, 41129952)
    with pytest.raises(ValueError, match="vander"):
        xp.vander(xp.asarray([1.0, 2.0]), N=2**31)


@pytest.mark.parametrize("x", [[1, 2, 3], [1.5, -2.0, 0.3], [0, -4, 7]])
@pytest.mark.parametrize("n", [None, 0, 1, 5])
@pytest.mark.parametrize("increasing", [False, True])
def test_vander_matches_numpy(x, n, increasing):
    a = np.array(x)
    got = np.asarray(xp.vander(xp.asarray(a), n, increasing=increasing))
    want = np.vander(a, n, increasing=increasing)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_arange_with_a_step_past_int64_gives_its_one_value():
    """(MLX's std::bad_cast: the step was multiplied although one value needs no step)"""
    want = np.arange(2, 1, -1180591620717411303424)
    got = xp.arange(2, 1, -1180591620717411303424, dtype=xp.int32)
    assert np.asarray(got).tolist() == want.tolist() == [2]


def test_dot_of_an_empty_sequence_is_a_vector_product():
    got = xp.dot(xp.zeros((3, 0), dtype=xp.bfloat16), ())
    assert got.shape == np.dot(np.zeros((3, 0)), ()).shape == (3,)


@pytest.mark.parametrize("call", [lambda v: xp.any(v, 0, keepdims=True), xp.argmax,
                                  xp.flatnonzero, xp.ones_like, xp.ptp])
@pytest.mark.parametrize("text", [b"ab", "ab"])
def test_text_is_not_an_array_like(call, text):
    """(bytes were read as a buffer of two uint8 values; NumPy makes a string array)"""
    with pytest.raises(TypeError, match="text is not an array-like"):
        call(text)


def test_histogram2d_range_must_be_pairs():
    with pytest.raises(TypeError, match="histogram2d: range"):
        xp.histogram2d(xp.asarray([4, 4]), xp.asarray([160, 995]), range=float("inf"))
