"""The optimised BLAS/LAPACK behind MLX on Linux: same results, opt-out, fallbacks, report.

Which library MLX calls is decided once per process, at import, so the
with/without comparisons run in subprocesses.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import subprocess
import sys
import textwrap

import mlx.core as mx
import numpy as np
import pytest

import tmath_array as xp
from tmath_array._runtime import blas as _blas
from tmath_array._runtime import compile_cache as _compile
from tmath_array._runtime import rebind as _rebind

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
linux_only = pytest.mark.skipif(sys.platform != "linux", reason="the BLAS swap is Linux-only")

# Every factorization MLX hands to LAPACK, and the three gemm flavours, on fixed inputs.
_COMPUTE = """
import numpy as np, mlx.core as mx
cpu = mx.cpu
rng = np.random.default_rng(0)
def arr(*shape, dtype=np.float32):
    return mx.array(rng.standard_normal(shape).astype(dtype))
a, b = arr(200, 300), arr(300, 150)
spd_np = rng.standard_normal((96, 96)).astype(np.float32)
spd_np = spd_np @ spd_np.T + 96 * np.eye(96, dtype=np.float32)
spd, sq = mx.array(spd_np), arr(96, 96)
rhs = arr(96, 5)
c64 = mx.array((rng.standard_normal((64, 64)) + 1j * rng.standard_normal((64, 64)))
               .astype(np.complex64))
f64 = mx.array(rng.standard_normal((128, 128)), dtype=mx.float64)
u, s, vt = mx.linalg.svd(sq, stream=cpu)
w, v = mx.linalg.eigh(spd, stream=cpu)
q, r = mx.linalg.qr(sq, stream=cpu)
out = {
    "matmul": a @ b,
    "matmul_batched": arr(4, 64, 32) @ arr(4, 32, 48),
    "matmul_f64": f64 @ f64,
    "matmul_c64": c64 @ c64,
    "solve": mx.linalg.solve(sq, rhs, stream=cpu),
    "inv": mx.linalg.inv(sq, stream=cpu),
    "cholesky": mx.linalg.cholesky(spd, stream=cpu),
    "svd_s": s, "svd_usv": (u[:, :96] * s) @ vt,
    "eigh_w": w, "eigh_vwv": (v * w) @ v.T,
    "qr_qr": q @ r, "qr_absr": mx.abs(r),
    "eigvals": mx.sort(mx.abs(mx.linalg.eigvals(sq, stream=cpu))),
}
mx.eval(out)
"""

_WORKER = """
import json, sys
import numpy as np
{prelude}
import tmath_array as xp
from tmath_array._runtime import blas as _blas
{compute}
np.savez(sys.argv[1], **{{k: np.array(v) for k, v in out.items()}})
print(json.dumps(xp.config_info()["blas"]))
"""


def _run(tmp_path, name: str, env: dict | None = None, prelude: str = "",
         compute: str = _COMPUTE) -> tuple[dict, dict]:
    """Run the worker in a fresh interpreter; (its BLAS report, its results)."""
    script = _WORKER.format(prelude=textwrap.dedent(prelude), compute=compute)
    full_env = {k: v for k, v in os.environ.items()
                if k not in (_blas.ENV, _blas.ENV_THREADS, "OPENBLAS_NUM_THREADS")}
    full_env.update(env or {})
    full_env["PYTHONPATH"] = ROOT + os.pathsep + full_env.get("PYTHONPATH", "")
    out_file = tmp_path / f"{name}.npz"
    proc = subprocess.run([sys.executable, "-c", script, str(out_file)], env=full_env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    with np.load(out_file) as data:
        return report, dict(data)


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The same computations with the optimised BLAS (default) and with the opt-out."""
    tmp = tmp_path_factory.mktemp("blas")
    return {"optimised": _run(tmp, "optimised"),
            "reference": _run(tmp, "reference", {_blas.ENV: "reference"})}


def _is_reference(path: str | None) -> bool:
    return path is not None and "mlx_cpu.libs" in path


@linux_only
def test_default_is_optimised_and_serves_mlx(runs):
    report, _ = runs["optimised"]
    assert report["mode"] == "optimised"
    assert report["chosen_by"] == "scipy-openblas32 package"
    assert "OpenBLAS" in report["description"]
    assert report["rebound_symbols"] >= 20
    assert report["skipped_symbols"] == {}
    for name, path in report["served_by"].items():
        assert path == report["library"], name
        assert not _is_reference(path)


@linux_only
def test_opt_out_keeps_the_reference(runs):
    report, _ = runs["reference"]
    assert report["mode"] == "reference"
    assert report["library"] is None and report["rebound_symbols"] == 0
    assert any(f"{_blas.ENV}=reference" in note for note in report["notes"])
    for name, path in report["served_by"].items():
        assert _is_reference(path), (name, path)


