"""The PyTorch training scripts in examples/torch/ run unedited under PyTorch and, through
``python -m tmath_array.torch``, under the PyTorch face on MLX, and learn under both.

The two libraries draw different numbers from the same seed (initial weights, shuffles,
synthetic data), so the runs are compared as training runs: every loss the script prints
falls from its first to its last value under both, the last values are within an order of
magnitude of each other, and reported accuracies agree within a margin.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = sorted((ROOT / "examples" / "torch").glob("*.py"))
NUMBER = r"([-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)"


def _run(args):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env,
                          timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def _series(out: str, word: str) -> list[float]:
    return [float(m) for m in re.findall(rf"\b{word} {NUMBER}", out)]


def test_every_script_is_here():
    assert [p.stem for p in SCRIPTS] == ["cnn_bars", "compiled_step", "ddp_train",
                                         "dynamic_net", "mlp_spirals", "sine_regression"]


@pytest.mark.parametrize("script", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_script_learns_under_both(script):
    theirs = _run([str(script)])
    ours = _run(["-m", "tmath_array.torch", str(script)])
    t_loss, o_loss = _series(theirs, "loss"), _series(ours, "loss")
    assert len(t_loss) == len(o_loss) >= 2, (theirs, ours)
    for losses in (t_loss, o_loss):
        assert losses[-1] < losses[0], losses
    assert abs(math.log10(o_loss[-1] / t_loss[-1])) <= 1.0, (t_loss, o_loss)
    for word in ("accuracy", "error"):
        t, o = _series(theirs, word), _series(ours, word)
        assert len(t) == len(o)
        for a, b in zip(t, o):
            if word == "accuracy":
                assert abs(a - b) <= 0.1, (a, b)
            else:
                assert b < 10 * max(a, 1e-3), (a, b)
    assert ("reloaded parameters equal: True" in theirs) == \
        ("reloaded parameters equal: True" in ours)


def test_the_runner_loads_the_face_for_torch(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import torch, torch.nn.functional as F\n"
                     "from torch.utils.data import DataLoader\n"
                     "print(torch.__name__, F.__name__, DataLoader.__module__)\n")
    out = _run(["-m", "tmath_array.torch", str(probe)])
    assert out.split() == ["tmath_array.torch", "tmath_array.torch.nn.functional",
                           "tmath_array.torch.utils.data"]
