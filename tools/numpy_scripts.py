"""Run public NumPy snippets with ``np`` bound to NumPy and to tmath_array; compare.

``python -m tools.numpy_scripts --docstrings select,digitize,...`` runs the ``>>>``
examples of NumPy's own docstrings of those functions the same way.

``python -m tools.numpy_scripts exercises100.ktx`` reads rougier's numpy-100 source
(``source/exercises100.ktx``: blocks ``< aN`` hold the answers), runs every answer
twice and prints one line per exercise and a summary:

* ``same``: both runs finish and every array or number the snippet leaves in its
  namespace agrees (shape, and values within float32 tolerance);
* ``differs``: both finish, some value differs; ``error``: tmath_array raises where
  NumPy does not; ``numpy-error``: NumPy itself fails (notebook magics, ...): not counted.

Random numbers: ``np.random`` is NumPy's generator in both runs (seeded alike, its
results converted with ``tmath_array.asarray``), so the snippets see the same data;
tmath_array's own generator gives other numbers for a seed (docs/random.md).
"""

from __future__ import annotations

import contextlib
import io
import re
import signal
import sys
import types
import warnings

import numpy

import tmath_array


def answers(text: str) -> dict[int, str]:
    """``{exercise number: answer code}`` from the .ktx source."""
    out = {}
    for m in re.finditer(r"^< a(\d+)\n(.*?)(?=^< [qha]\d+|\Z)", text, re.S | re.M):
        out[int(m.group(1))] = m.group(2)
    return out


def _to_numpy(v):
    if isinstance(v, tmath_array.Array):
        return numpy.asarray(v)
    if type(v).__name__ == "DType":
        return numpy.dtype(str(v).rsplit(".", 1)[-1])
    if isinstance(v, (list, tuple)):
        return type(v)(_to_numpy(a) for a in v)
    return v


class _Random(types.ModuleType):
    """NumPy's ``random`` module whose array results land in tmath_array."""

    def __getattr__(self, name):
        f = getattr(numpy.random, name)
        if not callable(f) or isinstance(f, type):
            return f

        def call(*args, **kwargs):
            out = f(*_to_numpy(args), **{k: _to_numpy(v) for k, v in kwargs.items()})
            if isinstance(out, numpy.ndarray) and out.dtype.kind in "biufc":
                return tmath_array.asarray(out)
            return out
        return call


class _TmathNp(types.ModuleType):
    """tmath_array with NumPy's random numbers (see the module docstring)."""

    random = _Random("random")

    def __getattr__(self, name):
        return getattr(tmath_array, name)


def _run(code: str, np_module, ns: dict, seconds: int = 30):
    numpy.random.seed(0)
    ns.setdefault("np", np_module)
    ns.setdefault("__name__", "__exercise__")
    if np_module is not numpy:
        # The one import line a port changes: numpy.lib -> tmath_array.lib.
        code = code.replace("from numpy.lib", "from tmath_array.lib")
    out = io.StringIO()

    def timeout(*_):
        raise TimeoutError("exercise ran too long")

    signal.signal(signal.SIGALRM, timeout)
    signal.alarm(seconds)
    try:
        with contextlib.redirect_stdout(out), warnings.catch_warnings(), \
                numpy.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            exec(compile(code, "<exercise>", "exec"), ns)
        return ns, out.getvalue(), None
    except BaseException as e:  # noqa: BLE001 (a snippet may raise anything)
        return ns, out.getvalue(), e
    finally:
        signal.alarm(0)


def _values(ns: dict) -> dict:
    keep = {}
    for k, v in ns.items():
        if k.startswith("_") or k == "np":
            continue
        if isinstance(v, (tmath_array.Array, numpy.ndarray, numpy.generic, int, float,
                          complex, bool)):
            keep[k] = v
    return keep


def _close(a, b) -> bool:
    try:
        a, b = numpy.asarray(a), numpy.asarray(b)
    except Exception:  # noqa: BLE001
        return False
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "biufc" and b.dtype.kind in "biufc":
        with numpy.errstate(all="ignore"):
            return bool(numpy.allclose(a.astype(complex), b.astype(complex), rtol=1e-4,
                                       atol=1e-5, equal_nan=True))
    return bool(numpy.array_equal(a, b))


def parts(code: str) -> list[str]:
    """The alternative solutions of one answer (each starts at a ``# Author`` line)."""
    chunks = re.split(r"(?m)^(?=# Author)", code)
    return [c for c in chunks if c.strip()]


def compare(code: str, ns_np: dict, ns_xp: dict):
    """``(verdict, detail)`` for one snippet, run in the given namespaces; the values it
    binds are compared."""
    before_np, before_xp = dict(ns_np), dict(ns_xp)
    _, _, err_np = _run(code, numpy, ns_np)
    if err_np is not None:
        return "numpy-error", f"{type(err_np).__name__}: {err_np}"[:120]
    _, _, err_xp = _run(code, _TmathNp("np"), ns_xp)
    if err_xp is not None:
        return "error", f"{type(err_xp).__name__}: {err_xp}"[:160]
    a = {k: v for k, v in _values(ns_np).items() if before_np.get(k) is not v}
    b = {k: v for k, v in _values(ns_xp).items() if before_xp.get(k) is not v}
    bad = [k for k in a if k in b and not _close(a[k], b[k])]
    missing = [k for k in a if k not in b]
    if bad or missing:
        return "differs", f"values differ: {bad + missing}"
    return "same", ""


