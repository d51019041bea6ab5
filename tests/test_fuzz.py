"""The fuzzer (tools/fuzz, docs/reliability-fuzzing.md): its quick profile, and its harness.

The quick profile runs a fixed seed (``python -m tools.fuzz --calls 1200 --seed 0
--batch-size 4 --no-compile``), so a red CI run replays exactly. Its calls run op by op
(``TMATH_ARRAY_NO_COMPILE=1``): compiling kernels with a cold cache costs minutes. The
long profile (compiled, >= 100,000 calls) is a command in the docs.
"""

from __future__ import annotations

import io
import pathlib
import sys
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = pathlib.Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import tmath_array as xp  # noqa: E402
from tmath_array._runtime import compile_cache as _compile  # noqa: E402
from tools.fuzz import check, runner, targets, values  # noqa: E402

# One batch of 4 calls per discovered target: every public function is called each CI run.
QUICK_CALLS = 4 * len(targets.discover())


@pytest.fixture
def no_compile(monkeypatch):
    """Composites op by op, as in the quick profile (no g++ with a cold kernel cache)."""
    monkeypatch.setattr(_compile, "enabled", False)


def _report(res) -> str:
    buf = io.StringIO()
    runner.report(res, buf)
    return buf.getvalue()


def test_quick_profile_finds_no_bugs():
    res = runner.run(QUICK_CALLS, seed=0, batch_size=4, compile=False)
    text = _report(res)
    assert res.done == QUICK_CALLS, text
    assert not res.bugs, text
    assert res.restarts == 0, text
    # Every discovered target was called, and the outcomes are a mix, not all errors.
    assert set(res.by_target) == set(res.targets), set(res.targets) - set(res.by_target)
    assert res.kinds["ok"] > QUICK_CALLS // 4, text


@pytest.mark.parametrize("what, kind, how, calls", [("crash", "bug:crash", "SIGSEGV", 3),
                                                    ("hang", "bug:hang", "hang", 1)])
def test_runner_survives_a_dying_worker(what, kind, how, calls):
    # The first call of the first worker misbehaves; a new worker runs the other calls
    # (one start fewer for the hang: each costs seconds).
    res = runner.run(calls, seed=1, batch_size=4, timeout=5, selftest=what, compile=False)
    text = _report(res)
    assert res.done == calls and res.restarts == 1, text
    [bug] = res.bugs.values()
    assert bug["kind"] == kind and how in bug["detail"], text
    # The reproducer is the call the worker had started.
    assert bug["src"].startswith(("xp.", "(", "x = ", "list(", "torch.", "torch_face.")), \
        bug["src"]
    assert f"[{kind}] {bug['target']}" in text and bug["src"] in text


