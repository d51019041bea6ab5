"""The NumPy-style scripts in examples/ run unchanged on NumPy and on tmath_array.

Each example's code is written against a module it calls ``np``; here it runs once
with ``numpy`` and once with ``tmath_array`` and the results are compared: exactly
where the computation is deterministic, statistically where the two backends draw
different random numbers (Monte Carlo).
"""

from __future__ import annotations

import importlib
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy
import pytest

import tmath_array

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
# The ported scripts: those that take their array module from the command line.
SCRIPTS = sorted(p.stem for p in EXAMPLES.glob("*.py")
                 if "from _backend import array_module" in p.read_text())


@pytest.fixture(scope="module", autouse=True)
def _examples_on_path():
    sys.path.insert(0, str(EXAMPLES))
    yield
    sys.path.remove(str(EXAMPLES))


def _load(name):
    return importlib.import_module(name)


def _np(x):
    return numpy.asarray(x)


def test_every_example_is_tested():
    assert SCRIPTS == ["curve_fit", "gray_scott", "heat", "heat_rod", "kmeans", "life",
                       "mandelbrot", "mlp", "monte_carlo", "pca", "signals", "smoke"]


def test_kmeans_same_clusters():
    mod = _load("kmeans")
    c_np, l_np, i_np = mod.main(numpy)
    c_xp, l_xp, i_xp = mod.main(tmath_array)
    assert isinstance(c_xp, tmath_array.Array) and c_xp.dtype == tmath_array.float32
    numpy.testing.assert_allclose(_np(c_xp), c_np, rtol=1e-4, atol=1e-4)
    assert (_np(l_xp) == l_np).mean() == 1.0
    assert i_xp == pytest.approx(i_np, rel=1e-4)


def test_pca_same_axes_in_float64():
    mod = _load("pca")
    comp_np, ratio_np, z_np, err_np = mod.main(numpy)
    comp_xp, ratio_xp, z_xp, err_xp = mod.main(tmath_array)
    assert comp_xp.dtype == tmath_array.float64
    numpy.testing.assert_allclose(_np(ratio_xp), ratio_np, rtol=1e-10)
    numpy.testing.assert_allclose(_np(comp_xp), comp_np, atol=1e-10)
    numpy.testing.assert_allclose(_np(z_xp), z_np, atol=1e-9)
    assert float(err_xp) == pytest.approx(float(err_np), rel=1e-9)


def test_mlp_trains_the_same_network():
    mod = _load("mlp")
    loss_np, acc_np = mod.main(numpy)
    loss_xp, acc_xp = mod.main(tmath_array)
    assert len(loss_xp) == len(loss_np)
    # float32 on both; summation orders differ, so the trajectories drift slightly.
    numpy.testing.assert_allclose(loss_xp[:50], loss_np[:50], rtol=1e-3)
    numpy.testing.assert_allclose(loss_xp, loss_np, rtol=0.05, atol=5e-3)
    assert loss_xp[-1] < 0.2 * loss_xp[0]
    assert abs(acc_xp - acc_np) <= 0.02


def test_monte_carlo_agrees_statistically():
    mod = _load("monte_carlo")
    res_np, exact = mod.main(numpy)
    res_xp, _ = mod.main(tmath_array)
    for name in ("european", "asian"):
        (p_np, se_np), (p_xp, se_xp) = res_np[name], res_xp[name]
        assert se_xp == pytest.approx(se_np, rel=0.05)
        # Two independent estimates of one price: within 5 combined standard errors.
        assert abs(p_xp - p_np) < 5 * math.hypot(se_np, se_xp)
    assert abs(res_xp["european"][0] - exact) < 5 * res_xp["european"][1]


def test_heat_same_field():
    mod = _load("heat")
    u_np, t0_np, t1_np = mod.main(numpy)
    u_xp, t0_xp, t1_xp = mod.main(tmath_array)
    assert u_xp.dtype == tmath_array.float32 and u_xp.shape == u_np.shape
    numpy.testing.assert_allclose(_np(u_xp), u_np, rtol=1e-5, atol=1e-6)
    assert t0_xp == pytest.approx(t0_np) and t1_xp == pytest.approx(t1_np, rel=1e-5)


def test_mandelbrot_same_counts_in_every_point():
    """A chaotic iteration: any rounding difference in ``z ** 2`` shows up as counts."""
    mod = _load("mandelbrot")
    for width, height, max_iter in ((160, 120, 60), (257, 131, 200)):
        c_np = mod.grid(numpy, width, height)
        c_xp = mod.grid(tmath_array, width, height)
        assert c_xp.dtype == tmath_array.complex64
        numpy.testing.assert_array_equal(_np(c_xp), c_np)
        n_np = mod.escape_counts(numpy, c_np, max_iter)
        n_xp = mod.escape_counts(tmath_array, c_xp, max_iter)
        assert n_xp.dtype == tmath_array.int32
        numpy.testing.assert_array_equal(_np(n_xp), n_np)
        assert 0 < int((n_np == max_iter).sum()) < n_np.size  # the set and its outside


