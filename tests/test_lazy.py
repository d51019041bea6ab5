"""Laziness: operations build an MLX graph; only sync points compute, and are counted."""

from __future__ import annotations

import numpy as np
import pytest

import tmath_array as xp
from tmath_array import _lazy


def _chain(n: int):
    x = xp.ones((4,))
    for _ in range(n):
        x = x * 1.0001 + 0.5
    return x


def test_long_graph_does_not_sync():
    y = _chain(2000)
    z = xp.where(y > 1.0, y, -y)[1:3]
    z = xp.reshape(xp.concat([z, z]), (2, 2)) @ xp.eye(2)
    assert y.shape == (4,) and z.shape == (2, 2)  # shapes are known without computing
    assert _lazy.counts() == {}


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


def test_reset_clears_counters():
    float(xp.asarray(1.0))
    assert _lazy.counts() == {"conversion": 1}
    _lazy.reset()
    assert _lazy.counts() == {}
