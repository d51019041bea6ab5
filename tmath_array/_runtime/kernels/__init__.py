"""tmath_array's compiled CPU kernels: an MLX extension (``src/tm_ext.cpp``), if it loads.

Built at install time by ``setup.py`` (CMake, nanobind, the build environment's MLX); the
install never fails for it. At import the module is used only when all of these hold, and
``reason`` says which did not:

- Linux x86-64, MLX's CPU-only build (the primitives have no GPU evaluation);
- ``TMATH_ARRAY_NATIVE_EXT`` is not ``0`` (nor ``TMATH_ARRAY_FAST_MATH``: see ``native.py``);
- the module was built and imports, against the MLX version that is imported now (the
  version is compiled into the module and compared before any kernel is called);
- a first call on a small array builds the expected graph (a module built with another
  nanobind would not even accept MLX's arrays).

Otherwise the fast-math functions keep their fused MLX-op path (``_standard/fast_math.py``).

The kernels: float32 ``exp``, ``expm1``, ``tanh``, ``sigmoid``, ``silu``, ``gelu_erf``,
``gelu_tanh``, ``erf``, ``log``, ``log1p``, ``sin``, ``cos`` (one pass, vectorised, threaded
over the usable cores for large arrays), row-wise ``layer_norm``/``rms_norm`` and
``softmax`` (or log-softmax) over the last axis. Once loaded, it also splits MLX's large
matrix products over the cores (``blas.split_products``). Inputs
of another float dtype are widened to float32 inside the primitive's graph; results are
float32 (callers round back once). This floor knows no Array.
"""

from __future__ import annotations

import importlib.util
import os
import platform
import sys

import mlx.core as mx

from .. import blas as _blas
from ..hardware import GPU_AVAILABLE

ENV = "TMATH_ARRAY_NATIVE_EXT"
_OFF = ("0", "false", "no", "off")

ext = None          # the extension module, when it is used
reason = ""         # why it is not (or what is used)
OPS: dict[str, int] = {}


def _load():
    global ext, reason, OPS
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        reason = "not built for this platform (Linux x86-64 only)"
        return
    for name in (ENV, "TMATH_ARRAY_FAST_MATH"):
        if os.environ.get(name, "").strip().lower() in _OFF:
            reason = f"off ({name}=0)"
            return
    if GPU_AVAILABLE:
        reason = "not used: MLX has a GPU here"
        return
    if importlib.util.find_spec(f"{__name__}._ext") is None:
        reason = ("not built (the install-time build failed or was skipped: "
                  "`pip install -v` shows why)")
        return
    try:
        from . import _ext as mod
    except ImportError as exc:
        reason = f"not loadable ({exc.__class__.__name__}: {exc})"
        return
    if mod.MLX_VERSION != mx.__version__.split("+")[0].split(".dev")[0]:
        reason = (f"not used: built for MLX {mod.MLX_VERSION}, MLX {mx.__version__} is "
                  "imported (reinstall tmath-array to rebuild it)")
        return
    try:
        # (builds a graph, evaluates nothing: an extension of another nanobind ABI refuses
        # MLX's arrays here, with a TypeError)
        ops = {name: i for i, name in enumerate(mod.ops())}
        y = mod.unary(mx.array([0.0, 1.0], mx.float32), ops["exp"])
        if y.shape != (2,) or y.dtype != mx.float32:
            raise ValueError(f"exp of a float32 vector gave {y.dtype}{y.shape}")
    except Exception as exc:  # noqa: BLE001 - any failure means: do not use it
        reason = f"not used: the first call failed ({exc.__class__.__name__}: {exc})"
        return
    ext, OPS = mod, ops
    reason = f"built for MLX {mod.MLX_VERSION}"
    try:
        _blas.split_products(mod)
    except Exception as exc:  # noqa: BLE001 - a speed-up never fails the import
        _blas.status.split = f"no (setting it up failed: {exc!r})"


_load()


def unary(name: str, a):
    """The kernel ``name`` on the MLX array ``a`` (float32 result)."""
    return ext.unary(a, OPS[name])


def info() -> dict:
    """What ``show_config`` reports under ``fast math``."""
    if ext is None:
        return {"used": False, "detail": reason, "isa": None, "threads": None}
    return {"used": True, "detail": reason, "isa": ext.isa(), "threads": ext.num_threads()}
