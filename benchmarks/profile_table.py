"""The table of the original profiling report, measured on every backend present.

Rows: matrix multiplication at 128..2048 (float32); addition, GELU and layer
normalisation at 1024x1024; SVD at 512x512 (the case that used to fail). Backends:
tmath_array, raw MLX, NumPy and PyTorch on each of its devices here (cpu, and
cuda/mps where present). Every timing goes through :mod:`benchmarks.harness`:
the result is synchronised inside the timed region (``mx.eval``,
``torch.cuda.synchronize``/``torch.mps.synchronize``), after warm-up calls.

Before timing, each backend's result is compared with a float64 NumPy
reference (``max_rel_err`` in the row), so a fast wrong answer shows up.
A backend that cannot do an operation gives a row with ``status`` ``"n/a"`` or
``"error"`` and the reason, instead of a time.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from benchmarks.harness import Case, measure, mlx_sync, no_sync, torch_sync_for

GROUP_MATMUL = "matmul (float32)"
# Pause before each backend's calls: NumPy's OpenBLAS threads spin ~0.1 s after a call.
SETTLE_S = 0.3
GROUP_OPS = "core ops (float32)"


@dataclass(frozen=True)
class Config:
    """Sizes and repeat counts of one run."""

    matmul_sizes: tuple[int, ...] = (128, 256, 512, 1024, 2048)
    n: int = 1024              # add, GELU, layer norm: n x n
    svd_n: int = 512
    # (warmup, repeat) by matmul size: MLX's reference BLAS takes ~3 s for 2048^3.
    matmul_plan: dict = field(default_factory=lambda: {
        128: (3, 21), 256: (3, 21), 512: (2, 15), 1024: (1, 7), 2048: (1, 5)})
    ops_plan: tuple[int, int] = (3, 21)
    svd_plan: tuple[int, int] = (1, 7)

    def matmul_runs(self, size: int) -> tuple[int, int]:
        if size in self.matmul_plan:
            return self.matmul_plan[size]
        return (1, 5) if size >= 1024 else (2, 15)


FULL = Config()
QUICK = Config(matmul_sizes=(128, 256, 512, 1024),
               matmul_plan={128: (2, 9), 256: (2, 9), 512: (1, 7), 1024: (1, 3)},
               ops_plan=(2, 9), svd_plan=(1, 3))


# --- backends ------------------------------------------------------------------

@dataclass
class Backend:
    """How one backend takes NumPy data in, gives results back and waits for them."""

    name: str
    put: Callable[[np.ndarray], object]
    get: Callable[[object], np.ndarray]
    sync: Callable[[object], None]
    ops: dict[str, Callable] = field(default_factory=dict)
    unavailable: dict[str, str] = field(default_factory=dict)  # op -> reason


def _gelu_np(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf_np(x * np.float32(math.sqrt(0.5))))


def _erf_np_as(x: np.ndarray) -> np.ndarray:
    """erf from NumPy ops (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7): NumPy has no erf."""
    s = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + np.float32(0.3275911) * a)
    poly = t * (np.float32(0.254829592) + t * (np.float32(-0.284496736) + t * (
        np.float32(1.421413741) + t * (np.float32(-1.453152027) + t * np.float32(1.061405429)))))
    return s * (1.0 - poly * np.exp(-a * a))


try:  # SciPy's erf where it is installed; NumPy has none of its own
    from scipy.special import erf as _erf_np

    GELU_NUMPY_NOTE = "erf from scipy.special"
except ImportError:  # pragma: no cover - depends on the environment
    _erf_np = _erf_np_as
    GELU_NUMPY_NOTE = "erf from NumPy ops (A&S 7.1.26), SciPy absent"


def _layer_norm_np(x, w, b, eps=1e-5):
    mean = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w + b


def numpy_backend() -> Backend:
    return Backend(
        "numpy", put=lambda a: a, get=np.asarray, sync=no_sync,
        ops={"matmul": np.matmul, "add": np.add, "gelu": _gelu_np,
             "layer_norm": _layer_norm_np, "svd": np.linalg.svd})


def mlx_backend() -> Backend | None:
    try:
        import mlx.core as mx
    except ImportError:
        return None
    ops = {"matmul": mx.matmul, "add": mx.add,
           "layer_norm": lambda x, w, b: mx.fast.layer_norm(x, w, b, 1e-5),
           # MLX's factorisations run on the CPU stream only.
           "svd": lambda a: mx.linalg.svd(a, stream=mx.cpu)}
    try:
        import mlx.nn

        ops["gelu"] = mlx.nn.gelu
    except ImportError:  # pragma: no cover - mlx.nn ships with mlx
        pass
    return Backend("mlx", put=mx.array, get=lambda r: np.array(r), sync=mlx_sync, ops=ops)


def tmath_backend() -> Backend | None:
    try:
        import tmath_array as xp
        import tmath_array.nn as tnn
    except ImportError:
        return None
    b = Backend(
        "tmath_array", put=xp.asarray, get=lambda r: np.asarray(r), sync=mlx_sync,
        ops={"matmul": xp.matmul, "add": xp.add, "gelu": tnn.gelu,
             "layer_norm": lambda x, w, b: tnn.layer_norm(x, (x.shape[-1],), w, b, 1e-5)})
    linalg = getattr(xp, "linalg", None)
    if linalg is not None and hasattr(linalg, "svd"):
        b.ops["svd"] = linalg.svd
    else:
        b.unavailable["svd"] = "xp.linalg.svd is not in this build"
    return b


def torch_devices() -> list[str]:
    """PyTorch devices present: "cpu", and "cuda"/"mps" where available."""
    try:
        import torch
    except ImportError:
        return []
    devs = ["cpu"]
    if torch.cuda.is_available():
        devs.append("cuda")
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        devs.append("mps")
    return devs


def torch_backend(device: str) -> Backend:
    import torch
    import torch.nn.functional as tf

    return Backend(
        f"torch-{device}",
        put=lambda a: torch.from_numpy(np.ascontiguousarray(a)).to(device),
        get=lambda r: r.detach().cpu().numpy(),
        # The original report timed PyTorch's GPU work without waiting for it
        # (~0.1 ms for a 2048^3 product); this hook makes that impossible.
        sync=torch_sync_for(device),
        ops={"matmul": torch.matmul, "add": torch.add, "gelu": tf.gelu,
             "layer_norm": lambda x, w, b: tf.layer_norm(x, (x.shape[-1],), w, b, 1e-5),
             "svd": torch.linalg.svd})


def backends() -> list[Backend]:
    """Every backend present here, tmath_array first."""
    found = [tmath_backend(), mlx_backend(), numpy_backend()]
    found += [torch_backend(d) for d in torch_devices()]
    return [b for b in found if b is not None]


# --- cases ---------------------------------------------------------------------

def _inputs(op: str, n: int) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(n + len(op))
    if op == "layer_norm":
        return (rng.standard_normal((n, n), dtype=np.float32),
                rng.standard_normal(n, dtype=np.float32),
                rng.standard_normal(n, dtype=np.float32))
    if op in ("svd", "gelu"):
        return (rng.standard_normal((n, n), dtype=np.float32),)
    return (rng.standard_normal((n, n), dtype=np.float32),
            rng.standard_normal((n, n), dtype=np.float32))


def _reference(op: str, args: tuple[np.ndarray, ...]) -> np.ndarray:
    a64 = tuple(a.astype(np.float64) for a in args)
    if op == "svd":
        return np.linalg.svd(a64[0], compute_uv=False)
    if op == "gelu":
        return _gelu_np(a64[0])
    return numpy_backend().ops[op](*a64)


def _check(b: Backend, op: str, result, ref: np.ndarray) -> float:
    """Largest error relative to the reference's scale (singular values for SVD)."""
    got = b.get(result[1] if op == "svd" else result)
    got = np.asarray(got, dtype=np.float64)
    if got.shape != ref.shape:
        raise ValueError(f"result shape {got.shape}, expected {ref.shape}")
    return float(np.max(np.abs(got - ref)) / max(np.max(np.abs(ref)), 1e-30))


