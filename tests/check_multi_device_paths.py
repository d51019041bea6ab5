"""Run only by scripts/test.sh's second pass (``TMATH_ARRAY_DEVICE_PATHS=multi``): asserts
that the switch took effect in that process, so the pass really ran the ``stream=``
branches. Not collected by a plain ``pytest`` (the name does not start with ``test_``).
"""

from __future__ import annotations

from device_paths_probe import expected_results, probe


def test_multi_device_paths_are_on():
    got = probe()
    assert got["forced"] is True, "TMATH_ARRAY_DEVICE_PATHS=multi was not set before import"
    assert got["one_device"] is False
    assert got["mx_operators"] == 0
    assert {"sort_descending", "vecdot"} <= set(got["device_keyed"])
    assert got["results"] == expected_results()