@settings(derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_reproducer_lines_replay_the_call(data, no_compile):
    call = targets.draw_call(data.draw, targets.discover())
    ns: dict = {}
    exec(values.HEADER, ns)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        outcome = check.execute(call)
        try:
            exec(call.src(), ns)
            replay = "ok"
        except Exception as exc:  # noqa: BLE001
            replay = f"error:{type(exc).__name__}"
    if outcome.kind.startswith("ok"):
        assert replay == "ok", (call.src(), replay)
    elif outcome.kind.startswith("error:"):
        assert replay == outcome.kind, (call.src(), outcome.kind, replay)


def _raise_from_package(exc: Exception):
    """``exc`` raised from a frame that looks like package code (not a raise statement)."""
    fake = str(pathlib.Path(xp.__file__).parent / "_not_a_module.py")
    code = compile("x = 1\nraise exc\n", fake, "exec")
    try:
        exec(code, {"exc": exc})
    except Exception as e:  # noqa: BLE001
        return e
    raise AssertionError("not raised")


def test_outcome_classification():
    c = check.classify_exception
    assert c("xp.add", ValueError("add: shapes (2,) and (3,) cannot be broadcast")).kind == \
        "error:ValueError"
    assert c("xp.add", ValueError("[broadcast_shapes] Shapes (2) and (3) cannot be "
                                  "broadcast.")).kind == "bug:raw:ValueError"
    assert c("xp.any", TypeError("any(): incompatible function arguments.")).kind == \
        "bug:raw:TypeError"
    assert c("xp.zeros", RuntimeError("std::bad_cast")).kind == "bug:raw:RuntimeError"
    assert c("xp.sin", NotImplementedError("later")).kind == "bug:NotImplementedError"
    assert c("xp.sin", KeyError("k")).kind == "bug:exception:KeyError"
    assert c("xp.sin", ValueError("")).kind == "bug:no-message:ValueError"
    assert c("xp.from_dlpack", AttributeError("no __dlpack__")).kind == "error:AttributeError"
    assert c("xp.sin", AttributeError("no __dlpack__")).kind == "bug:exception:AttributeError"
    accidental = _raise_from_package(IndexError("tuple index out of range"))
    assert c("xp.fft.fftshift", accidental).kind == "bug:accidental:IndexError"
    # The same message from outside the package (a user's or NumPy's code) is no verdict.
    assert c("xp.sin", IndexError("tuple index out of range")).kind == "error:IndexError"


def test_targets_cover_every_public_function():
    names = set(targets.discover())
    for mod, prefix in ((xp, "xp"), (xp.linalg, "xp.linalg"), (xp.fft, "xp.fft")):
        for n in mod.__all__:
            obj = getattr(mod, n)
            if callable(obj) and not isinstance(obj, type) and obj not in (xp.linalg, xp.fft):
                assert f"{prefix}.{n}" in names or f"{prefix}.{n}" in targets.SKIP, n
    assert {"Array.__getitem__", "Array.__setitem__", "Array.__add__", "Array.to_device",
            "xp.nn.gelu"} <= names


def test_layers_are_targets_compared_with_pytorch():
    # Every nn layer of the PyTorch face is a target: built, called, backpropagated, and
    # compared with real PyTorch's layer loaded with the same initial state.
    names = set(targets.discover())
    assert {"torch.nn.Linear", "torch.nn.Conv2d", "torch.nn.MultiheadAttention",
            "torch.nn.CrossEntropyLoss", "torch.nn.ReLU"} <= names
    assert "torch.nn.Module" not in names and "torch.nn.Sequential" not in names
    x = values.array(np.arange(6, dtype=np.float32).reshape(2, 3), "float32")
    call = targets.Call("torch.nn.Linear", [x], {}, ctor=([values.py(3), values.py(2)], {}))
    assert call.src().startswith("torch_face.nn.Linear(3, 2)(torch_face.as_tensor(")
    assert check.execute(call).kind == "ok"
    # output and both parameters' gradients, in the oracle too
    result, _ = check.invoke(call)
    assert len(result) == 3 and len(check.oracle(call)) == 3
    bad = targets.Call("torch.nn.Linear", [x], {}, ctor=([values.py(3), values.py(-1)], {}))
    assert check.execute(bad).kind == "error:ValueError"


def test_array_likes_replay_and_convert_as_documented():
    a = np.array([[1.5, -0.0], [np.nan, 2.0]], dtype=np.float64)
    base = values.array(a, "float64")
    ns: dict = {}
    exec(values.HEADER, ns)
    for form, dtype in (("list", "float32"), ("numpy", "float64")):
        v = values.alike(base, form)
        assert f"dtype={dtype}" in v.tags and v.twin is not None
        np.testing.assert_array_equal(np.asarray(eval(v.src, ns)), np.asarray(v.make()))
        assert v.oracle().dtype == np.dtype(dtype)  # the oracle sees the converted data
    s = values.array(np.array(3, dtype=np.int32), "int32")
    assert values.alike(s, "pyscalar").make() == 3 and "array" not in \
        values.alike(s, "pyscalar").tags  # (a Python scalar is weak: no twin)
    n = values.alike(s, "npscalar")
    assert eval(n.src, ns) == n.make() and type(n.make()) is np.int32
    assert values.list_dtype([[1, 2**40]]) == "int64" and values.list_dtype([1, 2]) == "int32"
    axis = values.py((np.int64(0), 1))
    assert eval(axis.src, ns) == (0, 1) and axis.twin.make() == (0, 1)


_sin = xp.sin


@pytest.mark.parametrize("impl, kind", [
    (lambda x: _sin(x) if isinstance(x, xp.Array) else
     (_ for _ in ()).throw(TypeError("sin: x must be an array")), "bug:alike-refused"),
    (lambda x: _sin(xp.asarray(x, dtype=xp.float64 if isinstance(x, list) else None)),
     "bug:alike-differs"),
])
def test_array_likes_must_give_what_their_twin_gives(monkeypatch, impl, kind):
    # A function that refuses a list NumPy takes, or converts it to another dtype than
    # the documented float32, is reported.
    monkeypatch.setattr(xp, "sin", impl)
    v = values.alike(values.array(np.array([0.5, 1.0], dtype=np.float32), "float32"), "list")
    assert check.execute(targets.Call("xp.sin", [v])).kind == kind


def test_a_list_converted_with_a_dtype_is_no_twin_verdict():
    # xp.array(list, dtype=bool) converts the list directly (1e-309 is True), not through
    # float32 first (0, False): no twin comparison for conversions given a dtype.
    v = values.alike(values.array(np.array([-2.2e-309, 0.0]), "float64"), "list")
    call = targets.Call("xp.array", [v], {"dtype": values.dtype("bool")})
    assert check.execute(call).kind == "ok"
