"""What ``TMATH_ARRAY_DEVICE_PATHS`` changed in this process, as a dict (run as a script
by test_device_paths.py and imported by check_multi_device_paths.py)."""

from __future__ import annotations

import json

import numpy as np

import tmath_array as xp
from tmath_array._runtime import compile_cache as _compile
from tmath_array._runtime import hardware as _hardware
from tmath_array._standard import elementwise_factory as _factory


def probe() -> dict:
    """The switches, which compile-cache keys a composite used, and a few results."""
    _compile.clear()
    x = xp.asarray([[3.0, -1.0], [0.5, 2.0]])
    y = xp.asarray([[1.0, 4.0], [-2.0, 0.25]])
    results = {
        "add": (x + y).tolist(), "neg": (-x).tolist(), "lt": (x < y).tolist(),
        "sort_descending": xp.sort(x, axis=1, descending=True).tolist(),
        "vecdot": xp.vecdot(x, y).tolist(),
    }
    keys = [k for k in _compile._entries if type(k) is tuple]
    return {
        "one_device": _hardware.ONE_DEVICE,
        "forced": _hardware.FORCE_MULTI_DEVICE_PATHS,
        "mx_operators": len(_factory._MX_OPERATORS),
        "device_keyed": sorted(k[0] for k in keys if ("cpu", 0) in k),
        "results": results,
    }


def expected_results() -> dict:
    x = np.array([[3.0, -1.0], [0.5, 2.0]], dtype=np.float32)
    y = np.array([[1.0, 4.0], [-2.0, 0.25]], dtype=np.float32)
    return {
        "add": (x + y).tolist(), "neg": (-x).tolist(), "lt": (x < y).tolist(),
        "sort_descending": (-np.sort(-x, axis=1)).tolist(),
        "vecdot": (x * y).sum(axis=1).tolist(),
    }


if __name__ == "__main__":
    print(json.dumps(probe()))