@linux_only
@pytest.mark.parametrize("key", [
    "matmul", "matmul_batched", "matmul_f64", "matmul_c64", "solve", "inv", "cholesky",
    "svd_s", "svd_usv", "eigh_w", "eigh_vwv", "qr_qr", "qr_absr", "eigvals",
])
def test_results_match_the_reference(runs, key):
    got, want = runs["optimised"][1][key], runs["reference"][1][key]
    assert got.dtype == want.dtype and got.shape == want.shape
    rtol = 1e-10 if got.dtype == np.float64 else 2e-4
    scale = np.abs(want).max()
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale)


@linux_only
def test_results_match_numpy(runs):
    """Both libraries compute the right thing, not merely the same thing."""
    _, res = runs["optimised"]
    spd_w = res["eigh_w"]
    vwv = res["eigh_vwv"]
    np.testing.assert_allclose(np.linalg.eigvalsh(vwv.astype(np.float64)), spd_w, rtol=1e-4)
    np.testing.assert_allclose(res["svd_usv"], res["qr_qr"], rtol=1e-3, atol=1e-4)


@linux_only
def test_no_library_found_falls_back_cleanly(tmp_path):
    # Point the finder at nothing: no scipy-openblas32, no system library.
    prelude = """
        import ctypes.util
        sys.modules["scipy_openblas32"] = None
        ctypes.util.find_library = lambda name: None
    """
    report, res = _run(tmp_path, "none", prelude=prelude)
    assert report["mode"] == "reference" and report["library"] is None
    (note,) = report["notes"]
    assert "no optimised BLAS/LAPACK found" in note
    assert "scipy-openblas32 package: not found" in note
    assert all(_is_reference(p) for p in report["served_by"].values())
    assert np.isfinite(res["matmul"]).all()


@linux_only
@pytest.mark.parametrize(("value", "why"), [
    ("/nonexistent/libopenblas.so", "cannot be loaded"),
    (ctypes.util.find_library("m"), "not a BLAS library"),
    ("no_such_blas_library", "no such library"),
])
def test_unusable_library_falls_back_cleanly(tmp_path, value, why):
    report, res = _run(tmp_path, "bad", {_blas.ENV: value}, compute="out = {}")
    assert report["mode"] == "reference"
    assert any(why in note and value in note for note in report["notes"]), report["notes"]


@linux_only
def test_ilp64_library_is_refused(tmp_path):
    # NumPy's own OpenBLAS takes 64-bit integers: MLX passing 32-bit ones would be garbage.
    libs = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    candidates = [os.path.join(libs, f) for f in sorted(os.listdir(libs)) if "openblas64" in f] \
        if os.path.isdir(libs) else []
    if not candidates:
        pytest.skip("this NumPy bundles no ILP64 OpenBLAS")
    report, _ = _run(tmp_path, "ilp64", {_blas.ENV: candidates[0]}, compute="out = {}")
    assert report["mode"] == "reference"
    assert any("ILP64" in note for note in report["notes"])


@linux_only
def test_user_path_is_used(tmp_path):
    path = _blas.status.provider.path
    report, _ = _run(tmp_path, "path", {_blas.ENV: path}, compute="out = {}")
    assert report["mode"] == "optimised"
    assert report["library"] == path
    assert report["chosen_by"] == f"{_blas.ENV}={path}"
    assert set(report["served_by"].values()) == {path}


@linux_only
def test_mlx_imported_first_is_reported_and_still_rebound(tmp_path):
    prelude = """
        import mlx.core as mx
        x = mx.ones((64, 64))
        mx.eval(x @ x)   # MLX has already called (and bound) the reference sgemm
    """
    report, res = _run(tmp_path, "first", prelude=prelude)
    assert report["mlx_imported_first"] is True
    assert any("imported before tmath_array" in note for note in report["notes"])
    assert report["mode"] == "optimised"
    assert set(report["served_by"].values()) == {report["library"]}


@linux_only
@pytest.mark.parametrize(("env", "threads", "source"), [
    ({_blas.ENV_THREADS: "1"}, 1, f"{_blas.ENV_THREADS}=1"),
    ({"OPENBLAS_NUM_THREADS": "1"}, 1, "OPENBLAS_NUM_THREADS=1"),
    ({}, None, "tmath_array default"),
])
def test_thread_count(tmp_path, env, threads, source):
    report, _ = _run(tmp_path, "threads", env, compute="out = {}")
    want = threads if threads is not None else _blas.default_threads()
    assert report["threads"] == want
    assert report["threads_source"].startswith(source)


