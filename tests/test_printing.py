"""Printing: repr, str and format against NumPy's own output for the same values."""

from __future__ import annotations

import re
import sys
import zlib

import numpy as np
import pytest
import torch
from helpers import np_dtype

import tmath_array as xp


class Array(np.ndarray):
    """NumPy's repr of a subclass names the subclass: ``Array([...], dtype=...)``."""


# NumPy leaves these dtypes out of its repr (they are its defaults); tmath always shows them.
IMPLIED = ("bool", "int64", "float64")
PRINTED_DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                  "uint64", "float16", "float32", "float64", "complex64")
SHAPES = [(), (0,), (0, 3), (2, 0, 2), (1,), (5,), (2, 3), (2, 2, 3), (3, 40), (1000,),
          (1001,), (40, 30), (2, 3, 200)]


def _values(name: str, shape) -> np.ndarray:
    """Values of every kind of magnitude, so that NumPy picks each of its layouts."""
    rng = np.random.default_rng(zlib.crc32(f"{name}{shape}".encode()))
    if name == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if name[0] in "iu":
        info = np.iinfo(name)
        top = int(rng.choice([9, 1000, min(int(info.max), 2**62)]))
        return rng.integers(max(-top, int(info.min)), top, shape, endpoint=True).astype(name)
    scale = 10.0 ** rng.integers(-3 if name == "float16" else -6, 4 if name == "float16" else 7,
                                 shape)
    a = rng.normal(0, 1, shape) * scale
    if name == "complex64":
        a = a + 1j * rng.normal(0, 1, shape)
    return np.asarray(a).astype(np_dtype(name))


def _numpy_repr(a: np.ndarray) -> str:
    return np.array_repr(a.view(Array))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", PRINTED_DTYPES)
def test_repr_and_str_are_numpys(name, shape):
    a = _values(name, shape)
    x = xp.asarray(a)
    assert str(x) == str(a)
    got = repr(x)
    if name not in IMPLIED:
        assert got == _numpy_repr(a)
    else:
        # NumPy's repr would not show the dtype: the array part is NumPy's, the dtype ends it.
        body = np.array2string(a, separator=", ", prefix="Array(", suffix=")")
        assert got.startswith("Array(" + body + ",")
        assert re.search(rf"[ \n]dtype={name}\)$", got)
    assert xp.sync_stats().total == 2  # one conversion each


def test_no_elision_up_to_numpys_threshold():
    assert "..." not in repr(xp.arange(1000))
    assert "..." not in str(xp.reshape(xp.arange(1000), (10, 100)))
    summary = repr(xp.arange(1001))
    assert "..." in summary and "shape=(1001,)" in summary


@pytest.mark.parametrize("options", [
    {"threshold": 10, "edgeitems": 2},
    {"linewidth": 40, "precision": 3},
    {"suppress": True, "floatmode": "fixed"},
], ids=str)
def test_numpy_print_options_apply(options):
    a = _values("float32", (4, 9))
    with np.printoptions(**options):
        assert repr(xp.asarray(a)) == _numpy_repr(a)
        assert str(xp.asarray(a)) == str(a)


@pytest.mark.parametrize("name,value,spec", [
    ("float32", 1 / 3, ".3f"), ("float64", 2.5e-7, ".2e"), ("int32", 42, "5d"),
    ("int8", -7, "+d"), ("complex64", 1.5 - 2j, ".1f"), ("bool", True, ""),
    ("float32", 0.1, ""), ("uint64", 2**63, ","),
])
def test_format_of_a_0d_array_is_numpys(name, value, spec):
    a = np.asarray(value, dtype=np_dtype(name))
    x = xp.asarray(a)
    assert format(x, spec) == format(a, spec)
    # A NumPy reduction gives a scalar, a tmath one a 0-d Array: they print alike.
    assert f"{x}" == f"{a}" == f"{a[()]}"
    assert str(x) == str(a) == str(a[()])
    assert xp.sync_stats().total == 3


def test_format_spec_of_a_larger_array_is_refused_as_in_numpy():
    a = np.ones(3, dtype=np.float32)
    with pytest.raises(TypeError):
        format(a, ".2f")
    with pytest.raises(TypeError):
        format(xp.asarray(a), ".2f")
    assert format(xp.asarray(a), "") == format(a, "")
    assert xp.sync_stats().total == 1  # the refused one is not counted


# --- bfloat16 (no NumPy dtype) -------------------------------------------------------------

def _round_bfloat16(values) -> np.ndarray:
    """The bfloat16 nearest to each value, in float32 (PyTorch as the oracle of rounding)."""
    t = torch.tensor(np.asarray(values, dtype=np.float32)).to(torch.bfloat16)
    return t.to(torch.float32).numpy()


def _bfloat16(values):
    return xp.astype(xp.asarray(np.asarray(values, dtype=np.float32)), xp.bfloat16)


def test_bfloat16_prints_the_shortest_decimal_that_reads_back():
    rng = np.random.default_rng(7)
    v = _round_bfloat16(np.concatenate([rng.normal(0, 1, 40) * 10.0 ** rng.integers(-30, 30, 40),
                                        [1 / 3, 0.1, 1e10, 3.3e38, 1e-40]]))
    printed = str(_bfloat16(v)).strip("[]").split()
    assert len(printed) == v.size
    for text, value in zip(printed, v):
        assert _round_bfloat16([float(text)])[0] == value, (text, value)
        mantissa = text.split("e")[0].replace("-", "").replace(".", "").strip("0")
        digits = len(mantissa)
        if digits > 1:  # one digit fewer reads back as another bfloat16
            shorter = float(f"{value:.{digits - 2}e}")
            assert _round_bfloat16([shorter])[0] != value, (text, value)


def test_bfloat16_values_exact_in_few_digits_print_as_float32_does():
    a = np.array([[0.5, -1.25, 3.0, 1024.0], [0.0, -0.0, np.inf, np.nan]], dtype=np.float32)
    x = _bfloat16(a)
    assert str(x) == str(a)
    assert repr(x) == _numpy_repr(a).replace("float32", "bfloat16")
    assert str(_bfloat16(0.75)[()]) == str(np.float32(0.75))
    assert xp.sync_stats().total == 3


def test_bfloat16_summary_prints_shortest_edges():
    x = _bfloat16(np.full(3000, 0.1, dtype=np.float32))
    r = repr(x)
    assert r.startswith("Array([0.1, 0.1, 0.1, ..., 0.1, 0.1, 0.1]")
    assert r.endswith("shape=(3000,), dtype=bfloat16)")


def test_bfloat16_prints_without_ml_dtypes(monkeypatch):
    x = _bfloat16([0.1, 2.5, -7.0])
    with_ml_dtypes = repr(x)
    monkeypatch.setitem(sys.modules, "ml_dtypes", None)  # import ml_dtypes fails
    with pytest.raises(TypeError):
        np.asarray(x)
    assert repr(x) == with_ml_dtypes
    assert str(x) == str(np.array([0.1, 2.5, -7.0], dtype=np.float32))
