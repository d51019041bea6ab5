"""What MLX can run on here, read once at import: the facts the layers above build on.

``ONE_DEVICE`` is True on MLX's CPU-only builds (Linux's ``mlx[cpu]``): every op then runs
on the one device, so hot paths skip ``stream=`` and the compile cache skips asking MLX for
the default device. ``TMATH_ARRAY_DEVICE_PATHS=multi`` (set before import) makes the package
take its multi-device code paths on such a build too, so CI exercises the ``stream=``
branches that a Mac or a CUDA machine runs; results are the same, only slower. What it
changes: the operators call ``mx.<op>(..., stream=)`` instead of MLX's Python operators
(``_numpy/bind.py``), and the compile cache keys every composite by device and runs it
inside ``mx.stream`` (``compile_cache.run``). ``scripts/test.sh`` runs a second pass with
it; see docs/architecture.md.
"""

from __future__ import annotations

import os

import mlx.core as mx

ENV_DEVICE_PATHS = "TMATH_ARRAY_DEVICE_PATHS"

GPU_AVAILABLE: bool = mx.is_available(mx.gpu)
FORCE_MULTI_DEVICE_PATHS: bool = os.environ.get(ENV_DEVICE_PATHS, "").strip().lower() == "multi"
# MLX's CPU-only builds have one device: every op runs on it, stream or not.
ONE_DEVICE: bool = not GPU_AVAILABLE and not FORCE_MULTI_DEVICE_PATHS


def device_names() -> list[str]:
    """``["cpu"]``, with ``"gpu"`` where MLX has one."""
    return ["cpu", "gpu"] if GPU_AVAILABLE else ["cpu"]


def default_device_name() -> str:
    return "cpu" if mx.default_device().type == mx.cpu else "gpu"
