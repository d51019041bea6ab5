"""Fast CPU kernels (issue 23): tmath_array against raw MLX, NumPy/SciPy and PyTorch CPU.

    python -m benchmarks.bench_fast_math [--quick] [--bar] [--json out.json]

float32, one evaluated call per sample, medians of interleaved rounds (benchmarks/harness.py);
every row of a case is measured in the same run, so the ratios are fair even on a busy
machine. Each row carries the 1-minute load average at its end. Rows:

- exp, expm1, tanh, sin, log, log1p at 1M elements: ``xp.<f>`` / ``mx.<f>`` / ``np.<f>``;
- erf at 1M: the fast kernel (``nn.gelu`` uses it; the namespace has no erf) / ``mx.erf`` /
  ``scipy.special.erf`` (NumPy has none) / ``torch.erf``;
- sigmoid, GELU (both forms), SiLU, softmax, layer norm, rms norm at 1024x1024:
  ``tmath_array.nn`` / MLX / PyTorch CPU;
- matmul 2048 float32: ``xp.matmul`` / NumPy (see docs/fast_math.md on the BLAS threads);
- the small-array cost: exp and GELU at 1,000 elements.

Where the compiled extension serves (``_runtime/kernels``), the ``fused`` backend is the
same function on the fallback path (the fused MLX-op kernels), in the same run. The last
table checks issue 23's bar (``--bar`` runs its rows only): exp, tanh, sin at 1M within
1.5x NumPy, erf within 1.5x SciPy, GELU 1024x1024 within 5x and layer norm within 3x
PyTorch CPU, matmul 2048 within 1.1x NumPy.
"""

from __future__ import annotations

import json
import os

import mlx.core as mx
import numpy as np

import tmath_array as xp
import tmath_array.nn as tnn
from benchmarks.harness import Case, add_ratios, measure, mlx_sync, no_sync
from tmath_array._runtime import native as _native
from tmath_array._standard import fast_math as _fm

GROUP = "fast CPU kernels (float32)"

# issue 23's bar: case -> (reference backend, largest ratio allowed)
BAR = {"exp 1M": ("numpy", 1.5), "tanh 1M": ("numpy", 1.5), "sin 1M": ("numpy", 1.5),
       "erf 1M": ("scipy", 1.5), "gelu 1024x1024": ("torch", 5.0),
       "layer norm 1024x1024": ("torch", 3.0), "matmul 2048": ("numpy", 1.1)}


def _fused(fn):
    """``fn`` built on the fallback path (the fused MLX-op kernels, extension off)."""
    def run():
        saved = _native.state.ext
        _native.state.ext = False
        try:
            return fn()
        finally:
            _native.state.ext = saved

    return run


def _load() -> float:
    return os.getloadavg()[0]


def _groups(bar_only: bool = False):
    import scipy.special as sps
    import torch
    import torch.nn.functional as tf

    rng = np.random.default_rng(0)
    n1 = rng.uniform(-10, 10, 1 << 20).astype(np.float32)
    npos = rng.uniform(0.01, 10, 1 << 20).astype(np.float32)
    n2 = rng.standard_normal((1024, 1024), dtype=np.float32)
    w = rng.standard_normal(1024, dtype=np.float32)
    b = rng.standard_normal(1024, dtype=np.float32)
    small = rng.uniform(-5, 5, 1000).astype(np.float32)
    a1, m1, t1 = xp.asarray(n1), mx.array(n1), torch.from_numpy(n1)
    ap, mp = xp.asarray(npos), mx.array(npos)
    a2, m2, t2 = xp.asarray(n2), mx.array(n2), torch.from_numpy(n2)
    aw, ab, mw, mb = xp.asarray(w), xp.asarray(b), mx.array(w), mx.array(b)
    tw, tb = torch.from_numpy(w), torch.from_numpy(b)
    asm, msm = xp.asarray(small), mx.array(small)
    mat = rng.standard_normal((2048, 2048), dtype=np.float32)
    amat = xp.asarray(mat)
    ext = _fm.uses_ext()
    groups = []
    for name in ("exp", "expm1", "tanh", "sin", "log", "log1p"):
        src_a, src_m, src_n = (ap, mp, npos) if name.startswith("log") else (a1, m1, n1)
        fx, fm_, fn = getattr(xp, name), getattr(mx, name), getattr(np, name)
        row = [("tmath_array", lambda f=fx, a=src_a: f(a), mlx_sync),
               ("mlx", lambda f=fm_, a=src_m: f(a), mlx_sync),
               ("numpy", lambda f=fn, a=src_n: f(a), no_sync)]
        if ext and name != "sin":  # (sin has no fused kernel: MLX's own is the fallback)
            fused_fn = getattr(_fm, name)
            row.append(("fused", _fused(lambda f=fused_fn, a=src_m: f(a)), mlx_sync))
        groups.append((f"{name} 1M", row))
    erf_row = [
        ("tmath_array", lambda: _fm.erf(m1) if _fm.serves(m1) else mx.erf(m1), mlx_sync),
        ("mlx", lambda: mx.erf(m1), mlx_sync),
        ("scipy", lambda: sps.erf(n1), no_sync),
        ("torch", lambda: torch.erf(t1), no_sync)]
    if ext:
        erf_row.append(("fused", _fused(lambda: _fm.erf(m1)), mlx_sync))
    groups.append(("erf 1M", erf_row))
    nn_rows = [
        ("sigmoid", lambda: tnn.sigmoid(a2), lambda: mx.sigmoid(m2), lambda: torch.sigmoid(t2)),
        ("gelu", lambda: tnn.gelu(a2), lambda: _mlx_gelu(m2), lambda: tf.gelu(t2)),
        ("gelu tanh", lambda: tnn.gelu(a2, approximate="tanh"), lambda: _mlx_gelu_tanh(m2),
         lambda: tf.gelu(t2, approximate="tanh")),
        ("silu", lambda: tnn.silu(a2), lambda: m2 * mx.sigmoid(m2), lambda: tf.silu(t2)),
        ("softmax", lambda: tnn.softmax(a2, -1), lambda: mx.softmax(m2, axis=-1, precise=True),
         lambda: torch.softmax(t2, -1)),
        ("layer norm", lambda: tnn.layer_norm(a2, (1024,), aw, ab),
         lambda: mx.fast.layer_norm(m2, mw, mb, 1e-5),
         lambda: tf.layer_norm(t2, (1024,), tw, tb, 1e-5)),
        ("rms norm", lambda: tnn.rms_norm(a2, (1024,), aw),
         lambda: mx.fast.rms_norm(m2, mw, 1.1920929e-07),
         lambda: tf.rms_norm(t2, (1024,), tw)),
    ]
    for name, ours, raw, theirs in nn_rows:
        row = [("tmath_array", ours, mlx_sync), ("mlx", raw, mlx_sync),
               ("torch", theirs, no_sync)]
        if ext and name in ("sigmoid", "gelu", "gelu tanh", "silu", "softmax"):
            row.append(("fused", _fused(ours), mlx_sync))
        groups.append((f"{name} 1024x1024", row))
    groups.append(("exp 1000", [
        ("tmath_array", lambda: xp.exp(asm), mlx_sync),
        ("mlx", lambda: mx.exp(msm), mlx_sync),
        ("numpy", lambda: np.exp(small), no_sync)]))
    groups.append(("gelu 1000", [
        ("tmath_array", lambda: tnn.gelu(asm), mlx_sync),
        ("mlx", lambda: _mlx_gelu(msm), mlx_sync)]))
    groups.append(("matmul 2048", [
        ("tmath_array", lambda: xp.matmul(amat, amat), mlx_sync),
        ("numpy", lambda: mat @ mat, no_sync)]))
    if bar_only:
        groups = [g for g in groups if g[0] in BAR]
    return groups


