"""The default dtype rules: "mlx" (float32/int32 everywhere) and "numpy" (NumPy's on the CPU).

Each case runs the same call on tmath_array and on NumPy. Under "numpy" the dtype must be
NumPy's (complex128 read as complex64: MLX has none); under "mlx" it is the one given.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import tmath_array as xp
import tmath_array.torch as torch
from tmath_array._runtime import defaults as _defaults

MODES = ("mlx", "numpy")


@pytest.fixture(params=MODES)
def mode(request):
    """Run the test under one rule; the previous rule comes back afterwards."""
    old = xp.set_default_dtypes(request.param)
    try:
        yield request.param
    finally:
        xp.set_default_dtypes(old)


def _ints(m):
    return m.asarray([3, 1, 2, 1])


def _floats(m):
    return m.asarray([3.0, 1.0, 2.0])


# (id, call on a module, dtype under "mlx")
CASES = [
    # Python scalars and sequences
    ("asarray-float", lambda m: m.asarray(1.5), "float32"),
    ("asarray-int", lambda m: m.asarray(7), "int32"),
    ("asarray-bool", lambda m: m.asarray(True), "bool"),
    ("asarray-complex", lambda m: m.asarray(1j), "complex64"),
    ("asarray-big-int", lambda m: m.asarray(2**40), "int64"),
    ("list-float", lambda m: m.asarray([1.0, 2.0]), "float32"),
    ("list-int", lambda m: m.asarray([1, 2]), "int32"),
    ("list-mixed", lambda m: m.asarray([1, 2.5]), "float32"),
    ("array-list", lambda m: m.array([[1, 2], [3, 4]]), "int32"),
    ("numpy-data-keeps", lambda m: m.asarray(np.ones(2, dtype=np.float32)), "float32"),
    # creation
    ("zeros", lambda m: m.zeros(3), "float32"),
    ("ones", lambda m: m.ones((2, 2)), "float32"),
    ("empty", lambda m: m.empty(2), "float32"),
    ("eye", lambda m: m.eye(2), "float32"),
    ("full-float", lambda m: m.full(2, 1.5), "float32"),
    ("full-int", lambda m: m.full(2, 3), "int32"),
    ("arange-int", lambda m: m.arange(5), "int32"),
    ("arange-float", lambda m: m.arange(0, 1, 0.25), "float32"),
    ("linspace", lambda m: m.linspace(0, 1, 5), "float32"),
    ("logspace", lambda m: m.logspace(0, 2, 3), "float32"),
    ("geomspace", lambda m: m.geomspace(1, 100, 3), "float32"),
    ("indices", lambda m: m.indices((2, 3)), "int32"),
    ("tri", lambda m: m.tri(3), "float32"),
    ("fromfunction", lambda m: m.fromfunction(lambda i, j: i + j, (2, 2)), "float32"),
    ("mgrid-int", lambda m: m.mgrid[0:3], "int32"),
    ("mgrid-float", lambda m: m.mgrid[0:1:5j], "float32"),
    ("r_-complex-step", lambda m: m.r_[0:1:5j], "float32"),
    # promotion with Python scalars and integer division
    ("int-times-float", lambda m: _ints(m) * 1.5, "float32"),
    ("bool-plus-int", lambda m: m.asarray([True, False]) + 2, "int32"),
    ("int-div-int", lambda m: _ints(m) / _ints(m), "float32"),
    ("int-div-scalar", lambda m: _ints(m) / 2, "float32"),
    ("scalar-div-int", lambda m: 2 / _ints(m), "float32"),
    ("divide-int64", lambda m: m.divide(m.asarray([4, 2], dtype=m.int64), 2), "float32"),
    ("true_divide-int8", lambda m: m.true_divide(m.asarray([4, 2], dtype=m.int8), 2),
     "float32"),
    ("float-div-float", lambda m: _floats(m) / 2, "float32"),
    ("result_type-int-float", lambda m: m.empty(0, dtype=m.result_type(m.int32, 1.5)),
     "float32"),
    # floating functions of integers (32/64-bit integers: float64 on the CPU either way)
    ("sqrt-int", lambda m: m.sqrt(_ints(m)), "int32->float64"),
    ("exp-int64", lambda m: m.exp(m.asarray([1, 2], dtype=m.int64)), "float64"),
    # statistics and accumulation
    ("mean-int", lambda m: m.mean(_ints(m)), "float32"),
    ("var-int", lambda m: m.var(_ints(m)), "float32"),
    ("std-int", lambda m: m.std(_ints(m)), "float32"),
    ("mean-bool", lambda m: m.mean(m.asarray([True, False])), "float32"),
    ("average-int", lambda m: m.average(_ints(m)), "float32"),
    ("median-int", lambda m: m.median(_ints(m)), "float32"),
    ("sum-bool", lambda m: m.sum(m.asarray([True, True])), "int32"),
    ("sum-int8", lambda m: m.sum(m.asarray([1, 2], dtype=m.int8)), "int32"),
    ("sum-int32", lambda m: m.sum(m.asarray([1, 2], dtype=m.int32)), "int32"),
    ("sum-uint8", lambda m: m.sum(m.asarray([1, 2], dtype=m.uint8)), "uint32"),
    ("prod-int16", lambda m: m.prod(m.asarray([1, 2], dtype=m.int16)), "int32"),
    ("cumsum-bool", lambda m: m.cumsum(m.asarray([True, False])), "int32"),
    ("cumsum-int8", lambda m: m.cumsum(m.asarray([1, 2], dtype=m.int8)), "int32"),
    ("sum-float32-keeps", lambda m: m.sum(m.asarray([1.0], dtype=m.float32)), "float32"),
    # indices
    ("argmax", lambda m: m.argmax(_floats(m)), "int32"),
    ("argmin-axis", lambda m: m.argmin(m.ones((2, 3)), axis=1), "int32"),
    ("argsort", lambda m: m.argsort(_floats(m)), "int32"),
    ("argsort-descending", lambda m: m.argsort(_floats(m), descending=True)
     if m is xp else m.argsort(_floats(m)), "int32"),
    ("nonzero", lambda m: m.nonzero(_ints(m))[0], "int32"),
    ("flatnonzero", lambda m: m.flatnonzero(_ints(m)), "int32"),
    ("argwhere", lambda m: m.argwhere(_ints(m)), "int32"),
    ("searchsorted", lambda m: m.searchsorted(m.asarray([1.0, 2.0, 3.0]), 2.5), "int32"),
    ("count_nonzero-axis", lambda m: m.count_nonzero(m.ones((2, 2)), axis=0), "int32"),
    ("unique_inverse", lambda m: m.unique_inverse(_ints(m)).inverse_indices
     if m is xp else m.unique_inverse(_ints(m)).inverse_indices, "int32"),
    ("unique_all-indices", lambda m: m.unique_all(_ints(m)).indices, "int32"),
    ("unique_counts", lambda m: m.unique_counts(_ints(m)).counts, "int32"),
    ("unique-return_index", lambda m: m.unique(_ints(m), return_index=True)[1], "int32"),
    ("bincount", lambda m: m.bincount(_ints(m)), "int32"),
    ("histogram-counts", lambda m: m.histogram(_floats(m), bins=2)[0], "int32"),
    ("digitize", lambda m: m.digitize(_floats(m), m.asarray([1.5, 2.5])), "int32"),
    ("lexsort", lambda m: m.lexsort((_floats(m),)), "int32"),
    ("argpartition", lambda m: m.argpartition(_floats(m), 1), "int32"),
    ("unravel_index", lambda m: m.unravel_index(m.asarray([3]), (2, 2))[0], "int32"),
    ("matrix_rank", lambda m: m.linalg.matrix_rank(m.eye(3)), "int32"),
    ("tril_indices", lambda m: m.tril_indices(3)[0], "int32"),
    # NumPy functions that make floats of integers
    ("bartlett", lambda m: m.bartlett(4), "float32"),
    ("histogram2d", lambda m: m.histogram2d(_floats(m), _floats(m))[0], "float32"),
    ("gradient-int", lambda m: m.gradient(_ints(m)), "float32"),
    ("trapezoid-int", lambda m: m.trapezoid(_ints(m)), "float32"),
    ("interp", lambda m: m.interp(m.asarray([1.5]), m.asarray([1.0, 2.0]),
                                  m.asarray([1.0, 2.0])), "float32"),
    ("polyfit-int", lambda m: m.polyfit(m.asarray([0, 1, 2]), m.asarray([0, 1, 2]), 1),
     "float32"),
    ("histogram-edges-int", lambda m: m.histogram(_ints(m))[1], "float32"),
    ("cov-int", lambda m: m.cov(_ints(m)), "float32"),
    ("percentile-int", lambda m: m.percentile(_ints(m), 50), "float32"),
    ("nanmean-int", lambda m: m.nanmean(_ints(m)), "float32"),
    ("deg2rad-int", lambda m: m.deg2rad(_ints(m)), "float32"),
    ("trace-bool", lambda m: m.trace(m.asarray([[True]])), "int32"),
    ("fftfreq", lambda m: m.fft.fftfreq(4), "float32"),
    ("random-random", lambda m: m.random.default_rng(0).random(2), "float32"),
    ("random-normal", lambda m: m.random.default_rng(0).normal(size=2), "float32"),
    ("random-integers", lambda m: m.random.default_rng(0).integers(0, 5, 2), "int32"),
    ("random-permutation", lambda m: m.random.default_rng(0).permutation(4), "int32"),
]


def _numpy_dtype(fn) -> str:
    name = np.asarray(fn(np)).dtype.name
    return "complex64" if name == "complex128" else name


@pytest.mark.parametrize(("call", "mlx_dtype"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_default_dtypes(mode, call, mlx_dtype):
    got = xp.asarray(call(xp)).dtype.name
    if mode == "numpy":
        assert got == _numpy_dtype(call)
    else:
        assert got == mlx_dtype.rpartition("->")[2]


def test_numpy_rule_matches_numpy_values(mode):
    # The "numpy" rule gives NumPy's numbers, not only its dtypes.
    a = [0.1, 0.2, 0.7]
    got = np.asarray(xp.cumsum(xp.asarray(a)))
    want = np.cumsum(a)
    if mode == "numpy":
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=1e-6)


def test_info_default_dtypes(mode):
    info = xp.__array_namespace_info__()
    wide = mode == "numpy"
    for dev in [None, *info.devices()]:
        d = info.default_dtypes(device=dev)
        cpu = (dev if dev is not None else info.default_device()).type == "cpu"
        assert d["real floating"] == (xp.float64 if wide and cpu else xp.float32)
        assert d["integral"] == (xp.int64 if wide and cpu else xp.int32)
        assert d["indexing"] == (xp.int64 if wide and cpu else xp.int32)
        assert d["complex floating"] == xp.complex64
        # What the info object says is what the creation functions give.
        assert xp.zeros(1, device=dev).dtype == d["real floating"]
        assert xp.arange(2, device=dev).dtype == d["integral"]
        assert xp.argmax(xp.arange(2, device=dev)).dtype == d["indexing"]


def test_gpu_keeps_float32(mode):
    if "gpu" not in [d.type for d in xp.__array_namespace_info__().devices()]:
        pytest.skip("no GPU device here")
    assert xp.zeros(2, device="gpu").dtype == xp.float32
    assert xp.asarray([1.5], device="gpu").dtype == xp.float32
    assert xp.arange(3, device="gpu").dtype == xp.int32


def test_existing_arrays_keep_their_dtype():
    old = xp.set_default_dtypes("mlx")
    try:
        a = xp.zeros(2)
        xp.set_default_dtypes("numpy")
        assert a.dtype == xp.float32
        assert (a + 1.5).dtype == xp.float32  # a Python float adopts the array's dtype
        assert xp.zeros(2).dtype == xp.float64
    finally:
        xp.set_default_dtypes(old)


def test_torch_face_keeps_torch_defaults(mode):
    t = torch.tensor([1, 2])
    assert torch.tensor([1.5]).dtype == torch.float32
    assert t.dtype == torch.int64
    assert torch.zeros(2).dtype == torch.float32
    assert torch.arange(3).dtype == torch.int64
    assert torch.linspace(0, 1, 3).dtype == torch.float32
    assert torch.randn(2).dtype == torch.float32
    assert torch.full((2,), 1.5).dtype == torch.float32
    assert torch.tensor(2.5).dtype == torch.float32
    assert (t / 2).dtype == torch.float32
    assert (2 / t).dtype == torch.float32
    assert (t / t).dtype == torch.float32
    assert torch.div(t, t).dtype == torch.float32
    assert (t * 1.5).dtype == torch.float32
    assert torch.sqrt(t).dtype == torch.float32
    assert torch.argmax(torch.tensor([1.0, 2.0])).dtype == torch.int64
    assert torch.nonzero(t).dtype == torch.int64
    assert torch.sum(torch.tensor([True])).dtype == torch.int64
    assert torch.get_default_dtype() == torch.float32


_TORCH_CALLS = {
    "unique-counts": lambda t, f, b: torch.unique(t, return_counts=True)[1],
    "bincount": lambda t, f, b: torch.bincount(t),
    "histc": lambda t, f, b: torch.histc(f, bins=3),
    "cumsum-bool": lambda t, f, b: torch.cumsum(b, 0),
    "prod-int": lambda t, f, b: torch.prod(t),
    "sort-indices": lambda t, f, b: torch.sort(f)[1],
    "topk-indices": lambda t, f, b: torch.topk(f, 2)[1],
    "max-dim-indices": lambda t, f, b: torch.max(f, 0)[1],
    "searchsorted": lambda t, f, b: torch.searchsorted(torch.sort(f)[0], f),
    "randint": lambda t, f, b: torch.randint(0, 5, (2,)),
    "randperm": lambda t, f, b: torch.randperm(4),
    "rand": lambda t, f, b: torch.rand(2),
    "arange-float": lambda t, f, b: torch.arange(0.0, 1.0, 0.5),
    "eye": lambda t, f, b: torch.eye(2),
    "tensor-mixed": lambda t, f, b: torch.tensor([1, 2.5]),
    "bool-plus-int": lambda t, f, b: b + 1,
    "int-pow-float": lambda t, f, b: t ** 0.5,
    "exp-int": lambda t, f, b: torch.exp(t),
    "where-scalars": lambda t, f, b: torch.where(b, 1.5, 2.0),
    "count_nonzero": lambda t, f, b: torch.count_nonzero(t),
    "fftfreq": lambda t, f, b: torch.fft.fftfreq(4),
    "matrix_rank": lambda t, f, b: torch.linalg.matrix_rank(torch.eye(2)),
    "remainder-float": lambda t, f, b: t % 1.5,
    "clamp-int-float": lambda t, f, b: torch.clamp(t, 0.5, 2.5),
    "atan2-int": lambda t, f, b: torch.atan2(t, t),
    "one_hot": lambda t, f, b: torch.nn.functional.one_hot(t),
    "linear-weight": lambda t, f, b: torch.nn.Linear(2, 3).weight,
}


def test_torch_face_is_the_same_under_both_rules():
    old = xp.get_default_dtypes()
    got = {}
    try:
        for rule in MODES:
            xp.set_default_dtypes(rule)
            t, f, b = torch.tensor([3, 1, 2]), torch.tensor([3.0, 1.0, 2.0]), \
                torch.tensor([True, False, True])
            got[rule] = {k: fn(t, f, b).dtype for k, fn in _TORCH_CALLS.items()}
    finally:
        xp.set_default_dtypes(old)
    assert got["numpy"] == got["mlx"]


def test_switch_api():
    old = xp.get_default_dtypes()
    try:
        assert xp.set_default_dtypes("numpy") == old
        assert xp.get_default_dtypes() == "numpy"
        assert xp.config_info()["default_dtypes"] == {"rule": "numpy",
                                                      "source": "set_default_dtypes"}
        assert xp.set_default_dtypes("mlx") == "numpy"
        with pytest.raises(ValueError, match="set_default_dtypes"):
            xp.set_default_dtypes("float64")
        assert xp.get_default_dtypes() == "mlx"
    finally:
        xp.set_default_dtypes(old)


def test_show_config_reports_the_rule(mode, capsys):
    xp.show_config()
    line = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("dtypes:")]
    assert len(line) == 1 and repr(mode) in line[0]


_PROBE = """
import json, tmath_array as xp
print(json.dumps([xp.get_default_dtypes(), xp.zeros(1).dtype.name, xp.asarray([1]).dtype.name,
                  xp.config_info()["default_dtypes"]["source"]]))
"""


@pytest.mark.parametrize(("value", "want"), [
    (None, ["mlx", "float32", "int32", "default"]),
    ("numpy", ["numpy", "float64", "int64", _defaults.ENV]),
    (" MLX ", ["mlx", "float32", "int32", _defaults.ENV]),
])
def test_environment_variable(value, want):
    env = {k: v for k, v in os.environ.items() if k != _defaults.ENV}
    if value is not None:
        env[_defaults.ENV] = value
    out = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True,
                         text=True, timeout=300, check=True).stdout
    assert json.loads(out.splitlines()[-1]) == want


def test_environment_variable_refuses_unknown_rules():
    env = dict(os.environ, **{_defaults.ENV: "float64"})
    r = subprocess.run([sys.executable, "-c", "import tmath_array"], env=env,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode != 0 and _defaults.ENV in r.stderr
