"""Regressions of the NumPy layer's fuzz rounds (the open findings of the merged run,
seed 20261205, and the 10,000-call rounds from seed 31001; docs/reliability-fuzzing.md),
each against NumPy where NumPy answers."""

from __future__ import annotations

import numpy as np
import pytest

import tmath_array as xp


@pytest.mark.parametrize("rcond", [1e30, -1.0, 0.0, 1.0, float("nan"), -2.0**70, 0.5, None])
def test_lstsq_takes_rcond_as_lapacks_gelsd(rcond):
    """(rcond=1e30 or NaN dropped every singular value: zeros, NumPy 50.8; gelsd replaces
    an rcond outside (0, 1) with its unit roundoff)"""
    for a, b in [(np.array([[5]], "uint8"), np.array([254], "uint8")),
                 (np.array([[5, 1], [1, 2], [1, 1e-9]], "f4"), np.array([254, 3, 1], "f4")),
                 (np.array([[1, 1], [1, 0], [1, 1]], bool), np.array([1, 0, 1], bool))]:
        x, _, rank, _ = xp.linalg.lstsq(xp.asarray(a), xp.asarray(b), rcond=rcond)
        ex, _, erank, _ = np.linalg.lstsq(a, b, rcond=rcond)
        assert int(rank) == erank
        np.testing.assert_allclose(np.asarray(x), ex, rtol=1e-4, atol=1e-5 * np.abs(ex).max())


def test_lstsq_of_a_zero_matrix_is_zero_with_any_rcond():
    for rcond in (float("nan"), float("inf"), None):
        x, _, rank, _ = xp.linalg.lstsq(xp.zeros((2, 2)), xp.ones((2,)), rcond=rcond)
        assert int(rank) == 0 and np.asarray(x).tolist() == [0.0, 0.0]
