"""An optimised BLAS/LAPACK behind MLX's CPU backend on Linux.

The ``mlx[cpu]`` wheel links the reference (netlib) BLAS and LAPACK: a 1024x1024
float32 matmul runs 13-30x slower than with OpenBLAS. :func:`setup` runs
first thing when ``tmath_array`` is imported and points MLX's BLAS/LAPACK calls
(``cblas_sgemm``, ``sgesdd_``, ``ssyevd_``, ... - whatever ``libmlx.so``
imports) at an optimised library:

1. ``TMATH_ARRAY_BLAS`` names one (a path, or a name such as ``openblas`` or
   ``mkl_rt`` for the system's library search), or opts out with
   ``TMATH_ARRAY_BLAS=reference``;
2. otherwise the first of: the ``scipy-openblas32`` package (a dependency of
   tmath_array on Linux), the system's ``libopenblas``, the system's ``libmkl_rt``.

scipy-openblas32 prefixes its symbols (``scipy_sgemm_``), so loading it first
with global visibility would not interpose them; instead MLX's import slots are
rebound to the library's functions (see ``_rebind``). That works for prefixed
and plain libraries alike, and also when ``mlx.core`` was imported before
``tmath_array`` (the report says so: work already done used the reference).

On macOS MLX uses Apple's Accelerate and nothing is done. Nothing here raises:
without a usable library MLX keeps its reference BLAS and ``xp.show_config()``
says why.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import glob
import os
import re
import sys
from dataclasses import dataclass, field

from . import rebind as _rebind

ENV = "TMATH_ARRAY_BLAS"
ENV_THREADS = "TMATH_ARRAY_BLAS_THREADS"
_OPT_OUT = ("reference", "off", "none", "no", "0", "false")
# Thread variables a user may have set for the library itself; when one is set,
# its choice stands.
_LIBRARY_THREAD_VARS = ("OPENBLAS_NUM_THREADS", "GOTO_NUM_THREADS", "OMP_NUM_THREADS",
                        "MKL_NUM_THREADS")
# OpenBLAS's idle worker threads spin for 2**N cycles (N = OPENBLAS_THREAD_TIMEOUT,
# read when the library loads) before sleeping; its default keeps a core busy for
# tens of ms after every call, which starves NumPy's own OpenBLAS threads and
# everything else on a 2-core machine. tmath_array loads its library with a
# short spin unless the user set the variable (docs/blas.md has the numbers).
_SPIN_VAR, _SPIN_LOG2_CYCLES = "OPENBLAS_THREAD_TIMEOUT", "20"
# Fortran BLAS/LAPACK names (sgemm_, sgesdd_) and the CBLAS ones (cblas_sgemm).
_BLAS_NAME = re.compile(r"cblas_[a-z0-9_]+|[a-z][a-z0-9]{1,15}_")
# The routines the report lists as "served by": a matmul and a factorization.
_PROBES = ("cblas_sgemm", "sgesdd_")
_MISSING_HINT = ("install scipy-openblas32 (pip install scipy-openblas32) or a system OpenBLAS, "
                 f"or point {ENV} at a BLAS/LAPACK library")


@dataclass
class Provider:
    """An opened BLAS/LAPACK library and how to call its symbols."""

    path: str
    lib: ctypes.CDLL
    prefix: str  # "" for a plain library, "scipy_" for scipy-openblas
    source: str  # how it was chosen
    description: str = ""
    set_threads: object = None
    get_threads: object = None

    def symbol(self, name: str) -> int | None:
        return _rebind.symbol_address(self.lib, self.prefix + name)

    def threads(self) -> int | None:
        return int(self.get_threads()) if self.get_threads is not None else None


@dataclass
class Status:
    """What :func:`setup` found and did (``info()`` adds what is bound now)."""

    mode: str = "reference"  # "optimised", "reference", or "platform" (not Linux)
    provider: Provider | None = None
    mlx_imported_first: bool = False
    threads_source: str = ""
    rebound: list[str] = field(default_factory=list)
    # MLX's matrix products split into bands over threads (split_products), or why not.
    split: str = ""
    split_threads: int = 0
    # wrapper address -> the library function it calls (what served_by reports)
    split_wrappers: dict[int, int] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # The MLX objects that import BLAS symbols, with their GOT slots.
    imports: list[tuple[_rebind.LoadedObject, dict[str, list[int]]]] = field(
        default_factory=list)


status = Status()


def setup() -> Status:
    """Choose the BLAS/LAPACK library for MLX on Linux (see the module docstring)."""
    global status
    status = Status(mlx_imported_first="mlx.core" in sys.modules)
    if sys.platform != "linux":
        status.mode = "platform"
        status.notes.append("macOS: MLX calls Apple's Accelerate BLAS/LAPACK; nothing to do"
                            if sys.platform == "darwin" else
                            f"{sys.platform}: MLX's own BLAS/LAPACK is used as built")
        return status
    try:
        _setup_linux(status)
    except Exception as exc:  # an import must never fail over a speed-up
        status.notes.append(f"setting up the optimised BLAS failed ({exc!r}); "
                            + ("some of MLX's BLAS/LAPACK calls were already rebound"
                               if status.rebound else
                               "MLX uses its bundled reference BLAS/LAPACK"))
    return status


def _setup_linux(st: Status) -> None:
    import mlx.core as mx  # libmlx.so must be mapped before its imports can be rebound

    spec = os.environ.get(ENV, "").strip()
    mlx_dir = os.path.dirname(os.path.realpath(mx.__file__)) + os.sep
    objects = [o for o in _rebind.loaded_objects()
               if os.path.realpath(o.path).startswith(mlx_dir)]
    provider = None
    if spec.lower() in _OPT_OUT:
        st.notes.append(f"{ENV}={spec}: MLX uses its bundled reference BLAS/LAPACK")
    else:
        with _spin_timeout():
            provider = _find(spec, st.notes)
    if provider is None:  # the report still reads which library MLX's slots point at
        st.imports = [(o, _rebind.slot_relocations(o.path, _BLAS_NAME.fullmatch))
                      for o in objects]
        return
    st.provider = provider
    for obj in objects:
        slots = _rebind.slot_relocations(
            obj.path, lambda n: _BLAS_NAME.fullmatch(n) is not None and bool(provider.symbol(n)))
        st.imports.append((obj, slots))
        done = _rebind.rebind(obj, {n: provider.symbol(n) for n in slots}, slots)
        st.rebound += sorted(done.rebound)
        st.skipped.update(done.skipped)
        if done.rebound:
            st.mode = "optimised"
    if not st.rebound:
        st.provider = None
        st.notes.append(f"MLX imports no BLAS/LAPACK symbol that {provider.path} provides; "
                        "MLX uses its bundled reference BLAS/LAPACK")
        return
    st.threads_source = _configure_threads(provider)
    if st.mlx_imported_first:
        st.notes.append("mlx.core was imported before tmath_array: its BLAS/LAPACK calls were "
                        "rebound at tmath_array's import; work computed before that used the "
                        "reference library")


@contextlib.contextmanager
def _spin_timeout():
    """Set OpenBLAS's spin timeout for the library loaded inside, and only for it."""
    if os.environ.get(_SPIN_VAR):
        yield
        return
    os.environ[_SPIN_VAR] = _SPIN_LOG2_CYCLES
    try:
        yield
    finally:
        os.environ.pop(_SPIN_VAR, None)


