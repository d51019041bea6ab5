"""Shared configuration of the tmath_array test suite.

Hypothesis profiles (choose one with the HYPOTHESIS_PROFILE environment variable):

* ``default``: 50 examples per test;
* ``ci``: 25 examples per test.

Deadlines are off everywhere: MLX compiles and caches kernels on first use, so the
first examples of a test can be much slower than the rest.

This file holds only pytest hooks, fixtures and profiles; the helpers shared by the
test modules (dtype tables, oracles, strategies) are in ``helpers.py``
(``from helpers import ...``).
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings

import mlx.core as mx
import pytest
from hypothesis import HealthCheck, settings

from tmath_array._runtime import lazy as _lazy

# When a Hypothesis test fails, its pytest plugin imports ``hypothesis.extra._patching``
# (and libcst), which emits a DeprecationWarning here; with ``filterwarnings = error``
# that turns a plain failure into an INTERNALERROR. Import it once now, quietly.
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    try:
        import hypothesis.extra._patching  # noqa: F401
    except ImportError:  # libcst is optional
        pass

settings.register_profile(
    "default", max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    # derandomize: CI runs the same examples on every push, so a red run is reproducible.
    "ci", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def pytest_configure(config):
    """Under pytest-xdist with MLX < 0.32.4, one MLX kernel cache directory per worker.

    MLX compiles each new ``mx.compile`` kernel with g++ into ``$TMPDIR/mlx/<version>/cpu``.
    0.32.4 builds it under a temporary name and renames it into place, so workers can
    share the directory (and each kernel is built once). Earlier releases write the .cpp
    and .so in place: a second process may load a half-written library. There a worker
    gets ``$TMPDIR/tmath-array-<worker>`` (kept for the next run).
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    version = tuple(int(p) for p in re.findall(r"\d+", mx.__version__)[:3])
    if worker and version < (0, 32, 4):
        path = os.path.join(tempfile.gettempdir(), f"tmath-array-{worker}")
        os.makedirs(path, exist_ok=True)
        os.environ["TMPDIR"] = path  # MLX reads it at every compile; subprocesses inherit it


# An id holding an object's address ("<function f at 0x7f...>", ids=repr of an object())
# differs between processes; pytest-xdist then refuses to run ("Different tests were
# collected between gw0 and gw1"). Say which test, at collection.
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def pytest_collection_modifyitems(config, items):
    unstable = [item.nodeid for item in items if _ADDRESS.search(item.nodeid)]
    if unstable:
        raise pytest.UsageError(
            "Test ids must not depend on object addresses (pytest-xdist needs the same ids "
            "in every worker); give these parametrisations stable ids:\n  "
            + "\n  ".join(unstable))


@pytest.fixture(autouse=True)
def _reset_sync_counter():
    """Every test starts with empty sync-point counters."""
    _lazy.reset()
    yield
