"""Differential soak: random programs of chained operations, tmath_array against NumPy.

Hypothesis draws a program of 20 to 200 steps; each step is an operation drawn from the
tables of soak_ops.py and soak_ops_struct.py (elementwise functions and operators with
arrays and Python scalars, broadcasting, reductions with axes, cumulative sums, manipulation,
indexing and ``x[key] = v``, take, matmul, sorting, searching, sets, ``where``, ``clip``,
``astype``, sync points), applied to the variables of the program, most likely the latest.
Every result's dtype and shape are checked at once (without a sync); values are checked when
the program ends, after one ``xp.eval`` of everything: exactly for integers, booleans and
floating values known to be exact, within a propagated error bound otherwise (see
soak_oracle.py). A failing program shrinks: steps become no-ops until the failure needs them.

Quick profile (CI): twice the Hypothesis profile's examples (50 programs with
``HYPOTHESIS_PROFILE=ci``), with the compiled-op cache turned off: on a cold MLX kernel cache
each composite (clip, take, argsort...) compiles C++ for every dtype and rank it meets, which
costs minutes, while the programs themselves run in seconds. The composites' compiled forms
have their own tests. Long profile (thousands of programs, compiled composites included; see
docs/reliability.md):

    SOAK_EXAMPLES=2000 SOAK_COMPILE=1 python -m pytest -q -p no:cacheprovider tests/test_soak.py
"""

from __future__ import annotations

import os

import numpy as np
import pytest
import soak_ops
import soak_ops_struct
from hypothesis import given, settings
from hypothesis import strategies as st
from soak_oracle import RejectError
from soak_program import MismatchError, Program

from tmath_array._runtime import compile_cache as _compile


def _nop(p) -> None:
    """A step that does nothing: what shrinking turns the steps a failure does not need into."""


def _leaf(p) -> None:
    p.leaf()


# Weighted by repetition; _nop first, so Hypothesis shrinks a step towards it.
STEPS = [_nop] + [f for f, w in [(_leaf, 6), *soak_ops.OPS, *soak_ops_struct.OPS]
                  for _ in range(w)]

_EXAMPLES = int(os.environ.get("SOAK_EXAMPLES", "0")) or 2 * settings().max_examples


@pytest.fixture(scope="module")
def compile_setting():
    """The compiled-op cache off, unless ``SOAK_COMPILE=1`` (see the module docstring)."""
    enabled = _compile.enabled
    _compile.enabled = os.environ.get("SOAK_COMPILE", "") == "1" and enabled
    _compile.clear()
    yield
    _compile.enabled = enabled
    _compile.clear()


def run_program(steps, seeds, start_seed: int = 0) -> Program:
    """Run the program given by its steps and per-step seeds; raise on a disagreement."""
    p = Program()
    p.rng = np.random.default_rng(start_seed)
    for _ in range(3):
        p.leaf()
    for step, seed in zip(steps, seeds):
        if step is _nop:
            continue
        p.rng = np.random.default_rng(seed)
        try:
            step(p)
        except RejectError:
            pass
        except MismatchError:
            raise
        except Exception as exc:  # tmath_array raised where NumPy computed a value
            p.fail(f"# step {step.__module__}.{step.__name__}, seed {seed}",
                   f"raised {type(exc).__name__}: {exc}")
    p.check_values()
    return p


@settings(max_examples=_EXAMPLES)
@given(st.data())
def test_programs_agree_with_numpy(compile_setting, data):
    n = data.draw(st.integers(20, 200), label="steps")
    start = data.draw(st.integers(0, 2**32 - 1), label="start seed")
    steps, seeds = [], []
    for _ in range(n):
        steps.append(data.draw(st.sampled_from(STEPS)))
        seeds.append(data.draw(st.integers(0, 2**32 - 1)))
    run_program(steps, seeds, start)