@linux_only
def test_bad_thread_count_is_noted(tmp_path):
    report, _ = _run(tmp_path, "threads", {_blas.ENV_THREADS: "lots"}, compute="out = {}")
    assert report["mode"] == "optimised"
    assert any(_blas.ENV_THREADS in note for note in report["notes"])


def test_not_linux_is_a_no_op(monkeypatch):
    monkeypatch.setattr(_blas, "status", _blas.status)  # restored after the test
    monkeypatch.setattr(sys, "platform", "darwin")
    st = _blas.setup()
    assert st.mode == "platform" and st.provider is None and st.imports == []
    assert "Accelerate" in st.notes[0]
    assert _blas.info()["served_by"] == {name: None for name in _blas._PROBES}


# --- the report ------------------------------------------------------------------

def test_config_info_content():
    info = xp.config_info()
    assert info["mlx"]["version"] == mx.__version__
    assert "cpu" in info["mlx"]["devices"]
    assert info["tmath_array"]["array_api_version"] == "2025.12"
    assert info["compile"]["enabled"] is _compile.enabled
    assert set(info["blas"]) >= {"mode", "library", "chosen_by", "served_by", "threads",
                                 "notes", "mlx_imported_first"}
    assert info["threads"]["blas"] == info["blas"]["threads"]
    assert info["threads"]["cores_available"] >= 1
    json.dumps(info)  # plain data


@linux_only
def test_show_config_output(capsys):
    xp.show_config()
    text = capsys.readouterr().out
    info = xp.config_info()
    assert f"mlx:           {mx.__version__}" in text
    assert "devices:       cpu" in text
    assert f"compile:       {'enabled' if _compile.enabled else 'disabled'}" in text
    assert "threads:       blas " in text and "cores available" in text
    if info["blas"]["mode"] == "optimised":
        assert "blas/lapack:   optimised: OpenBLAS" in text
        assert f"library:     {info['blas']['library']}" in text
        assert f"chosen by:   {info['blas']['chosen_by']}" in text
        assert f"cblas_sgemm: {info['blas']['library']}" in text
    else:
        assert "blas/lapack:   reference" in text
    for note in info["blas"]["notes"]:
        assert f"note:          {note}" in text


# --- the rebinding itself, on memory this test owns --------------------------------

def _slot_object(value: int):
    """A fake loaded object whose single 'GOT slot' is a heap buffer holding ``value``."""
    buf = ctypes.c_void_p(value)
    obj = _rebind.LoadedObject("<buffer>", ctypes.addressof(buf))
    return buf, obj


@linux_only
def test_rebind_rewrites_a_slot_bound_to_the_same_name():
    libc = ctypes.CDLL(None)
    strlen = _rebind.symbol_address(libc, "strlen")
    strnlen = _rebind.symbol_address(libc, "strnlen")
    buf, obj = _slot_object(strlen)
    done = _rebind.rebind(obj, {"strlen": strnlen}, {"strlen": [0]})
    assert buf.value == strnlen and done.rebound == {"strlen": strnlen}


@linux_only
def test_rebind_leaves_an_unexpected_slot_alone():
    libc = ctypes.CDLL(None)
    strlen = _rebind.symbol_address(libc, "strlen")
    strnlen = _rebind.symbol_address(libc, "strnlen")
    buf, obj = _slot_object(strlen)
    done = _rebind.rebind(obj, {"memcpy": strnlen}, {"memcpy": [0]})
    assert buf.value == strlen and "memcpy" in done.skipped


@linux_only
def test_slot_relocations_of_libmlx():
    libmlx = [o for o in _rebind.loaded_objects() if o.path.endswith("libmlx.so")]
    assert libmlx
    slots = _rebind.slot_relocations(libmlx[0].path, _blas._BLAS_NAME.fullmatch)
    assert {"cblas_sgemm", "sgesdd_", "ssyevd_", "spotrf_", "sgeqrf_"} <= set(slots)
    assert all(len(offsets) >= 1 for offsets in slots.values())


# --- large products split into bands over the cores (split_products) -----------------------

from tmath_array._runtime import kernels as _kernels  # noqa: E402

_SPLIT_ON = _blas.status.split_threads > 1
needs_split = pytest.mark.skipif(
    not _SPLIT_ON, reason=f"products are not split here: {_blas.status.split or _kernels.reason}")


@pytest.fixture
def split_ext():
    ext = _kernels.ext
    threads = ext.gemm_threads()
    yield ext
    ext.set_gemm_threads(threads)
    ext.set_gemm_split(256.0 ** 3, 2)


def _product(ext, threads, a, b):
    ext.set_gemm_threads(threads)
    before = ext.gemm_split_calls()
    out = a @ b
    mx.eval(out)
    return np.array(out), ext.gemm_split_calls() - before


