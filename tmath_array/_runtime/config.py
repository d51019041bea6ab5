"""``show_config`` / ``config_info``: what tmath_array runs on, for bug reports and tuning."""

from __future__ import annotations

import os
import platform
import sys

import mlx.core as mx

from . import blas as _blas
from . import compile_cache as _compile
from . import defaults as _defaults
from . import hardware as _hardware
from . import memory as _memory
from . import native as _native
from .version import __array_api_version__, __version__


def config_info() -> dict:
    """The configuration tmath_array runs with, as a plain dict.

    Keys: ``tmath_array`` (version, array API version), ``mlx`` (version and
    devices), ``python``, ``platform``, ``blas`` (the BLAS/LAPACK MLX calls,
    its path, how it was chosen and what serves a matmul and an SVD now),
    ``compile`` (whether composites go through ``mx.compile``, cache counters),
    ``default_dtypes`` (the rule, ``"mlx"`` or ``"numpy"``, and where it comes from),
    ``memory`` (the largest array allowed, see docs/memory.md) and ``threads``
    (BLAS threads, MLX's, the cores this process may use).
    """
    blas = _blas.info()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "tmath_array": {"version": __version__, "array_api_version": __array_api_version__},
        "mlx": {
            "version": mx.__version__,
            "devices": _hardware.device_names(),
            "default_device": _hardware.default_device_name(),
            "device_name": mx.device_info().get("device_name") if hasattr(mx, "device_info")
            else None,
        },
        "python": sys.version.split()[0],
        "platform": f"{platform.system()} {platform.machine()}",
        "blas": blas,
        "compile": {"enabled": _compile.enabled, **_compile.info()},
        "default_dtypes": {"rule": _defaults.mode, "source": _defaults.source},
        "fast_math": _native.info(),
        "memory": {"max_array_bytes": _memory.max_bytes, "source": _memory.source},
        "threads": {
            "blas": blas["threads"],
            "blas_source": blas["threads_source"],
            # MLX runs a CPU stream's ops one after another on one worker thread.
            "mlx": "1 worker thread per CPU stream",
            "cores_available": cores,
        },
    }


def show_config() -> None:
    """Print :func:`config_info` as a short report (paste it into bug reports)."""
    info = config_info()
    blas, thr = info["blas"], info["threads"]
    lines = [
        f"tmath_array {info['tmath_array']['version']} "
        f"(array API {info['tmath_array']['array_api_version']})",
        f"python:        {info['python']} on {info['platform']}",
        f"mlx:           {info['mlx']['version']}",
        f"devices:       {', '.join(info['mlx']['devices'])} "
        f"(default {info['mlx']['default_device']}; {info['mlx']['device_name']})",
        f"blas/lapack:   {_blas_summary(blas)}",
    ]
    if blas["library"]:
        lines += [f"  library:     {blas['library']}",
                  f"  chosen by:   {blas['chosen_by']}",
                  f"  rebound:     {blas['rebound_symbols']} BLAS/LAPACK imports of MLX"]
    if blas["split"]:
        lines.append(f"  matmul:      {blas['split']}")
    for name, path in blas["served_by"].items():
        lines.append(f"  {name + ':':<12} {path or 'not imported by MLX'}")
    for name, why in blas["skipped_symbols"].items():
        lines.append(f"  left alone:  {name}: {why}")
    lines += [
        f"compile:       {'enabled' if info['compile']['enabled'] else 'disabled'} "
        f"(mx.compile cache: {info['compile']['entries']} entries, "
        f"{info['compile']['hits']} hits, {info['compile']['misses']} misses)",
        f"fast math:     {_fast_math_summary(info['fast_math'])}",
        f"dtypes:        {_defaults_summary(info['default_dtypes'])}",
        f"largest array: {_memory.format_bytes(info['memory']['max_array_bytes'])} "
        f"({info['memory']['source']})",
        f"threads:       blas {thr['blas'] if thr['blas'] is not None else 'n/a'}"
        + (f" ({thr['blas_source']})" if thr["blas_source"] else "")
        + f"; mlx {thr['mlx']}; {thr['cores_available']} cores available",
    ]
    lines += [f"note:          {note}" for note in blas["notes"]]
    print("\n".join(lines))


def _defaults_summary(dd: dict) -> str:
    rule = ("float64/int64 on the CPU, float32/int32 on the GPU" if dd["rule"] == "numpy"
            else "float32/int32 on every device")
    return f"default {dd['rule']!r}: {rule} (from {dd['source']})"


def _fast_math_summary(fm: dict) -> str:
    ext = fm["extension"]
    if ext["used"]:
        ext_line = (f"\n  extension:   used ({ext['detail']}; {ext['isa']} loops, "
                    f"{ext['threads']} threads): exp/expm1/log/log1p/tanh/sigmoid/erf/sin/cos, "
                    "GELU/SiLU, layer/RMS norm, softmax/log-softmax")
    else:
        ext_line = f"\n  extension:   {ext['detail']}"
    if not fm["enabled"]:
        return f"MLX's own exp/tanh/erf kernels: {fm['detail']}{ext_line}"
    where = f"; compiler wrapper {fm['wrapper']} on PATH" if fm["wrapper"] else ""
    fused = "fallback " if ext["used"] else ""
    return (f"{fused}exp/expm1/log/log1p/tanh/sigmoid/erf fused kernels on the CPU, "
            f"{fm['detail']}{where}{ext_line}")


def _blas_summary(blas: dict) -> str:
    if blas["mode"] == "optimised":
        return f"optimised: {blas['description']}"
    if blas["mode"] == "platform":
        return "the platform's (MLX's own choice)"
    return "reference (MLX's bundled netlib BLAS/LAPACK, unoptimised)"
