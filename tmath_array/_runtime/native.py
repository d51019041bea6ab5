"""Which elementwise kernels run on the CPU device, and how MLX compiles them there.

MLX's Linux CPU build runs its own ``exp``, ``tanh``, ``erf``, ``sin``... one element at a
time (SIMD width 1 on x86) and, for fused kernels, runs ``g++ -O3`` for baseline x86-64,
where the ``fma`` of its polynomials is a libm call. The fast-math kernels
(``_standard/fast_math.py``: range reduction and polynomials written in MLX ops, fused by
``mx.compile``) replace them on the CPU device when this module says they are on:

- on Linux x86-64, with compilation enabled (``TMATH_ARRAY_NO_COMPILE`` unset) and a C++
  compiler (``g++``) on ``PATH``: without one MLX cannot fuse, and op by op the kernels
  would be slower than MLX's own;
- ``TMATH_ARRAY_FAST_MATH=0`` turns them off (MLX's own ops everywhere).

**The extension.** Where tmath_array's compiled kernels load (``kernels/``: one vectorised,
threaded pass per function, built at install time; ``TMATH_ARRAY_NATIVE_EXT=0`` turns them
off), the fast-math functions run them instead of the fused MLX ops, and ``sin``/``cos``
and the layer/RMS norms use them too. They need neither compilation nor ``g++`` at run
time; the fused path below stays the fallback (extension not built, built for another
MLX, or switched off).

**The compiler lever.** With ``TMATH_ARRAY_NATIVE_KERNELS`` unset (or ``1``), the package
puts a small wrapper named ``g++`` first on ``PATH`` (a private directory made for this
process, removed at exit). MLX runs ``g++`` through the shell for each new fused kernel;
the wrapper adds ``-march=native`` when the kernel's source contains this process's
marker (a constant that only the fast-math kernels carry) and passes every other kernel
through unchanged. The marker value is derived from the CPU (model and feature flags from
``/proc/cpuinfo``) and the compiler's version, and MLX names each kernel file after its
ops and a hash of its constants, so a kernel built for one CPU is never loaded on another
one that shares the kernel cache (``$TMPDIR/mlx/<version>/cpu``): no SIGILL.
``TMATH_ARRAY_NATIVE_KERNELS=0`` leaves ``PATH`` alone (the kernels are then built for
baseline x86-64, slower, and still used). ``xp.show_config()`` reports all of it.

This floor knows no Array: it only answers whether, and with which marker.
"""

from __future__ import annotations

import atexit
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import zlib

import mlx.core as mx

from . import compile_cache as _compile
from . import kernels as _kernels
from .hardware import GPU_AVAILABLE

ENV_FAST = "TMATH_ARRAY_FAST_MATH"
ENV_NATIVE = "TMATH_ARRAY_NATIVE_KERNELS"
COMPILER = "g++"  # the name MLX's CPU JIT runs (mlx/backend/cpu/jit_compiler.cpp)

_OFF = ("0", "false", "no", "off")


def _env_on(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() not in _OFF


def cpu_signature() -> str:
    """The CPU model and feature flags (what ``-march=native`` depends on), as one string."""
    fields: dict[str, str] = {}
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                key, _, value = line.partition(":")
                key = key.strip()
                if key in ("vendor_id", "cpu family", "model", "model name", "flags") \
                        and key not in fields:
                    fields[key] = " ".join(sorted(value.split())) if key == "flags" \
                        else value.strip()
                if len(fields) == 5:
                    break
    except OSError:
        pass
    return "|".join(f"{k}={fields.get(k, '')}" for k in
                    ("vendor_id", "cpu family", "model", "model name", "flags")) \
        + f"|{platform.machine()}"


def _compiler_version(path: str) -> str:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30,
                             check=False)
        return out.stdout.splitlines()[0] if out.stdout else ""
    except (OSError, subprocess.SubprocessError):
        return ""


def _marker_for(text: str) -> int:
    # A 10-digit int32 constant (1e9 <= m < 2**31): never the value of a clamp or a shift
    # a kernel really needs, and printed verbatim in the kernel's C++ source.
    return 1_000_000_000 + zlib.crc32(text.encode()) % 1_000_000_000