def _find(spec: str, notes: list[str]) -> Provider | None:
    """The library named by ``spec`` (a path or a library name), or the first one found."""
    if spec and spec.lower() != "auto":
        # A path or a file name (libopenblas.so.0) is opened as it is; a bare name
        # (openblas, mkl_rt) goes through the system's library search.
        path = spec if (os.sep in spec or ".so" in spec) else ctypes.util.find_library(spec)
        if path is None:
            notes.append(f"{ENV}={spec}: no such library on the system search path; "
                         "MLX uses its bundled reference BLAS/LAPACK")
            return None
        provider, why = _open(path, f"{ENV}={spec}")
        if provider is None:
            notes.append(f"{ENV}={spec}: {why}; MLX uses its bundled reference BLAS/LAPACK")
        return provider
    tried = []
    for source, locate in _CANDIDATES:
        path = locate()
        if path is None:
            tried.append(f"{source}: not found")
            continue
        provider, why = _open(path, source)
        if provider is not None:
            return provider
        tried.append(f"{source}: {why}")
    notes.append("no optimised BLAS/LAPACK found (" + "; ".join(tried) + "); MLX uses its "
                 "bundled reference BLAS/LAPACK (matmul and factorizations ~5-30x slower): "
                 + _MISSING_HINT)
    return None