def test_curve_fit_same_fits():
    mod = _load("curve_fit")
    out_np = mod.main(numpy)
    out_xp = mod.main(tmath_array)
    assert out_xp["n"] == out_np["n"] == 60
    # genfromtxt reads float64, as NumPy does: the fits agree to float64 rounding.
    for key in ("coef", "poly_coef", "extrema"):
        assert isinstance(out_xp[key], tmath_array.Array)
        numpy.testing.assert_allclose(_np(out_xp[key]), out_np[key], rtol=1e-9, atol=1e-9,
                                      err_msg=key)
    for key in ("rms", "p90"):
        assert out_xp[key] == pytest.approx(out_np[key], rel=1e-9)
    # np.linspace of Python floats is float32 here (float64 in NumPy): the curves on
    # that grid agree within float32 rounding.
    for key in ("cheb_at_grid", "slope"):
        numpy.testing.assert_allclose(_np(out_xp[key]), out_np[key], rtol=1e-5, atol=2e-5,
                                      err_msg=key)
    assert out_xp["area"] == pytest.approx(out_np["area"], rel=1e-5)
    numpy.testing.assert_array_equal(_np(out_xp["labels"]), out_np["labels"])
    numpy.testing.assert_array_equal(_np(out_xp["counts"]), out_np["counts"])


def test_signals_same_results():
    mod = _load("signals")
    out_np = mod.main(numpy)
    out_xp = mod.main(tmath_array)
    assert out_xp["lag"] == out_np["lag"] == 23
    for key in ("by_conv", "by_window", "envelope"):  # float32 data
        numpy.testing.assert_allclose(_np(out_xp[key]), out_np[key], rtol=1e-5, atol=1e-6,
                                      err_msg=key)
    for key in ("gy", "gx", "torque"):  # float64 (NumPy's linspace of Python floats here
        # is float32 on tmath_array: compare within float32 rounding)
        numpy.testing.assert_allclose(_np(out_xp[key]), out_np[key], rtol=1e-5, atol=1e-5,
                                      err_msg=key)
    for got, expected in zip(out_xp["book"], out_np["book"]):
        numpy.testing.assert_array_equal(_np(got), expected)


def test_examples_run_from_the_command_line():
    """``python examples/<name>.py tmath_array``, as the docstrings say."""
    env = dict(os.environ, PYTHONPATH=str(EXAMPLES.parent))
    out = subprocess.run([sys.executable, str(EXAMPLES / "heat.py"), "tmath_array"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    before, after = re.search(r"heat before ([\d.]+), after ([\d.]+)", out.stdout).groups()
    # float32 sums of 4096 cells: the heat is conserved to float32 rounding.
    assert float(before) == 288.0 and float(after) == pytest.approx(288.0, rel=1e-5)


# --- simulations that write through views (docs/views.md) ---------------------------

def test_life_same_cells():
    mod = _load("life")
    z_np, live_np = mod.main(numpy)
    z_xp, live_xp = mod.main(tmath_array)
    assert live_np > 0 and live_xp == live_np
    numpy.testing.assert_array_equal(_np(z_xp), z_np)


def test_gray_scott_same_fields():
    mod = _load("gray_scott")
    u_np, v_np = mod.main(numpy, n=64, steps=100)
    u_xp, v_xp = mod.main(tmath_array, n=64, steps=100)
    assert u_xp.dtype == tmath_array.float64
    assert numpy.ptp(v_np) > 0.1  # the pattern grew: the in-place updates reached V
    numpy.testing.assert_allclose(_np(u_xp), u_np, rtol=1e-12, atol=1e-14)
    numpy.testing.assert_allclose(_np(v_xp), v_np, rtol=1e-12, atol=1e-14)


def test_heat_rod_and_plate_same_temperatures():
    mod = _load("heat_rod")
    u_np, p_np = mod.main(numpy)
    u_xp, p_xp = mod.main(tmath_array)
    assert u_np[50] > 0.01 and p_np[:, 0].min() == 1.0
    numpy.testing.assert_allclose(_np(u_xp), u_np, rtol=1e-12, atol=1e-15)
    numpy.testing.assert_allclose(_np(p_xp), p_np, rtol=1e-5, atol=1e-6)


def test_smoke_same_density_and_velocity():
    mod = _load("smoke")
    d_np, u_np, v_np = mod.main(numpy, n=24, steps=5)
    d_xp, u_xp, v_xp = mod.main(tmath_array, n=24, steps=5)
    assert d_np.sum() > 1.0
    for got, want in ((d_xp, d_np), (u_xp, u_np), (v_xp, v_np)):
        numpy.testing.assert_allclose(_np(got), want, rtol=1e-9, atol=1e-12)