# float32 results are within this of the float64 reference (relative to its scale).
TOLERANCE = 1e-3


def op_cases(op: str, label: str, group: str, n: int, bks: list[Backend],
             errors: list[dict]) -> list[Case]:
    """One Case per backend for ``op`` on ``n``-sized inputs; failures go to ``errors``."""
    args = _inputs(op, n)
    ref = _reference(op, args)
    cases = []
    for b in bks:
        base = {"group": group, "case": label, "backend": b.name}
        if op not in b.ops:
            errors.append({**base, "status": "n/a", "median_s": None,
                           "note": b.unavailable.get(op, f"{b.name} has no {op}")})
            continue
        fn = b.ops[op]
        data = tuple(b.put(a) for a in args)
        try:
            res = fn(*data)
            b.sync(res)
            err = _check(b, op, res, ref)
        except Exception as e:  # an error is a result: the original report's SVD row
            errors.append({**base, "status": "error", "median_s": None,
                           "note": f"{type(e).__name__}: {e}"[:300]})
            continue
        extra = {"status": "ok" if err < TOLERANCE else "MISMATCH", "max_rel_err": err,
                 "size": n, "op": op}
        if op == "gelu" and b.name == "numpy":
            extra["note"] = GELU_NUMPY_NOTE
        cases.append(Case(group, label, b.name, (lambda f, d: lambda: f(*d))(fn, data),
                          b.sync, extra=extra))
    return cases


def plan(config: Config) -> list[tuple[str, str, str, int, int, int]]:
    """(op, label, group, n, warmup, repeat) in the order they run."""
    steps = []
    for s in config.matmul_sizes:
        w, r = config.matmul_runs(s)
        steps.append(("matmul", f"{s}x{s}", GROUP_MATMUL, s, w, r))
    n = config.n
    for op, label in (("add", "addition"), ("gelu", "GELU"), ("layer_norm", "layer norm")):
        steps.append((op, f"{label} {n}x{n}", GROUP_OPS, n, *config.ops_plan))
    steps.append(("svd", f"SVD {config.svd_n}x{config.svd_n}", GROUP_OPS, config.svd_n,
                  *config.svd_plan))
    return steps


def steps(config: Config) -> int:
    """How many times :func:`run` advances its progress callback."""
    return sum(r for *_, r in plan(config))


def run(quick: bool = False, progress=None, config: Config | None = None,
        stage: Callable[[str], None] | None = None) -> list[dict]:
    """Measure the table; ``config`` overrides the quick/full choice (tests use tiny ones)."""
    config = config or (QUICK if quick else FULL)
    bks = backends()
    rows: list[dict] = []
    for op, label, group, n, warmup, repeat in plan(config):
        if stage is not None:
            stage(f"{label}")
        errors: list[dict] = []
        cases = op_cases(op, label, group, n, bks, errors)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
        for c in cases:
            c.extra.update(load1=load, warmup=warmup)
        # Back to back per backend, after a pause: NumPy, PyTorch and MLX each run a
        # BLAS/OpenMP thread pool, and one's spinning threads slow the next.
        rows += measure(cases, warmup=warmup, repeat=repeat, progress=progress,
                        interleave=False, settle=SETTLE_S)
        rows += errors
        if not cases and progress is not None:
            for _ in range(repeat):
                progress()
    return rows
