"""``TMATH_ARRAY_DEVICE_PATHS=multi``: the multi-device code paths on a CPU-only build.

scripts/test.sh runs a second pass of the device-sensitive tests with the switch on
(and ``check_multi_device_paths.py``, which asserts it is on); these tests start a
process with and without it, so the first pass checks the switch itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from device_paths_probe import expected_results

from tmath_array._runtime import hardware as _hardware

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROBE = os.path.join(ROOT, "tests", "device_paths_probe.py")


def _probe(value: str | None) -> dict:
    env = dict(os.environ)
    env.pop(_hardware.ENV_DEVICE_PATHS, None)
    if value is not None:
        env[_hardware.ENV_DEVICE_PATHS] = value
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, PROBE], env=env, capture_output=True, text=True,
                         timeout=300, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("value", ["multi", " Multi "])
def test_switch_takes_the_stream_branches(value):
    got = _probe(value)
    assert got["forced"] is True
    assert got["one_device"] is False
    assert got["mx_operators"] == 0  # operators call mx.<op>(..., stream=)
    # Composites run under mx.stream with keys that name the device.
    assert {"sort_descending", "vecdot"} <= set(got["device_keyed"])
    assert got["results"] == expected_results()


@pytest.mark.parametrize("value", [None, "", "single", "1"])
def test_without_the_switch_a_cpu_build_takes_the_one_device_paths(value):
    got = _probe(value)
    assert got["forced"] is False
    assert got["one_device"] is (not _hardware.GPU_AVAILABLE)
    if got["one_device"]:
        assert got["mx_operators"] > 0
        assert got["device_keyed"] == []