_SQRT_HALF = 0.7071067811865476


def _mlx_gelu(m):
    return 0.5 * m * (1.0 + mx.erf(m * _SQRT_HALF))


def _mlx_gelu_tanh(m):
    return 0.5 * m * (1.0 + mx.tanh(0.7978845608028654 * (m + 0.044715 * m * m * m)))


def run(quick: bool = False, progress=None, bar_only: bool = False) -> list[dict]:
    import torch

    torch.set_num_threads(max(1, len(os.sched_getaffinity(0))))
    rows = []
    for case, backends in _groups(bar_only):
        cases = [Case(GROUP, case, name, fn, sync) for name, fn, sync in backends]
        repeat = 5 if quick else (7 if case == "matmul 2048" else 15)
        # matmul: BLAS thread pools on both sides, timed back to back (see harness.measure)
        got = measure(cases, warmup=2, repeat=repeat, progress=progress,
                      interleave=case != "matmul 2048",
                      settle=0.3 if case == "matmul 2048" else 0.0)
        load = _load()
        for r in got:
            r["load"] = load
        rows += got
    return add_ratios(rows)


def fmt(rows: list[dict]) -> str:
    by_case: dict[str, dict[str, dict]] = {}
    for r in rows:
        by_case.setdefault(r["case"], {})[r["backend"]] = r
    lines = ["| case | tmath_array | fused (fallback) | raw MLX | NumPy/SciPy | PyTorch CPU | "
             "tmath / ref | load |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for case, rs in by_case.items():
        def ms(name, rs=rs):
            r = rs.get(name)
            return f"{r['median_s'] * 1e3:.3g} ms" if r else ""
        ours = rs["tmath_array"]["median_s"]
        ref_name = "torch" if "torch" in rs and "1024x1024" in case else (
            "numpy" if "numpy" in rs else "scipy" if "scipy" in rs else "mlx")
        ratio = ours / rs[ref_name]["median_s"]
        np_or_sp = ms("numpy") or ms("scipy")
        lines.append(f"| {case} | {ms('tmath_array')} | {ms('fused')} | {ms('mlx')} | {np_or_sp} | "
                     f"{ms('torch')} | {ratio:.2f}x {ref_name} | "
                     f"{rs['tmath_array']['load']:.1f} |")
    bar = [(case, *BAR[case]) for case in by_case if case in BAR]
    if bar:
        lines += ["", "| issue 23 bar | tmath_array | reference | ratio | limit | met |",
                  "|---|---:|---:|---:|---:|---|"]
        for case, ref, limit in bar:
            rs = by_case[case]
            ours, theirs = rs["tmath_array"]["median_s"], rs[ref]["median_s"]
            lines.append(f"| {case} | {ours * 1e3:.3g} ms | {theirs * 1e3:.3g} ms ({ref}) | "
                         f"{ours / theirs:.2f}x | {limit}x | "
                         f"{'yes' if ours / theirs <= limit else 'no'} |")
    info = xp.config_info()["fast_math"]
    ext = info["extension"]
    lines.append("")
    lines.append(f"fast math: enabled={info['enabled']} native={info['native']} ({info['detail']})")
    lines.append(f"extension: used={ext['used']} ({ext['detail']}; isa={ext['isa']}, "
                 f"threads={ext['threads']}); load average at the end: {_load():.1f}")
    return "\n".join(lines)


if __name__ == "__main__":
    import argparse

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true")
    p.add_argument("--bar", action="store_true", help="only the rows of issue 23's bar")
    p.add_argument("--json")
    args = p.parse_args()
    out = run(quick=args.quick, bar_only=args.bar)
    print(fmt(out))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