_WRAPPER = """#!/bin/sh
# Made by tmath_array (see tmath_array/_runtime/native.py): MLX runs "g++" for its fused CPU
# kernels; the kernels of tmath_array's fast math carry the marker {marker} and are built for
# this CPU (-march=native); every other source is compiled exactly as MLX asked.
src=
for a in "$@"; do
  case "$a" in *.cpp) src="$a" ;; esac
done
if [ -n "$src" ] && grep -q -F -e '{marker};' "$src" 2>/dev/null; then
  exec {real} "$@" -march=native
fi
exec {real} "$@"
"""


class _State:
    fast: bool = False          # fast-math kernels used on the CPU device
    ext: bool = False           # ... from the compiled extension (kernels/)
    native: bool = False        # their kernels built with -march=native
    marker: int = 0             # the int32 constant every fast kernel carries
    reason: str = ""            # why fast or native is off
    compiler: str | None = None
    wrapper_dir: str | None = None


state = _State()


def _setup() -> None:
    if sys.platform != "linux" or platform.machine() not in ("x86_64", "AMD64"):
        state.reason = "MLX's own kernels (not Linux x86-64)"
        return
    if not _env_on(ENV_FAST):
        state.reason = f"off ({ENV_FAST}=0)"
        return
    state.ext = _kernels.ext is not None
    if not _compile.enabled:
        state.fast = state.ext
        state.reason = "compilation disabled (TMATH_ARRAY_NO_COMPILE): " + (
            "the extension only" if state.ext else "off")
        return
    real = shutil.which(COMPILER)
    if real is None:
        state.fast = state.ext
        state.reason = (f"no C++ compiler ({COMPILER} not on PATH, MLX cannot fuse): "
                        + ("the extension only" if state.ext else "off"))
        return
    state.fast = True
    state.compiler = real
    if not _env_on(ENV_NATIVE):
        state.reason = f"baseline x86-64 kernels ({ENV_NATIVE}=0)"
        state.marker = _marker_for("baseline")
        return
    version = _compiler_version(real)
    if not version:
        state.reason = f"baseline x86-64 kernels ({real} --version failed)"
        state.marker = _marker_for("baseline")
        return
    marker = _marker_for(f"{cpu_signature()}|{version}|-march=native")
    try:
        d = tempfile.mkdtemp(prefix="tmath_array_cxx_")
        path = os.path.join(d, COMPILER)
        with open(path, "w", encoding="utf-8") as f:
            f.write(_WRAPPER.format(marker=marker, real=shlex.quote(real)))
        os.chmod(path, 0o700)
    except OSError as exc:
        state.reason = f"baseline x86-64 kernels (could not write the compiler wrapper: {exc})"
        state.marker = _marker_for("baseline")
        return
    atexit.register(shutil.rmtree, d, True)
    # A wrapper that cannot run (a temporary directory mounted noexec, say) would make every
    # MLX kernel compilation fail: check it first, and stay on the plain compiler otherwise.
    if _compiler_version(path) != version:
        state.reason = f"baseline x86-64 kernels (the compiler wrapper in {d} does not run)"
        state.marker = _marker_for("baseline")
        return
    os.environ["PATH"] = d + os.pathsep + os.environ.get("PATH", "")
    state.native = True
    state.marker = marker
    state.wrapper_dir = d
    state.reason = "-march=native (kernels keyed by CPU and compiler)"


_setup()


def use_fast(device_mx) -> bool:
    """Whether the fast-math kernels serve an op on this MLX device."""
    return state.fast and (not GPU_AVAILABLE or device_mx.type == mx.cpu)


def info() -> dict:
    """What ``show_config`` prints under ``fast math``."""
    return {
        "enabled": state.fast,
        "extension": {**_kernels.info(), "used": state.fast and state.ext},
        "native": state.native,
        "detail": state.reason,
        "compiler": state.compiler,
        "wrapper": state.wrapper_dir,
        "marker": state.marker if state.fast else None,
    }