def docstring_examples(names: list[str]) -> dict[str, int]:
    """Run the ``>>>`` examples of NumPy's docstrings of ``names`` in both bindings.

    Each example's statements run in order in a NumPy and a tmath_array namespace; each
    expression's value is compared (shape, and values within float32 tolerance). Prints
    one line per function; returns the counts.
    """
    import doctest
    import os
    import tempfile

    # The examples write files (np.save("test.npy", ...)): run them in a scratch folder.
    here = os.getcwd()
    scratch = tempfile.TemporaryDirectory()
    os.chdir(scratch.name)
    try:
        return _docstring_examples(names, doctest.DocTestParser())
    finally:
        os.chdir(here)
        scratch.cleanup()


def _docstring_examples(names: list[str], parser) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in names:
        obj = numpy
        for part in name.split("."):
            obj = getattr(obj, part)
        examples = parser.get_examples(obj.__doc__ or "")
        ns_np = {"np": numpy}
        ns_xp = {"np": _TmathNp("np")}
        line = {"same": 0, "differs": 0, "error": 0, "numpy-error": 0, "unchecked": 0}
        notes = []
        for ex in examples:
            src = ex.source
            if "import" in src and "numpy" in src:
                continue
            try:
                code = compile(src, "<doc>", "eval")
                is_expr = True
            except SyntaxError:
                code = compile(src, "<doc>", "exec")
                is_expr = False
            numpy.random.seed(0)
            try:
                # (No numpy.errstate here: the examples of seterr/errstate set it.)
                with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                    warnings.simplefilter("ignore")
                    want = eval(code, ns_np) if is_expr else exec(code, ns_np)
            except Exception:  # noqa: BLE001
                line["numpy-error"] += 1
                continue
            numpy.random.seed(0)
            try:
                with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
                    warnings.simplefilter("ignore")
                    got = eval(code, ns_xp) if is_expr else exec(code, ns_xp)
            except Exception as e:  # noqa: BLE001
                line["error"] += 1
                notes.append(f"{src.strip()[:60]!r}: {type(e).__name__}: {e}"[:160])
                continue
            if not is_expr or want is None:
                line["same"] += 1
                continue
            if not _numeric(want):
                line["unchecked"] += 1  # (a plot, a string, an object: not a value here)
                continue
            if _same_value(got, want):
                line["same"] += 1
            else:
                line["differs"] += 1
                notes.append(f"{src.strip()[:60]!r}: differs")
        for k, v in line.items():
            counts[k] = counts.get(k, 0) + v
        print(f"{name:24s} {line}", flush=True)
        for n in notes:
            print(f"    {n}")
    print(counts)
    return counts


def _numeric(v) -> bool:
    """Whether ``v`` is a number, an array of numbers, a polynomial or a tuple of them."""
    if isinstance(v, (tuple, list)):
        return bool(v) and all(_numeric(w) for w in v)
    if hasattr(v, "coeffs") or hasattr(v, "coef"):
        return True
    if isinstance(v, (bool, int, float, complex, numpy.generic)):
        return True
    return isinstance(v, numpy.ndarray) and v.dtype.kind in "biufc"


def _same_value(got, want) -> bool:
    if isinstance(want, (tuple, list)) and isinstance(got, (tuple, list)):
        return len(got) == len(want) and all(_same_value(g, w) for g, w in zip(got, want))
    if hasattr(want, "coeffs") and hasattr(got, "coeffs"):  # poly1d
        return _close(_to_numpy(got.coeffs), want.coeffs)
    if hasattr(want, "coef") and hasattr(got, "coef"):  # polynomial classes
        return _close(_to_numpy(got.coef), want.coef)
    if isinstance(want, (str, bool)) or want is None:
        return got == want
    return _close(_to_numpy(got), want)


def main(argv: list[str]) -> int:
    if argv and argv[0] == "--docstrings":
        docstring_examples(argv[1].split(","))
        return 0
    text = open(argv[0]).read()
    only = {int(v) for v in argv[1].split(",")} if len(argv) > 1 else None
    counts: dict[str, int] = {}
    from numpy.lib.stride_tricks import sliding_window_view as swv

    for n, code in sorted(answers(text).items()):
        if only and n not in only:
            continue
        # What the notebook has imported by then, in each binding.
        ns_np = {"stride_tricks": numpy.lib.stride_tricks, "sliding_window_view": swv}
        ns_xp = {"stride_tricks": tmath_array.lib.stride_tricks,
                 "sliding_window_view": tmath_array.lib.stride_tricks.sliding_window_view}
        for i, part in enumerate(parts(code)):
            verdict, detail = compare(part, ns_np, ns_xp)
            counts[verdict] = counts.get(verdict, 0) + 1
            print(f"{n:3d}.{i} {verdict:12s} {detail}", flush=True)
    print(counts)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
