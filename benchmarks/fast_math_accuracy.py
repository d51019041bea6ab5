"""Exhaustive accuracy of the fast float32 kernels: every float32 input, max ulp error.

    python -m benchmarks.fast_math_accuracy [--stride 1] [--chunk 24] [exp expm1 ...]

The reference is NumPy's/SciPy's float64 result; the error is |got - ref| in units of the
float32 spacing at the correctly rounded result (NaN must give NaN, infinities must
match). ``--stride k`` checks every k-th bit pattern (1: all 2**32). Prints, per function,
the max error, where it occurs and how many inputs are above 1, 2, 4 ulp. It checks the path
the package uses here (the compiled extension where it loads, with sin and cos; else the
fused MLX-op kernels): ``TMATH_ARRAY_NATIVE_EXT=0`` checks the fallback.
"""

from __future__ import annotations

import argparse
import time

import mlx.core as mx
import numpy as np
import scipy.special as sps

from tmath_array._standard import fast_math as fm

FUNCS = {"exp": (fm.exp, np.exp), "expm1": (fm.expm1, np.expm1), "tanh": (fm.tanh, np.tanh),
         "sigmoid": (fm.sigmoid, sps.expit), "erf": (fm.erf, sps.erf), "log": (fm.log, np.log),
         "log1p": (fm.log1p, np.log1p)}
if fm.uses_ext():  # sin and cos: the extension only
    FUNCS.update({"sin": (fm.sin, np.sin), "cos": (fm.cos, np.cos)})


def ulps(got: np.ndarray, ref64: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore", invalid="ignore"):
        ref32 = ref64.astype(np.float32)
        err = np.abs(got.astype(np.float64) - ref64) / np.spacing(np.abs(ref32)).astype(np.float64)
    same = (got == ref32) | (np.isnan(got) & np.isnan(ref32))
    return np.where(same, 0.0, np.where(np.isfinite(ref32) & np.isfinite(got), err, np.inf))


def check(name: str, stride: int, chunk_bits: int) -> dict:
    kernel, ref = FUNCS[name]
    worst, at, counts = 0.0, None, {1: 0, 2: 0, 4: 0}
    step = (1 << chunk_bits) * stride
    t0 = time.perf_counter()
    for start in range(0, 1 << 32, step):
        bits = np.arange(start, min(start + step, 1 << 32), stride, dtype=np.uint64)
        x = bits.astype(np.uint32).view(np.float32)
        got = np.asarray(kernel(mx.array(x)))
        with np.errstate(all="ignore"):
            e = ulps(got, ref(x.astype(np.float64)))
        i = int(np.argmax(e))
        if e[i] > worst:
            worst, at = float(e[i]), (float(x[i]), float(got[i]))
        for k in counts:
            counts[k] += int(np.count_nonzero(e > k))
    return {"name": name, "max_ulp": worst, "at": at, "above": counts,
            "inputs": (1 << 32) // stride, "seconds": time.perf_counter() - t0}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("names", nargs="*", default=list(FUNCS))
    p.add_argument("--stride", type=int, default=1)
    p.add_argument("--chunk", type=int, default=22, help="log2 of the inputs per call")
    args = p.parse_args()
    for name in args.names:
        r = check(name, args.stride, args.chunk)
        print(f"{r['name']:8s} max {r['max_ulp']:.3f} ulp at x={r['at'][0]!r} "
              f"(got {r['at'][1]!r}); >1 ulp: {r['above'][1]}, >2: {r['above'][2]}, "
              f">4: {r['above'][4]} of {r['inputs']} inputs; {r['seconds']:.0f} s", flush=True)


if __name__ == "__main__":
    main()