def _scipy_openblas32() -> str | None:
    try:
        import scipy_openblas32
    except ImportError:
        return None
    found = sorted(glob.glob(os.path.join(scipy_openblas32.get_lib_dir(),
                                          "libscipy_openblas*.so*")))
    return found[0] if found else None


# Where an optimised library is looked for, in order (the finder of "auto").
_CANDIDATES = [
    ("scipy-openblas32 package", _scipy_openblas32),
    ("system libopenblas", lambda: ctypes.util.find_library("openblas")),
    ("system libmkl_rt", lambda: ctypes.util.find_library("mkl_rt")),
]


def _open(path: str, source: str) -> tuple[Provider | None, str]:
    """Open ``path`` and check it is an LP64 BLAS/LAPACK; (provider, "") or (None, why)."""
    try:
        lib = ctypes.CDLL(path, mode=os.RTLD_LAZY | os.RTLD_LOCAL)
    except OSError as exc:
        return None, f"cannot be loaded ({exc})"
    prefix = next((p for p in ("", "scipy_")
                   if _rebind.symbol_address(lib, p + "sgemm_")), None)
    if prefix is None:
        if any(_rebind.symbol_address(lib, p + "sgemm_64_") for p in ("", "scipy_")):
            return None, ("an ILP64 build (64-bit integers); MLX calls BLAS with 32-bit "
                          "integers")
        return None, "has no sgemm_: not a BLAS library"
    p = Provider(os.path.realpath(path), lib, prefix, source)
    if p.symbol("openblas_get_config"):
        config = getattr(lib, prefix + "openblas_get_config")
        config.restype = ctypes.c_char_p
        p.description = config().decode("ascii", "replace").strip()
        if "USE64BITINT" in p.description:
            return None, "an ILP64 OpenBLAS (USE64BITINT); MLX calls BLAS with 32-bit integers"
        p.set_threads = getattr(lib, prefix + "openblas_set_num_threads")
        p.get_threads = getattr(lib, prefix + "openblas_get_num_threads")
    elif p.symbol("MKL_Get_Max_Threads"):
        if os.environ.get("MKL_INTERFACE_LAYER", "").upper().startswith("ILP64"):
            return None, "MKL_INTERFACE_LAYER selects ILP64; MLX calls BLAS with 32-bit integers"
        buf = ctypes.create_string_buffer(256)
        lib.MKL_Get_Version_String(buf, len(buf))
        p.description = buf.value.decode("ascii", "replace").strip()
        p.set_threads, p.get_threads = lib.MKL_Set_Num_Threads, lib.MKL_Get_Max_Threads
    else:
        p.description = os.path.basename(path)
    return p, ""


def default_threads() -> int:
    """The BLAS thread count used when nobody chose one: the cores this process may use, less one.

    The core left over runs everything else - the Python thread, NumPy's own
    OpenBLAS threads, other processes. OpenBLAS's threads wait for each other
    at every step of a computation, so when one of them loses its core the
    whole call stalls: on a busy 2-core machine two threads made an SVD 4-20x
    slower than one (docs/blas.md has the numbers).
    """
    return max(1, len(os.sched_getaffinity(0)) - 1)


def _configure_threads(p: Provider) -> str:
    """Set the library's thread count; return where the number came from."""
    wanted = os.environ.get(ENV_THREADS, "").strip()
    if p.set_threads is None:
        return "the library's own default (it has no thread control tmath_array knows)"
    if wanted:
        try:
            n = int(wanted)
            if n < 1:
                raise ValueError
        except ValueError:
            status.notes.append(f"{ENV_THREADS}={wanted!r} is not a positive integer; ignored")
        else:
            p.set_threads(n)
            return f"{ENV_THREADS}={n}"
    user = [v for v in _LIBRARY_THREAD_VARS if os.environ.get(v, "").strip()]
    if user:
        return f"{user[0]}={os.environ[user[0]]} (the library read it at load)"
    p.set_threads(default_threads())
    return "tmath_array default (the cores this process may use, less one)"


