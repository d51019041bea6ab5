"""The namespace as a whole: version, __array_namespace__, and the exported names."""

from __future__ import annotations

import inspect
import types

import numpy as np
import pytest
import torch

import tmath_array as xp

# The names of the sections this namespace implements, from the 2025.12 specification.
SPEC_NAMES = {
    "creation": """arange asarray empty empty_like eye from_dlpack full full_like linspace
                   meshgrid ones ones_like tril triu zeros zeros_like""",
    "data_type": "astype can_cast finfo iinfo isdtype result_type",
    "utility": "all any diff",
    "constants": "e inf nan newaxis pi",
    "dtypes": """bool int8 int16 int32 int64 uint8 uint16 uint32 uint64
                 float32 float64 complex64""",
    "info": "__array_namespace_info__",
}
# Extensions of the standard this namespace exports on purpose.
EXTENSION_DTYPES = ("float16", "bfloat16")
INFO_METHODS = ("capabilities", "default_device", "default_dtypes", "devices", "dtypes")


def test_array_api_version():
    assert xp.__array_api_version__ == "2025.12"


@pytest.mark.parametrize("version", ["2023.12", "2024.12", "2025.12", None])
def test_array_namespace_accepts_supported_versions(version):
    x = xp.asarray([1, 2])
    assert x.__array_namespace__(api_version=version) is xp
    assert x.__array_namespace__() is xp


@pytest.mark.parametrize("version", ["2021.12", "2022.12", "2026.12", "latest", ""])
def test_array_namespace_rejects_other_versions(version):
    with pytest.raises(ValueError):
        xp.asarray(1.0).__array_namespace__(api_version=version)


@pytest.mark.parametrize("section", sorted(SPEC_NAMES))
def test_spec_section_names_are_exported(section):
    names = SPEC_NAMES[section].split()
    missing = [n for n in names if not hasattr(xp, n)]
    assert missing == []
    not_in_all = [n for n in names if n not in xp.__all__]
    assert not_in_all == []


def test_extension_dtypes_are_exported():
    for name in EXTENSION_DTYPES:
        assert name in xp.__all__
        assert xp.isdtype(getattr(xp, name), "real floating")


def test_constants_values():
    import math

    assert xp.e == math.e
    assert xp.pi == math.pi
    assert xp.inf == math.inf
    assert math.isnan(xp.nan)
    assert xp.newaxis is None


def test_info_object_has_spec_methods():
    info = xp.__array_namespace_info__()
    for name in INFO_METHODS:
        assert callable(getattr(info, name)), name


def _is_stub(obj) -> bool:
    """A function (or class with methods) whose source raises NotImplementedError."""
    if not (inspect.isfunction(obj) or inspect.isclass(obj)):
        return False
    try:
        src = inspect.getsource(obj)
    except (OSError, TypeError):
        return False
    return "NotImplementedError" in src


@pytest.mark.parametrize("name", xp.__all__)
def test_all_entries_exist_and_are_not_stubs(name):
    assert hasattr(xp, name), f"{name} is in __all__ but missing"
    assert not _is_stub(getattr(xp, name)), f"{name} looks like a NotImplementedError stub"


def test_all_has_no_duplicates():
    assert len(xp.__all__) == len(set(xp.__all__))


def test_no_public_name_leaks_outside_all():
    """Every public attribute is in __all__, a submodule, or the ``annotations`` future."""
    allowed = set(xp.__all__) | {"annotations"}
    leaked = []
    for name in dir(xp):
        if name.startswith("_") or name in allowed:
            continue
        if isinstance(getattr(xp, name), types.ModuleType):
            continue
        leaked.append(name)
    assert leaked == []


def test_no_mlx_names_leak():
    """Names of ``mlx.core`` are only exported when the standard (or __all__) asks."""
    import types

    import mlx.core as mx

    # Submodules (xp.distributed, imported by a test) are ours, not MLX's names.
    public = {n for n in dir(xp) if not n.startswith("_")
              and not isinstance(getattr(xp, n), types.ModuleType)}
    mx_names = {n for n in dir(mx) if not n.startswith("_")}
    assert (public & mx_names) - set(xp.__all__) == set()


# --- flags and named options take bools and strings only -----------------------------------
# (found by tools/fuzz: an array or tensor given as a flag or an option was asked for its
# truth value or compared with the options: NumPy's "truth value of an array is ambiguous"
# ValueError, PyTorch's RuntimeError)

def _flag_calls():
    import tmath_array.nn as nn

    x, v = xp.ones((3, 3)), xp.ones(3)
    return {
        "cholesky: upper": lambda b: xp.linalg.cholesky(xp.eye(2), upper=b),
        "svd: full_matrices": lambda b: xp.linalg.svd(x, full_matrices=b),
        "linspace: endpoint": lambda b: xp.linspace(0, 1, 3, endpoint=b),
        "astype: copy": lambda b: xp.astype(x, xp.float32, copy=b),
        "sync_stats: reset": lambda b: xp.sync_stats(reset=b),
        "searchsorted: side": lambda b: xp.searchsorted(v, v, side=b),
        "qr: mode": lambda b: xp.linalg.qr(x, mode=b),
        "meshgrid: indexing": lambda b: xp.meshgrid(v, indexing=b),
        "fft: norm": lambda b: xp.fft.fft(xp.ones(4, dtype=xp.complex64), norm=b),
        "gelu: approximate": lambda b: nn.gelu(v, approximate=b),
        "reshape: copy": lambda b: xp.reshape(x, (9,), copy=b),
        "asarray: copy": lambda b: xp.asarray(x, copy=b),
    }


@pytest.mark.parametrize("what", sorted(_flag_calls()))
def test_flags_and_options_refuse_arrays(what):
    call = _flag_calls()[what]
    exc = ValueError if what.endswith("copy") and what != "astype: copy" else TypeError
    for bad in (np.ones(2), torch.ones(2), xp.ones(2)):
        with pytest.raises(exc, match=f"^{what}"):
            call(bad)
