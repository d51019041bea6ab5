"""Arrays larger than memory raise MemoryError (or ValueError past MLX's 32-bit shapes).

MLX's CPU backend dies of SIGSEGV when an allocation fails, so nothing here may
reach an allocation: every huge array below is lazy and refused where it is
built. The subprocess tests run under an address-space limit (RLIMIT_AS), so a
missed check kills the child, not the test machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import tmath_array as xp
from tmath_array._runtime import memory as _memory


@pytest.fixture
def limit():
    """Set the array size limit for one test (restored afterwards)."""
    old = _memory.max_bytes
    yield _memory.set_max_bytes
    _memory.set_max_bytes(old)


HUGE = [
    ("zeros", lambda: xp.zeros((10**6, 10**6))),
    ("ones", lambda: xp.ones((10**5, 10**5), dtype=xp.float64)),
    ("empty", lambda: xp.empty((2**20, 2**20, 2**10))),
    ("full", lambda: xp.full((2**16, 2**16, 2**16), 1.5)),
    ("eye", lambda: xp.eye(2**20)),
    ("broadcast_to", lambda: xp.broadcast_to(xp.asarray(1.0), (10**6, 10**6))),
    ("add", lambda: xp.add(xp.ones((10**5, 1)), xp.ones((1, 10**5)))),
    ("operator", lambda: xp.ones((10**5, 1)) * xp.ones((1, 10**5))),
    ("mixed dtypes", lambda: xp.ones((10**5, 1), dtype=xp.int8) + xp.ones((1, 10**5))),
    ("matmul", lambda: xp.matmul(xp.ones((10**5, 1)), xp.ones((1, 10**5)))),
    ("outer", lambda: xp.linalg.outer(xp.ones(10**6), xp.ones(10**6))),
    ("meshgrid", lambda: xp.meshgrid(xp.ones(10**6), xp.ones(10**6))),
    ("where", lambda: xp.where(xp.ones((10**5, 1), dtype=xp.bool), xp.ones((1, 10**5)), 0.0)),
    ("tile", lambda: xp.tile(xp.ones((2**15, 2**15)), (4, 4))),
    ("wrapping size", lambda: xp.ones((2**30, 1, 1)) + xp.ones((1, 2**30, 1)) +
     xp.ones((1, 1, 16))),
]


@pytest.mark.parametrize("make", [m for _, m in HUGE], ids=[n for n, _ in HUGE])
def test_huge_arrays_raise_memory_error(make):
    with pytest.raises((MemoryError, ValueError)) as info:
        make()
    # tile refuses by element count (ValueError); everything else by bytes.
    assert info.type is MemoryError or "elements" in str(info.value)
    assert str(info.value)


@pytest.mark.parametrize("make", [
    lambda: xp.ones(2**40, dtype=xp.float64),
    lambda: xp.zeros((2**31,)),
    lambda: xp.reshape(xp.ones(0), (2**31, 0)),
    lambda: xp.broadcast_to(xp.ones(()), (2**31, 0)),
    lambda: xp.arange(2**33),
    lambda: xp.linspace(0, 1, 2**40),
    lambda: xp.eye(2**31, 0),
    lambda: xp.fft.rfftfreq(2**40),
    lambda: xp.fft.fft(xp.ones(4, dtype=xp.complex64), n=2**40),
], ids=["ones", "zeros", "reshape", "broadcast_to", "arange", "linspace", "eye", "rfftfreq",
        "fft"])
def test_dimensions_beyond_int32_raise_value_error(make):
    with pytest.raises(ValueError, match="exceeds the largest MLX supports"):
        make()


def test_limit_is_exact(limit):
    limit(4000)
    assert xp.ones(1000).shape == (1000,)  # exactly 4000 bytes
    with pytest.raises(MemoryError, match="needs 4004 bytes"):
        xp.ones(1001)
    with pytest.raises(MemoryError):
        xp.ones(1000) + xp.ones((2, 1))
    assert xp.ones(1000, dtype=xp.int8).shape == (1000,)


def test_limit_leaves_small_work_alone(limit):
    limit(1 << 20)
    x = xp.arange(1000, dtype=xp.float32)
    y = xp.sum(x * x)
    np.testing.assert_allclose(float(y), float(np.sum(np.arange(1000.0) ** 2)), rtol=1e-5)
    assert xp.zeros((0, 2**31 - 1)).shape == (0, 2**31 - 1)  # empty: no bytes at all


def test_compiled_functions_are_checked(limit):
    f = xp.compile(lambda a, b: a * b, shapeless=True)
    assert f(xp.ones((2, 1)), xp.ones((1, 2))).shape == (2, 2)
    limit(1000)
    with pytest.raises(MemoryError):
        f(xp.ones((100, 1)), xp.ones((1, 100)))


def test_config_reports_the_limit():
    info = xp.config_info()["memory"]
    assert info["max_array_bytes"] == _memory.max_bytes
    assert info["source"] == _memory.source


@pytest.mark.parametrize("text, n", [("1000", 1000), ("8G", 8 * 2**30), ("512M", 512 * 2**20),
                                     ("1.5GiB", 3 * 2**29), ("64k", 65536), (" 2 T ", 2**41)])
def test_parse_bytes(text, n):
    assert _memory.parse_bytes(text) == n


@pytest.mark.parametrize("text", ["", "lots", "-1G", "8X", "1e9"])
def test_parse_bytes_rejects(text):
    with pytest.raises(ValueError, match="TMATH_ARRAY_MAX_BYTES"):
        _memory.parse_bytes(text)


def _run(code: str, env: dict | None = None, rlimit_gib: float | None = None):
    """Run ``code`` in a child (address space limited to ``rlimit_gib``)."""
    prelude = ""
    if rlimit_gib:
        n = int(rlimit_gib * 2**30)
        prelude = f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({n}, {n}))\n"
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def test_env_var_sets_the_limit():
    r = _run("""
        import tmath_array as xp
        from tmath_array._runtime import memory as _memory
        print(_memory.max_bytes, _memory.source)
        try:
            xp.ones(300_000)
        except MemoryError as e:
            print("MemoryError", e)
    """, env={"TMATH_ARRAY_MAX_BYTES": "1M"})
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"{2**20} TMATH_ARRAY_MAX_BYTES")
    assert "MemoryError ones" in r.stdout


def test_bad_env_var_fails_at_import():
    r = _run("import tmath_array", env={"TMATH_ARRAY_MAX_BYTES": "plenty"})
    assert r.returncode == 1
    assert "TMATH_ARRAY_MAX_BYTES='plenty'" in r.stderr


def test_address_space_limit_is_the_default():
    # Under RLIMIT_AS, a failed malloc in MLX is a segfault: the limit must cover it, and
    # every huge request of this list must raise in Python, the child surviving.
    r = _run("""
        import tmath_array as xp
        from tmath_array._runtime import memory as _memory
        assert _memory.source == "RLIMIT_AS", _memory.source
        cases = [
            lambda: xp.ones(2**29),                 # 2 GiB: more than the limit leaves
            lambda: xp.zeros((10**6, 10**6)),
            lambda: xp.ones(2**40, dtype=xp.float64),
            lambda: xp.sum(xp.ones((10**5, 1)) * xp.ones((1, 10**5))),
            lambda: xp.broadcast_to(xp.ones(3), (10**9, 3)) + 1,
            lambda: xp.matmul(xp.ones((10**5, 8)), xp.ones((8, 10**5))),
            lambda: xp.repeat(xp.ones(10**4), 10**5),
        ]
        for make in cases:
            try:
                xp.eval(make())
                print("no error")
            except (MemoryError, ValueError) as e:
                print(type(e).__name__)
        print("alive")
    """, rlimit_gib=2)
    assert r.returncode == 0, r.stderr[-2000:]
    lines = r.stdout.split()
    assert lines[-1] == "alive"
    assert "no error" not in lines


def test_empty_eye_with_a_huge_side_allocates_nothing():
    # (found by tools/fuzz: eye(2**31 - 1, 0) computed its 16 GiB of row numbers for an
    # empty matrix, and MLX segfaulted when the allocation failed; tril/triu likewise)
    r = _run("""
        import tmath_array as xp
        from tmath_array._runtime import memory as _memory
        for shape in ((2**31 - 1, 0), (0, 2**31 - 1)):
            x = xp.eye(*shape)
            xp.eval(x, xp.tril(x), xp.triu(x, k=2))  # (tril and triu segfaulted alike)
            print(x.shape)
        _memory.set_max_bytes(2**20)
        try:
            xp.eye(200_000, 1, dtype=xp.bool)  # a 200 kB result, 1.6 MB of row numbers
        except MemoryError:
            print("MemoryError")
    """, rlimit_gib=2)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split("\n")[:3] == ["(2147483647, 0)", "(0, 2147483647)", "MemoryError"]


def test_tolist_counts_the_python_objects(limit):
    # (found by tools/fuzz: tolist() of a (2**30, 0) array built 2**30 empty lists until
    # Python ran out of memory, with an empty MemoryError)
    with pytest.raises(MemoryError, match="tolist: the nested lists of an array of shape"):
        xp.zeros((2**30, 0), dtype=xp.bool).tolist()
    # Below a zero-length axis the lists are empty, but the levels above it are filled.
    with pytest.raises(MemoryError, match="tolist: the nested lists of an array of shape"):
        xp.zeros((2, 2**30, 0, 1), dtype=xp.bool).tolist()
    limit(64 * 11 + 32 * 30)  # the outer list and its 10 rows, 30 numbers
    assert xp.zeros((10, 3)).tolist() == [[0.0] * 3] * 10  # exactly at the limit
    with pytest.raises(MemoryError):
        xp.zeros((10, 4)).tolist()


def test_empty_products_with_a_huge_batch():
    # (found by tools/fuzz: MLX's matmul segfaulted evaluating an empty product with a
    # batch of 2**30 matrices)
    r = _run("""
        import tmath_array as xp
        out = xp.zeros((3, 2**30, 0, 3)) @ xp.zeros((1, 3, 1))
        xp.eval(out)
        print(out.shape)
    """, rlimit_gib=2)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.strip() == "(3, 1073741824, 0, 1)"


def test_unstack_counts_its_arrays():
    # (found by tools/fuzz: unstack of a (2**30, 0) array made arrays until MLX's
    # std::bad_alloc)
    with pytest.raises(MemoryError, match="unstack: 1073741824 arrays need at least"):
        xp.unstack(xp.zeros((2**30, 0)), axis=0)
    assert len(xp.unstack(xp.zeros((5, 0)))) == 5


@pytest.mark.parametrize("sa, sw", [((3, 2**31 - 1, 0), (0, 2)), ((3, 2**31 - 1, 0), (0, 0)),
                                    ((3, 2**31 - 1, 0), (0,))])
def test_products_whose_batch_passes_32_bits(sa, sw):
    # (found by tools/fuzz: MLX flattens the batch into one 32-bit dimension and raised
    # its own OverflowError, "[flatten] Shape dimension ...", even for an empty result)
    import tmath_array.nn as F  # noqa: N812 - the torch.nn.functional idiom

    a, w = xp.zeros(sa), xp.zeros(sw)
    want = np.matmul(np.zeros((3, 1, 0)), np.zeros(sw)).shape[2:]
    for name, call in (("matmul", lambda: xp.matmul(a, w)),
                       ("linear", lambda: F.linear(a, w.mT if w.ndim == 2 else w))):
        if 0 in want:
            assert call().shape == sa[:2] + want
        else:
            with pytest.raises(MemoryError, match=name):
                call()


def test_array_ndmin_beyond_numpys_limit():
    with pytest.raises(ValueError, match="ndmin"):
        xp.array(xp.zeros((3, 0)), ndmin=2**31)
    assert xp.array(1.0, ndmin=64).shape == (1,) * 64


def test_empty_arrays_numpy_could_not_describe():
    """NumPy refuses an empty array whose other dimensions multiply past 2**63 bytes
    ("array is too big"); such a result is refused where it is built, not when it is
    handed over (found by tools/fuzz: inner of two (3, 2**30, 0, 3) arrays)."""
    a = xp.zeros((3, 2**30, 0, 3), dtype=xp.uint32)
    with pytest.raises(ValueError, match="too big to describe"):
        xp.inner(a, a)
    with pytest.raises(ValueError, match="too big"):
        np.zeros((3, 2**30, 0, 3, 2**30, 0), dtype=np.uint32)
    assert xp.zeros((2**31 - 1, 0, 2**20)).shape == (2**31 - 1, 0, 2**20)
    assert np.zeros((2**31 - 1, 0, 2**20)).shape == (2**31 - 1, 0, 2**20)


def test_kron_and_outer_past_32_bit_sides():
    """(found by tools/fuzz: kron's merged sides reached MLX's reshape as 2**32: its raw
    OverflowError; outer of an empty operand could not infer -1)"""
    with pytest.raises(ValueError, match="kron: dimension"):
        xp.kron(xp.zeros((0, 2, 2**30)), xp.ones((3, 2, 4)))
    assert xp.outer(xp.zeros((0, 3)), xp.ones((2,))).shape == np.outer(
        np.zeros((0, 3)), np.ones(2)).shape == (0, 2)
    assert xp.kron(xp.zeros((0, 3)), xp.ones((2,))).shape == (0, 6)