_SPLIT = ("cblas_sgemm", "cblas_dgemm")


def split_products(ext) -> None:
    """Point MLX's ``cblas_sgemm``/``cblas_dgemm`` at ``ext``'s band-splitting wrappers.

    ``ext`` is tmath_array's compiled kernel module. A large product is cut into bands of
    rows (or columns) of the result, each one single-threaded call of the library's own
    routine, taken in turn by the usable cores (``src/tm_ext.cpp``, ``gemm_split``). The
    library's own threads wait for each other at every step, so one that loses its core
    stalls the whole call; bands taken in turn lose nothing to a busy core, and small
    products (below 256^3 multiply-adds) stay one call on one thread. Done only when the
    library runs one thread by tmath_array's default: a thread count the user chose
    (``TMATH_ARRAY_BLAS_THREADS``, ``OPENBLAS_NUM_THREADS``...) is the library's to use.
    """
    st, p = status, status.provider
    cores = len(os.sched_getaffinity(0))
    if p is None or st.mode != "optimised":
        st.split = "no (MLX runs its reference BLAS)"
        return
    if not st.threads_source.startswith("tmath_array default"):
        n = p.threads()
        st.split = (f"no (the library's own {n} thread{'' if n == 1 else 's'}: "
                    f"{st.threads_source})")
        return
    if cores < 2:
        st.split = "no (one usable core)"
        return
    targets = {n: p.symbol(n) for n in _SPLIT}
    if not all(targets.values()):
        st.split = f"no ({p.path} lacks {', '.join(n for n, a in targets.items() if not a)})"
        return
    ext.set_gemm_targets(targets["cblas_sgemm"], targets["cblas_dgemm"])
    ext.set_gemm_threads(cores)
    wrappers = dict(zip(_SPLIT, ext.gemm_wrappers()))
    st.split_wrappers = {wrappers[n]: targets[n] for n in _SPLIT}
    done = 0
    for obj, slots in st.imports:
        for name in _SPLIT:
            for offset in slots.get(name, ()):
                slot = obj.base + offset
                if _rebind.read_slot(slot) in (targets[name], wrappers[name]):
                    _rebind.write_slot(slot, wrappers[name])
                    done += 1
    if not done:
        st.split = "no (MLX's matmul slots do not hold the library's functions)"
        return
    st.split_threads = cores
    st.split = (f"large products in bands over {cores} threads (tmath_array's kernels), "
                "each band one single-threaded call of the library")


def info() -> dict:
    """The BLAS/LAPACK in use, as a plain dict (what ``xp.config_info()["blas"]`` holds)."""
    st = status
    p = st.provider
    return {
        "mode": st.mode,
        "library": p.path if p else None,
        "description": p.description if p else None,
        "chosen_by": p.source if p else None,
        "symbol_prefix": p.prefix if p else None,
        "rebound_symbols": len(st.rebound),
        "skipped_symbols": dict(st.skipped),
        "served_by": served_by(),
        "threads": p.threads() if p else None,
        "threads_source": st.threads_source or None,
        "split": st.split or None,
        "split_threads": st.split_threads or None,
        "mlx_imported_first": st.mlx_imported_first,
        "notes": list(st.notes),
    }


def served_by(names: tuple[str, ...] = _PROBES) -> dict[str, str | None]:
    """For each routine name, the library MLX's call goes to right now.

    Read from MLX's own import slot; a slot not bound yet (lazy binding, no
    call so far) reports the library the dynamic linker will bind it to, and a
    slot holding tmath_array's band-splitting wrapper (:func:`split_products`)
    the library whose routine each band calls.
    """
    out: dict[str, str | None] = {}
    for name in names:
        out[name] = None
        for obj, slots in status.imports:
            if name not in slots:
                continue
            held = _rebind.read_slot(obj.base + slots[name][0])
            if held in status.split_wrappers:
                path, _, _ = _rebind.dladdr(status.split_wrappers[held])
            else:
                path = _rebind.bound_to(obj, name, slots)
            if path is None:
                lib = ctypes.CDLL(obj.path, mode=os.RTLD_NOLOAD)
                path, _, _ = _rebind.dladdr(_rebind.symbol_address(lib, name) or 0)
            out[name] = os.path.realpath(path) if path else None
            break
    return out