@linux_only
@needs_split
@pytest.mark.parametrize(("shape_a", "shape_b", "transpose", "dtype"), [
    ((512, 384), (384, 300), "", np.float32),       # bands of rows (M >= N)
    ((300, 384), (384, 700), "", np.float32),       # bands of columns (N > M)
    ((517, 263), (263, 401), "", np.float32),       # edges off the 16-row blocking
    ((384, 512), (300, 384), "ab", np.float32),     # both operands transposed views
    ((384, 512), (384, 300), "a", np.float32),
    ((512, 384), (300, 384), "b", np.float32),
    ((3, 300, 260), (3, 260, 280), "", np.float32),  # batched: one call per matrix
    ((400, 300), (300, 350), "", np.float64),        # cblas_dgemm
])
def test_split_products_equal_one_call(split_ext, shape_a, shape_b, transpose, dtype):
    """Bands give the same bits as one call of the library, and the right numbers."""
    rng = np.random.default_rng(7)
    na = rng.standard_normal(shape_a).astype(dtype)
    nb = rng.standard_normal(shape_b).astype(dtype)
    a, b = mx.array(na, dtype=mx.float64 if dtype == np.float64 else None), \
        mx.array(nb, dtype=mx.float64 if dtype == np.float64 else None)
    if "a" in transpose:
        a, na = a.T, na.T
    if "b" in transpose:
        b, nb = b.T, nb.T
    one, n_one = _product(split_ext, 1, a, b)
    split, n_split = _product(split_ext, 2, a, b)
    assert n_one == 0 and n_split >= 1
    np.testing.assert_array_equal(split, one)
    want = na.astype(np.float64) @ nb.astype(np.float64)
    tol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(split, want, rtol=tol, atol=tol * np.abs(want).max())


@linux_only
@needs_split
@pytest.mark.parametrize(("shape", "split"), [
    ((64, 64, 64), False), ((255, 256, 256), False),  # under 256^3 multiply-adds
    ((200, 5000, 200), False),                         # too few rows and columns for 2 bands
    ((2000, 8, 2000), True), ((1, 4096, 4096), True), ((4096, 4096, 1), True)])
def test_which_products_are_split(split_ext, shape, split):
    m, k, n = shape
    rng = np.random.default_rng(1)
    a = mx.array(rng.standard_normal((m, k)).astype(np.float32))
    b = mx.array(rng.standard_normal((k, n)).astype(np.float32))
    got, splits = _product(split_ext, 2, a, b)
    assert splits == int(split)
    np.testing.assert_allclose(got, np.array(a) @ np.array(b), rtol=1e-4, atol=1e-3)


@linux_only
@needs_split
def test_split_products_from_two_streams_at_once(split_ext):
    """Two CPU streams multiplying at once: one uses the pool, the other its own thread."""
    import threading

    rng = np.random.default_rng(3)
    mats = [rng.standard_normal((600, 600)).astype(np.float32) for _ in range(4)]
    want = [m @ m for m in mats]
    got = [None] * 4

    def work(i):
        s = mx.new_stream(mx.cpu)
        with mx.stream(s):
            out = mx.array(mats[i]) @ mx.array(mats[i])
            for _ in range(3):
                out = out * 1.0
            mx.eval(out)
        got[i] = np.array(out)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-2)


@linux_only
@needs_split
def test_split_is_reported():
    info = xp.config_info()["blas"]
    assert info["split_threads"] == len(os.sched_getaffinity(0))
    assert info["split"].startswith("large products in bands over")
    # MLX's slot holds the wrapper; the report names the library each band calls
    assert info["served_by"]["cblas_sgemm"] == info["library"]


@linux_only
@needs_split
@pytest.mark.parametrize(("env", "why"), [
    ({_blas.ENV_THREADS: "2"}, f"the library's own 2 threads: {_blas.ENV_THREADS}=2"),
    ({"OPENBLAS_NUM_THREADS": "1"}, "OPENBLAS_NUM_THREADS=1"),
    ({"TMATH_ARRAY_NATIVE_EXT": "0"}, None),
])
def test_a_chosen_thread_count_turns_the_split_off(tmp_path, runs, env, why):
    report, res = _run(tmp_path, "nosplit", env)
    assert report["split_threads"] is None
    if why is None:
        assert report["split"] is None  # no extension: nothing to split with
    else:
        assert report["split"].startswith("no (") and why in report["split"]
    assert report["served_by"]["cblas_sgemm"] == report["library"]
    # (the same product as the module's default run)
    np.testing.assert_allclose(res["matmul"], runs["optimised"][1]["matmul"], rtol=2e-4,
                               atol=1e-3)
