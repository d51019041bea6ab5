"""The inspection API: ``xp.__array_namespace_info__()``."""

from __future__ import annotations

import pytest
from helpers import STANDARD_DTYPE_NAMES, dtype_name

import tmath_array as xp

info = xp.__array_namespace_info__()

KIND_NAMES = {
    "bool": {"bool"},
    "signed integer": {"int8", "int16", "int32", "int64"},
    "unsigned integer": {"uint8", "uint16", "uint32", "uint64"},
    "integral": {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"},
    "real floating": {"float32", "float64"},
    "complex floating": {"complex64"},
    "numeric": set(STANDARD_DTYPE_NAMES) - {"bool"},
}


def test_capabilities():
    caps = info.capabilities()
    assert {"boolean indexing", "data-dependent shapes", "max dimensions"} <= set(caps)
    assert isinstance(caps["boolean indexing"], bool)
    assert isinstance(caps["data-dependent shapes"], bool)
    assert caps["max dimensions"] is None or isinstance(caps["max dimensions"], int)


def test_devices():
    devices = info.devices()
    assert isinstance(devices, tuple)
    assert len(devices) >= 1
    assert info.default_device() in devices
    assert xp.zeros(1).device == info.default_device()
    assert any(d == xp.asarray(1.0, device="cpu").device for d in devices)


def test_default_dtypes():
    for device in (None, info.default_device()):
        d = info.default_dtypes(device=device)
        assert set(d) == {"real floating", "complex floating", "integral", "indexing"}
        assert d["real floating"] == xp.float32
        assert d["complex floating"] == xp.complex64
        assert d["integral"] == xp.int32
        assert xp.isdtype(d["indexing"], "integral")
    # The defaults are what creation functions use.
    assert xp.asarray(1.0).dtype == d["real floating"]
    assert xp.asarray(1).dtype == d["integral"]
    assert xp.asarray(1j).dtype == d["complex floating"]


def test_dtypes_all():
    d = info.dtypes()
    assert set(d) == set(STANDARD_DTYPE_NAMES)
    assert all(dtype_name(v) == k for k, v in d.items())


@pytest.mark.parametrize("kind", sorted(KIND_NAMES))
def test_dtypes_by_kind(kind):
    d = info.dtypes(kind=kind)
    assert set(d) == KIND_NAMES[kind]
    assert all(xp.isdtype(v, kind) for v in d.values())


def test_dtypes_tuple_of_kinds():
    d = info.dtypes(kind=("bool", "complex floating", "unsigned integer"))
    assert set(d) == {"bool", "complex64", "uint8", "uint16", "uint32", "uint64"}
    assert info.dtypes(kind=()) == {}


def test_dtypes_errors():
    with pytest.raises(ValueError):
        info.dtypes(kind="floating")
    with pytest.raises(ValueError):
        info.dtypes(kind=("bool", "nope"))
    with pytest.raises(ValueError):
        info.dtypes(device="nonsense")


def test_float64_on_cpu():
    cpu = xp.asarray(0, device="cpu").device
    assert "float64" in info.dtypes(device=cpu)
    assert info.dtypes(device=cpu, kind="real floating")["float64"] == xp.float64
