"""Micro-benchmarks of the linalg and fft extensions: tmath_array, raw MLX and NumPy.

``python -m benchmarks.linalg_fft [--quick]`` prints one row per (case, backend): the
median wall time including synchronisation, and the ratio to the fastest backend.
Raw MLX runs the same factorization on its CPU stream without tmath's guards, so the
tmath/MLX ratio is the cost of validation, the NaN guards and the result tails.
"""

from __future__ import annotations

import argparse

import mlx.core as mx
import numpy as np

import tmath_array as xp

from .harness import Case, add_ratios, measure, mlx_sync, no_sync


def _cases(n: int, m: int) -> list[Case]:
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n)).astype(np.float32) + n * np.eye(n, dtype=np.float32)
    b = rng.standard_normal((n, 4)).astype(np.float32)
    c = (rng.standard_normal((8, m)) + 1j * rng.standard_normal((8, m))).astype(np.complex64)
    r = rng.standard_normal((8, m)).astype(np.float32)
    cq = (rng.standard_normal((16, 16)) + 1j * rng.standard_normal((16, 16))).astype(np.complex64)
    xa, xb, xc, xr, xcq = (xp.asarray(v) for v in (a, b, c, r, cq))
    ma, mb, mc, mr = (mx.array(v) for v in (a, b, c, r))
    cpu = mx.cpu
    la = xp.linalg
    rows = [
        (f"svd {n}x{n}", lambda: la.svd(xa), lambda: mx.linalg.svd(ma, stream=cpu),
         lambda: np.linalg.svd(a)),
        (f"inv {n}x{n}", lambda: la.inv(xa), lambda: mx.linalg.inv(ma, stream=cpu),
         lambda: np.linalg.inv(a)),
        (f"solve {n}x{n}, 4 rhs", lambda: la.solve(xa, xb),
         lambda: mx.linalg.solve(ma, mb, stream=cpu), lambda: np.linalg.solve(a, b)),
        (f"slogdet {n}x{n}", lambda: la.slogdet(xa), lambda: mx.linalg.slogdet(ma, stream=cpu),
         lambda: np.linalg.slogdet(a)),
        (f"cholesky {n}x{n}", lambda: la.cholesky(xa @ xa.mT),
         lambda: mx.linalg.cholesky(ma @ ma.T, stream=cpu), lambda: np.linalg.cholesky(a @ a.T)),
        (f"vector_norm {n}x{n}", lambda: la.vector_norm(xa),
         lambda: mx.linalg.norm(ma), lambda: np.linalg.vector_norm(a)),
        ("qr complex 16x16", lambda: la.qr(xcq), None, lambda: np.linalg.qr(cq)),
        (f"fft 8x{m}", lambda: xp.fft.fft(xc), lambda: mx.fft.fft(mc), lambda: np.fft.fft(c)),
        (f"rfft 8x{m}", lambda: xp.fft.rfft(xr), lambda: mx.fft.rfft(mr),
         lambda: np.fft.rfft(r)),
        (f"hfft 8x{m}", lambda: xp.fft.hfft(xc), None, lambda: np.fft.hfft(c)),
    ]
    cases = []
    for name, tm, raw, ref in rows:
        cases.append(Case("linalg/fft", name, "tmath_array", tm, mlx_sync))
        if raw is not None:
            cases.append(Case("linalg/fft", name, "mlx", raw, mlx_sync))
        cases.append(Case("linalg/fft", name, "numpy", ref, no_sync))
    return cases


def run(quick: bool = False, progress=None) -> list[dict]:
    n, m = (32, 1024) if quick else (128, 4096)
    return add_ratios(measure(_cases(n, m), warmup=3, repeat=5 if quick else 15,
                              progress=progress))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true")
    rows = run(p.parse_args().quick)
    print(f"{'case':24} {'backend':12} {'median ms':>10} {'iqr ms':>8} {'ratio':>6}")
    for r in rows:
        print(f"{r['case']:24} {r['backend']:12} {r['median_s'] * 1e3:10.3f} "
              f"{r['iqr_s'] * 1e3:8.3f} {r['ratio']:6.2f}")


if __name__ == "__main__":
    main()
