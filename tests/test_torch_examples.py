"""The examples/torch_*.py scripts print the same as under real PyTorch.

Each script runs twice in a subprocess: with ``import tmath_array.torch as torch`` and
with the real ``torch`` (the import of the face made to fail). The printed text must match
once every number is taken out, and the numbers must agree to float32 tolerance.
"""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRIPTS = sorted((ROOT / "examples").glob("torch_*.py"))

_REAL = (
    "import builtins, runpy, sys\n"
    "_imp = builtins.__import__\n"
    "def imp(name, *a, **k):\n"
    "    if name == 'tmath_array.torch':\n"
    "        raise ImportError(name)\n"
    "    return _imp(name, *a, **k)\n"
    "builtins.__import__ = imp\n"
    "runpy.run_path(sys.argv[1], run_name='__main__')\n"
)
_NUM = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _run(script: pathlib.Path, real: bool) -> str:
    env = {"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}
    cmd = [sys.executable, "-c", _REAL, str(script)] if real else [sys.executable, str(script)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_example_matches_pytorch(script):
    face = _run(script, real=False)
    real = _run(script, real=True)
    assert _NUM.sub("#", face).replace("-#", "#") == _NUM.sub("#", real).replace("-#", "#")
    fn = [float(v) for v in _NUM.findall(face)]
    rn = [float(v) for v in _NUM.findall(real)]
    assert len(fn) == len(rn)
    for a, b in zip(fn, rn):
        # Printed values are rounded (4 decimals in tensors, 3 in losses): one unit of the
        # last printed digit, or float32 relative error.
        assert abs(a - b) <= max(2e-3, 1e-4 * abs(b)), (a, b)


def test_there_are_five_textbook_scripts():
    assert len(SCRIPTS) >= 5
