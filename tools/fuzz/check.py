"""Run one fuzz call and judge its outcome.

An outcome is a string:

* ``ok`` - a result, evaluated, consistent, and equal to the oracle's within
  tolerance; ``ok-unchecked`` - a consistent result with no oracle to compare;
* ``error:<Type>`` - a Python exception of the standard's kinds (TypeError,
  ValueError, IndexError, MemoryError, OverflowError; BufferError from the DLPack
  protocol) raised on purpose by tmath_array;
* ``bug:<what>`` - everything else: a raw MLX or nanobind error, an accidental
  Python error inside the package (``tuple index out of range``), another exception
  type, an error deferred to evaluation, an inconsistent result, a value that
  differs from NumPy's (or PyTorch's, for ``xp.nn``). Crashes and hangs are judged
  by the runner, which sees the process die.
"""

from __future__ import annotations

import dataclasses
import linecache
import math
import re
import traceback
import warnings

import numpy as np

import tmath_array as xp
from tmath_array._array import core as _core
from tmath_array._array import dtypes as _d

from . import gen, targets, values

STANDARD = (TypeError, ValueError, IndexError, MemoryError, OverflowError)
# The PyTorch face raises what PyTorch raises: RuntimeError besides the standard's kinds.
TORCH_KINDS = STANDARD + (RuntimeError,)
_TORCH_CASTS = {"byte", "char", "short", "int", "long", "to", "type", "type_as", "new_tensor",
                "tensor", "as_tensor", "copy", "fill", "full_like"}
_TORCH_TIES = {"topk", "kthvalue", "median", "sort", "argsort", "max", "min", "argmax",
               "argmin", "msort", "mode", "aminmax"}
# The face's functions whose results are random or uninitialised in PyTorch, or that
# change process-wide state: no oracle.
TORCH_NO_ORACLE = {"rand", "randn", "randint", "randperm", "rand_like", "randn_like",
                   "randint_like", "normal", "bernoulli", "multinomial", "manual_seed",
                   "seed", "initial_seed", "empty", "empty_like", "new_empty", "uniform_",
                   "normal_", "random_", "bernoulli_", "exponential_", "Generator",
                   "__repr__", "__str__", "__format__", "type", "data_ptr", "storage",
                   "get_device", "device", "stride", "element_size", "grad_fn", "grad",
                   "__reduce_ex__", "__deepcopy__", "tolist", "numpy", "item", "backward",
                   # layers that draw random numbers in training mode
                   "Dropout", "Dropout1d", "Dropout2d", "AlphaDropout", "RReLU"}
# MLX's messages start with the op in brackets; nanobind's mention its argument casts.
RAW = re.compile(r"^\[[A-Za-z0-9_:]+\]|incompatible function arguments|outside the supported "
                 r"range|std::|Unable to cast|nanobind|Cannot cast|Cannot broadcast array of "
                 r"shape|cannot be broadcast\.$")
# Python's own messages when package code trips over an argument it did not check.
ACCIDENTAL = re.compile(
    r"index out of range|object is not subscriptable|unsupported operand type|has no len"
    r"|values to unpack|object is not iterable|can't multiply sequence|not supported between"
    r"|unhashable type|division by zero|math domain error|object has no attribute"
    r"|argument must be a string or a|cannot convert float (NaN|infinity) to integer"
    r"|got an unexpected keyword argument|missing \d+ required|object is not callable")

_PKG_DIR = xp.__file__.rsplit("/", 1)[0] + "/"
# Conversions to Python numbers raise what int(), float() and complex() raise
# (int(inf) is Python's OverflowError, as in NumPy).
_CONVERSIONS = {f"{c}.{m}" for c in ("Array", "Tensor") for m in (
    "__int__", "__index__", "__float__", "__complex__", "__bool__")}

# Targets whose values depend on conditioning, ordering or signs: shapes and dtypes only.
SHAPE_ONLY = {"eig", "eigvals", "eigh", "qr", "svd", "inv", "solve", "pinv", "det", "slogdet",
              "cholesky", "matrix_rank", "matrix_power", "dropout", "eigvalsh", "svdvals",
              "key", "split", "empty", "empty_like", "matrix_norm", "cond"}
# Targets whose rounding errors grow with their inputs: tolerance scaled by sum |input|.
ACCUMULATING = {"fft", "ifft", "fftn", "ifftn", "rfft", "irfft", "rfftn", "irfftn", "hfft",
                "ihfft", "fft2", "ifft2", "rfft2", "irfft2", "hfft2", "ihfft2", "hfftn",
                "ihfftn", "sum", "mean", "std", "var", "prod", "cumulative_sum", "cumulative_prod",
                "cumsum", "nancumsum", "nansum", "nanmean",
                "matmul", "__matmul__", "__rmatmul__", "__imatmul__", "tensordot", "vecdot",
                "trace", "vector_norm", "outer", "linear", "layer_norm", "rms_norm",
                "softmax", "log_softmax", "scaled_dot_product_attention", "linspace", "gelu",
                "logaddexp", "dot", "vdot", "inner", "mm", "mv", "bmm", "addmm", "addmv",
                "baddbmm", "addbmm", "chain_matmul", "multi_dot",
                # the PyTorch face's layers (outputs and parameter gradients are sums)
                "Linear", "Bilinear", "Conv1d", "Conv2d", "LayerNorm", "RMSNorm",
                "BatchNorm1d", "BatchNorm2d", "MultiheadAttention", "AvgPool2d",
                "AdaptiveAvgPool2d", "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss",
                "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "KLDivLoss",
                "Softmax", "LogSoftmax", "Softmin", "GELU", "Embedding"}
# Targets whose NumPy counterpart follows other rules (NumPy's can_cast allows bool to int).
NO_ORACLE = {"can_cast", "result_type", "key", "split", "empty", "empty_like"}
# The standard's special cases for infinities differ from NumPy's (floor_divide(-inf, 7) is
# -inf, NumPy's NaN): compare where both results are finite.
FINITE_ONLY = {"floor_divide", "remainder", "__floordiv__", "__rfloordiv__", "__ifloordiv__",
               "__mod__", "__rmod__", "__imod__"}
_FLOATS = tuple(getattr(xp, n) for n in values.FLOAT_NAMES + ("complex64",))
_INTEGRAL = tuple(getattr(xp, n) for n in ("int8", "int16", "int32", "int64", "uint8",
                                            "uint16", "uint32", "uint64"))
_FLOAT_TAGS = tuple(f"dtype={n}" for n in values.FLOAT_NAMES + ("complex64",))
# Complex pow: the standard's exp(x2 * log(x1)) gives NaN where NumPy gives 1 (inf ** 0).
_POW = {"pow", "power", "__pow__", "__rpow__", "__ipow__"}
_UNIQUE = {"unique_values", "unique_counts", "unique_inverse", "unique_all"}
_RTOL = {"float16": 5e-3, "bfloat16": 3e-2, "float32": 2e-4, "float64": 1e-9,
         "complex64": 2e-4}


class Outcome:
    __slots__ = ("kind", "detail")

    def __init__(self, kind: str, detail: str = ""):
        self.kind = kind
        self.detail = detail

    @property
    def is_bug(self) -> bool:
        return self.kind.startswith("bug:")


def _raised_in_package(exc: BaseException) -> bool:
    """True when the innermost frame is package code that did not ``raise`` itself."""
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return False
    code = last.tb_frame.f_code
    if not code.co_filename.startswith(_PKG_DIR):
        return False
    line = linecache.getline(code.co_filename, last.tb_lineno).strip()
    return not line.startswith("raise")


def classify_exception(target: str, exc: BaseException) -> Outcome:
    """``error:`` for a deliberate standard exception, else ``bug:``."""
    msg = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, NotImplementedError):
        return Outcome("bug:NotImplementedError", msg)
    text = str(exc)
    if RAW.search(text):
        return Outcome(f"bug:raw:{type(exc).__name__}", msg)
    if ACCIDENTAL.search(text) and _raised_in_package(exc) and target not in _CONVERSIONS:
        return Outcome(f"bug:accidental:{type(exc).__name__}", msg)
    if not text.strip():
        return Outcome(f"bug:no-message:{type(exc).__name__}", msg)
    kinds = TORCH_KINDS if _is_torch(target) else STANDARD
    if _is_layer(target) and isinstance(exc, AssertionError):
        # (PyTorch's layers check their arguments with assert: the face raises the same)
        return Outcome("error:AssertionError", msg)
    for kind in kinds:
        if isinstance(exc, kind):
            return Outcome(f"error:{kind.__name__}", msg)
    if isinstance(exc, BufferError) and ("dlpack" in target or target == "Array.__array__"):
        return Outcome("error:BufferError", msg)
    if isinstance(exc, AttributeError) and target == "xp.from_dlpack":
        return Outcome("error:AttributeError", msg)
    return Outcome(f"bug:exception:{type(exc).__name__}", msg)


def _is_layer(target: str) -> bool:
    return target.startswith("torch.nn.") and target[9:10].isupper()


def _is_torch(target: str) -> bool:
    return target.startswith(("torch.", "Tensor."))


# --- running --------------------------------------------------------------------

def invoke(call: targets.Call):
    """Build fresh arguments and make the call: ``(result, self_array)``."""
    fn, args, kwargs, obj = targets.build(call)
    kind = call.kind
    if kind == "module":
        return _run_layer(call, fn, args, kwargs), None
    if kind == "function":
        return fn(*args, **kwargs), None
    if kind == "property":
        return getattr(obj, call.name), obj
    if kind == "setitem":
        obj[args[0]] = args[1]
        return obj, obj
    if call.name == "__iter__":
        return list(fn(obj, *args, **kwargs)), obj
    return fn(obj, *args, **kwargs), obj


def _layer_params(layer) -> list:
    """A layer's parameters that take gradients, by name."""
    return sorted((n, p) for n, p in layer.named_parameters() if p.requires_grad)


def _run_layer(call: targets.Call, layer, args, kwargs):
    """Call a layer; where its output is floating, backpropagate ``output.sum()``.

    The result is ``[output, grad, ...]`` (one gradient per parameter, by name); the
    layer's initial state goes to the oracle on ``call.layer_state``."""
    call.layer_state = {k: np.array(v.detach()) if getattr(v, "dtype", None) != xp.bfloat16
                        else None for k, v in layer.state_dict().items()}
    out = layer(*args, **kwargs)
    first = out[0] if isinstance(out, tuple) else out
    params = _layer_params(layer)
    if not (isinstance(first, xp.Array) and getattr(first, "requires_grad", False)
            and params):
        return [out]
    first.sum().backward()
    return [out] + [p.grad for _, p in params]


def _arrays_in(value, out: list) -> list:
    if isinstance(value, xp.Array):
        out.append(value)
    elif isinstance(value, (tuple, list)):
        for v in value:
            _arrays_in(v, out)
    return out


def to_numpy(a) -> np.ndarray:
    if getattr(a, "requires_grad", False):
        a = a.detach()
    if a.dtype == xp.bfloat16:
        a = xp.astype(a, xp.float32)
    return np.asarray(a)


def _consistent(a) -> str | None:
    """A problem with an Array's bookkeeping, or None."""
    name = values.xp_dtype_name(a.dtype)
    if name is None:
        return f"dtype {a.dtype!r} is not a tmath dtype"
    raw = a.__mlx_array__()
    # (a Tensor's dtype attribute is the torch dtype standing for its tmath dtype)
    if _core.CANON.get(raw.dtype) is not _d.as_dtype(a.dtype):
        return f"dtype attribute {name} but MLX data {raw.dtype}"
    if a.shape != tuple(raw.shape) or not all(isinstance(s, int) and s >= 0 for s in a.shape):
        return f"shape {a.shape} but MLX shape {tuple(raw.shape)}"
    if a.ndim != len(a.shape) or a.size != math.prod(a.shape):
        return f"ndim/size {a.ndim}/{a.size} do not match shape {a.shape}"
    return None


def _execute(call: targets.Call) -> Outcome:
    """Call, evaluate, check against the oracle."""
    try:
        result, obj = invoke(call)
    except BaseException as exc:  # noqa: BLE001 - judging every exception is the point
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return classify_exception(call.target, exc)
    if result is NotImplemented:
        return Outcome("ok-unchecked")  # (an operator dunder declining: Python's protocol)
    arrays = _arrays_in(result, [])
    if obj is not None and call.name.startswith("__i") or call.kind == "setitem":
        arrays.append(obj)
    try:
        xp.eval(*arrays)
        for a in arrays:
            problem = _consistent(a)
            if problem:
                return Outcome("bug:inconsistent", problem)
        got = _numpy_tree(result)
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        out = classify_exception(call.target, exc)
        if isinstance(exc, MemoryError) and not out.is_bug:
            return out
        return Outcome("bug:deferred:" + out.kind, out.detail)
    try:
        if call.name in _UNIQUE and call.kind == "function":
            problem = check_unique(call, got)
            return Outcome("bug:mismatch", problem) if problem else Outcome("ok")
        expected = oracle(call, result)
        if expected is _NO_ORACLE:
            return Outcome("ok-unchecked")
        problem = compare(call, result, got, expected)
    except Exception as exc:  # noqa: BLE001 - the fuzzer's own fault, reported as such
        return Outcome(f"fuzzer-error:{type(exc).__name__}", format_traceback(exc))
    if problem:
        return Outcome("bug:mismatch", problem)
    return Outcome("ok")


# --- array-likes and NumPy integers: the call with twins ------------------------------

def twin_call(call: targets.Call) -> targets.Call | None:
    """The call with each array-like a tmath array of the dtype it converts to and each
    NumPy integer a Python int, or None when the call has neither."""
    vals = list(call.args) + list(call.kwargs.values())
    if not any(v.twin is not None for v in vals):
        return None
    return targets.Call(call.target, [v.twin or v for v in call.args],
                        {k: v.twin or v for k, v in call.kwargs.items()}, call.self_val)


def execute(call: targets.Call) -> Outcome:
    """Call, evaluate, check against the oracle; a call with array-likes or NumPy integers
    must also give what its twin gives (:func:`twin_call`)."""
    out = _execute(call)
    twin = twin_call(call)
    if twin is None or out.is_bug or out.kind.startswith("fuzzer-error") or \
            call.name in _NO_TWIN:
        return out
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            twin_result, _ = _run_evaluated(twin)
        except _RaisedError:
            return out  # (the twin refused: the array-like may be refused too, or not)
        try:
            result, _ = _run_evaluated(call)
        except _RaisedError as exc:
            copy = call.kwargs.get("copy")
            if copy is not None and copy.oracle() is False:
                return out  # (MLX copies memory it does not own: copy=False is refused)
            if call.kind in ("getitem", "setitem") and "out of bounds" in exc.exc_text:
                # (a host index is checked; the twin's Array index is clamped on the
                # device by design, docs/indexing.md: no sync in every x[idx])
                return out
            if _accepted_elsewhere(call):
                return Outcome("bug:alike-refused", f"{exc.exc_text}; the same data as a "
                               f"tmath array or Python int is taken: {twin.src()}")
            return out
    if call.name in _ASKS_THE_TYPE or _converts_to_dtype(call):
        return out
    problem = _twin_problem(call, result, twin_result, "result")
    if problem:
        return Outcome("bug:alike-differs", f"{problem}; twin: {twin.src()}")
    return out


# Functions whose answer is about the argument's type: a NumPy scalar is a scalar, its
# twin (a 0-d array) is not.
_ASKS_THE_TYPE = {"isscalar"}
# No twin verdict: NumPy reads a list given to can_cast, dtype or result_type as a dtype
# spec ([] is an empty structured dtype, [1, 2] an error), not as data; trapezoid's dx is
# an operand, where a NumPy integer is typed (np.int64 dx widens a uint8 sum that a Python
# int lets wrap, in NumPy too), and so is select's default (np.int8(5) keeps bool choices
# int8; 5 makes them int64 in NumPy).
_NO_TWIN = {"can_cast", "trapezoid", "dtype", "select", "result_type"}
# Conversions given a dtype: a list is converted to it directly (1e-309 is True as bool),
# not through its default dtype first (float32: 0, False).
_CONVERTS = {"asarray", "array", "asanyarray", "ascontiguousarray", "asfortranarray",
             "asarray_chkfinite", "from_dlpack"}


def _converts_to_dtype(call: targets.Call) -> bool:
    """A conversion given a dtype, by keyword or (NumPy's array/asarray...) second."""
    if call.name not in _CONVERTS:
        return False
    if call.kwargs.get("dtype") is not None and call.kwargs["dtype"].oracle() is not None:
        return True
    return call.name != "from_dlpack" and len(call.args) > 1 and \
        call.args[1].oracle() is not None


class _RaisedError(Exception):
    """A call that raised (or failed at evaluation), with its message."""

    def __init__(self, exc: BaseException):
        self.exc_text = f"{type(exc).__name__}: {exc}"


def _run_evaluated(call: targets.Call):
    try:
        result, obj = invoke(call)
        if result is NotImplemented:
            raise TypeError("NotImplemented")
        arrays = _arrays_in(result, [])
        if obj is not None and call.name.startswith("__i") or call.kind == "setitem":
            arrays.append(obj)
        xp.eval(*arrays)
        return result, obj
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise _RaisedError(exc) from None


def _accepted_elsewhere(call: targets.Call) -> bool:
    """Whether NumPy (real PyTorch for the PyTorch face and xp.nn) takes the call with the
    array-likes and NumPy integers as they are."""
    if _is_torch(call.target):
        return _torch_oracle(call, raw=True) is not _NO_ORACLE
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            f = targets.np_module(call.target) if call.kind == "function" else None
            if call.target.startswith("xp.nn."):
                return False  # (torch.nn.functional takes tensors only)
            args = [a.raw() for a in call.args]
            kwargs = {k: v.raw() for k, v in call.kwargs.items() if k != "device"}
            if call.kind == "function":
                if f is None:
                    return False
                f(*args, **kwargs)
                return True
            obj = call.self_val.oracle()
            if call.kind == "setitem":
                obj[args[0]] = args[1]
                return True
            if call.kind == "property":
                return True
            res = getattr(obj, call.name)(*args, **kwargs)
            return res is not NotImplemented
    except Exception:  # noqa: BLE001
        return False


def _twin_problem(call: targets.Call, a, b, where: str) -> str | None:
    """How a result differs from its twin's (same dtype, shape and values), or None."""
    if isinstance(a, xp.Array) or isinstance(b, xp.Array):
        if not (isinstance(a, xp.Array) and isinstance(b, xp.Array)):
            return f"{where}: {type(a).__name__}, twin {type(b).__name__}"
        if a.dtype != b.dtype or a.shape != b.shape:
            return f"{where}: {a.dtype} {a.shape}, twin {b.dtype} {b.shape}"
        if call.name in SHAPE_ONLY or call.name in ("empty", "empty_like") or \
                _is_torch(call.target) and call.name in TORCH_NO_ORACLE:
            return None
        g, w = to_numpy(a), to_numpy(b)
        eq = (g == w) | ((g != g) & (w != w)) if g.dtype.kind in "fc" else g == w
        if not np.all(eq):
            return _first_diff(where, g, w, ~np.asarray(eq))
        return None
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        if len(a) != len(b):
            return f"{where}: {len(a)} items, twin {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            problem = _twin_problem(call, x, y, f"{where}[{i}]")
            if problem:
                return problem
        return None
    if isinstance(a, (bool, int, float, complex, str)) and \
            isinstance(b, (bool, int, float, complex, str)):
        if a != b and not (a != a and b != b):
            return f"{where}: {a!r}, twin {b!r}"
    return None


def _numpy_tree(value):
    if isinstance(value, xp.Array):
        return to_numpy(value)
    if isinstance(value, (tuple, list)):
        return [_numpy_tree(v) for v in value]
    return value


# --- the oracle ---------------------------------------------------------------------

_NO_ORACLE = object()


def _torch_value(v: values.Val, raw: bool = False):
    import torch

    val = v.raw() if raw else v.oracle()
    if isinstance(val, np.generic) and "array" in v.tags:
        val = np.asarray(val)  # (a NumPy scalar drawn for a 0-d array)
    if isinstance(val, np.ndarray) and "array" in v.tags:
        name = next(t[6:] for t in v.tags if t.startswith("dtype="))
        t = torch.from_numpy(val.copy())
        if name == "bfloat16":
            t = t.to(torch.bfloat16)
        return t
    if "dtype" in v.tags:
        return getattr(torch, v.src[3:], None)
    return val


def oracle(call: targets.Call, result=None):
    """NumPy's (PyTorch's for xp.nn and the PyTorch face) answer to the same call, or
    ``_NO_ORACLE``; ``result`` is the namespace's (set operations ask NumPy about values in
    its dtype)."""
    if _is_torch(call.target):
        return _torch_oracle(call)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if call.kind == "function":
                if call.name in NO_ORACLE or (call.name == "isdtype" and
                                              "bfloat16" in call.src()):
                    return _NO_ORACLE  # (NumPy sees bfloat16 as float32)
                if call.name in ("asarray", "from_dlpack") and call.args and \
                        isinstance(call.args[0].oracle(), bytes):
                    return _NO_ORACLE  # (a buffer of bytes here, a 0-d bytes array there)
                f = targets.np_module(call.target)
                if f is None or (call.target.startswith("xp.linalg.") and not _finite(call)):
                    # (LAPACK's SVD and eigensolvers can loop forever on inf and NaN.)
                    return _NO_ORACLE
                if call.target.startswith("xp.nn."):
                    args = [_torch_value(a) for a in call.args]
                    kwargs = {k: _torch_value(v) for k, v in call.kwargs.items()}
                    out = f(*args, **kwargs)
                    return _from_torch(out)
                args = [a.oracle() for a in call.args]
                kwargs = {k: v.oracle() for k, v in call.kwargs.items() if k != "device"}
                if _converts_to_dtype(call):
                    args = [a.raw() for a in call.args]  # (converted to dtype directly)
                if call.name in _SIZES_ONLY:
                    # (NumPy computes with a 0-d int16 size in int16: m=32766 wraps)
                    args = [_as_size(a) for a in args]
                    kwargs = {k: _as_size(v) for k, v in kwargs.items()}
                if call.name == "diff":  # (NumPy appends a None given as append=None)
                    kwargs = {k: v for k, v in kwargs.items() if v is not None}
                    n = kwargs.get("n", args[1] if len(args) > 1 else 1)
                    if isinstance(n, int) and n > 64:
                        return _NO_ORACLE  # (NumPy loops n times, past an empty axis too)
                if call.name == "digitize":
                    bins = kwargs.get("bins", args[1] if len(args) > 1 else None)
                    if bins is not None and not _sorted(np.asarray(bins).ravel()) and \
                            not _sorted(np.asarray(bins).ravel()[::-1]):
                        return _NO_ORACLE  # (bins must be monotonic: NaN is neither)
                if call.name == "searchsorted" and args and \
                        not _sorted(np.asarray(args[0])):
                    return _NO_ORACLE  # (unspecified for unsorted x1)
                if call.name == "unique" and kwargs.get("sorted") is False:
                    # (any order is allowed then; NumPy >= 2.3 hashes, tmath sorts)
                    kwargs["sorted"] = True
                if call.name == "interp" and "period" not in kwargs:
                    xs = kwargs.get("xp", args[1] if len(args) > 1 else None)
                    if xs is not None and not _sorted(np.asarray(xs).ravel()):
                        return _NO_ORACLE  # (xp must increase; neither library checks)
                if call.name == "searchsorted" and len(args) > 1 and \
                        "array" not in call.args[1].tags:
                    # The standard converts a Python scalar to x1's dtype (NumPy: float64).
                    args[1] = np.asarray(args[1], dtype=np.asarray(args[0]).dtype)
                if call.name == "clip" and args:
                    args[1:] = [_clip_bound(args[0], v) for v in args[1:]]
                    kwargs = {k: _clip_bound(args[0], v) for k, v in kwargs.items()}
                _stable_by_default(call, args, kwargs)
                if call.name == "lstsq":
                    return _lstsq_oracle(f(*args, **kwargs))
                if call.name in ("partition", "argpartition") and isinstance(result, xp.Array):
                    return _partition_oracle(call.name, f(*args, **kwargs), result, args,
                                             kwargs)
                if call.name == "unwrap" and kwargs.get(
                        "period", args[3] if len(args) > 3 else 1) == 0:
                    return _NO_ORACLE  # (a zero period: NumPy's integer mod by zero is 0)
                if call.name == "unpackbits" and np.size(
                        kwargs.get("a", args[0] if args else None)) == 0:
                    return _NO_ORACLE  # (NumPy pads an empty input's count with stale memory)
                if call.name in ("nanquantile", "nanpercentile") and np.size(
                        kwargs.get("a", args[0] if args else None)) == 0:
                    return _NO_ORACLE  # (NumPy answers nanmean's shape: q's axes left out)
                if call.target.startswith("xp.fft.") and any(
                        np.size(v.oracle()) == 0 for v in _array_vals(call)):
                    # (NumPy's irfft of an empty axis padded to n reads memory it never
                    # wrote: 3.2e27 one run, 4.6e-17 the next; zeros padded give zeros)
                    return _NO_ORACLE
                if call.name == "polydiv" and _huge_operand(call, 1e12):
                    # (a remainder that cancels: its values, and which leading terms NumPy's
                    # allclose trims, are rounding noise of order eps * |u|)
                    return _NO_ORACLE
                if call.name in _SET_OPS:
                    if _assumed_unique(args, kwargs):
                        return _NO_ORACLE  # (NumPy's answer for repeated values is undefined)
                    if isinstance(result, xp.Array):
                        # Mixed kinds promote as docs/dtypes.md says (int64 with float16
                        # is float16; NumPy's float64): values that collide after the
                        # promotion are one value. NumPy is asked about promoted values.
                        if call.name == "setdiff1d":
                            return _setdiff1d_oracle(call, args, kwargs)
                        args, kwargs = _promoted_set_args(_set_dtype(call), args, kwargs)
                return f(*args, **kwargs)
            obj = call.self_val.oracle()
            if call.kind == "property":
                if call.name in ("nbytes", "itemsize") and "dtype=xp.bfloat16" in call.self_val.src:
                    return _NO_ORACLE  # (the oracle holds bfloat16 values as float32)
                return getattr(obj, call.name)
            args = [a.oracle() for a in call.args]
            if call.name == "view" and any(v.src == "xp.bfloat16" for v in
                                           list(call.args) + list(call.kwargs.values())):
                return _NO_ORACLE  # (the oracle holds bfloat16 as float32: 4 bytes, not 2)
            if call.kind == "setitem":
                obj[args[0]] = args[1]
                return obj
            if call.name in ("__dlpack__", "__dlpack_device__", "__array_namespace__",
                             "__repr__", "to_device", "__array__"):
                return _NO_ORACLE
            if call.name == "view" and "dtype=xp.bfloat16" in call.self_val.src:
                return _NO_ORACLE  # (the oracle holds bfloat16 as float32: 4 bytes, not 2)
            if call.name == "view" and (call.kwargs.get("dtype") is not None and
                                        call.kwargs["dtype"].oracle() is None or
                                        call.args and call.args[0].oracle() is None):
                # (NumPy reads an explicit None as np.dtype(None), float64; the namespace's
                # None is the documented default: the array's own dtype)
                return _NO_ORACLE
            if call.name == "__iter__":
                return list(obj)
            kwargs = {k: v.oracle() for k, v in call.kwargs.items()}
            _stable_by_default(call, [None] + args, kwargs)
            if call.name == "clip":
                args = [_clip_bound(obj, v) for v in args]
                kwargs = {k: _clip_bound(obj, v) for k, v in kwargs.items()}
            res = getattr(obj, call.name)(*args, **kwargs)
            if res is NotImplemented:
                return _NO_ORACLE
            if call.name.startswith("__i") and call.name not in ("__int__", "__index__",
                                                                 "__iter__", "__invert__"):
                return obj
            return res
    except Exception:  # noqa: BLE001 - the oracle refusing is no verdict
        return _NO_ORACLE


# Functions whose integer arguments are sizes and offsets: NumPy's oracle gets Python ints.
_SIZES_ONLY = {"triu_indices", "tril_indices", "tri", "eye", "identity", "fftfreq",
               "rfftfreq", "diag_indices", "indices"}


def _as_size(v):
    if isinstance(v, (np.ndarray, np.generic)) and v.ndim == 0 and v.dtype.kind in "iu":
        return int(v)
    return v


def _stable_by_default(call: targets.Call, args: list, kwargs: dict) -> None:
    """argsort and sort are stable unless told otherwise (the standard's default);
    NumPy's default quicksort is not: its oracle is asked for a stable sort."""
    if call.name in ("argsort", "sort") and len(args) <= 2 and "kind" not in kwargs and \
            "stable" not in kwargs:
        kwargs["kind"] = "stable"


_SET_OPS = {"setxor1d", "union1d", "intersect1d", "setdiff1d"}


def _assumed_unique(args: list, kwargs: dict) -> bool:
    """``assume_unique=True`` given with repeated values in an input."""
    flag = kwargs.get("assume_unique", args[2] if len(args) > 2 else False)
    if flag is not True:
        return False
    arrays = list(args[:2]) + [kwargs[k] for k in ("ar1", "ar2") if k in kwargs]
    try:
        return any(np.unique(np.asarray(a).ravel()).size < np.size(a) for a in arrays)
    except TypeError:
        return False


def _set_dtype(call: targets.Call):
    """The dtype the namespace compares a set operation's two inputs in (setdiff1d returns
    ar1's dtype, but compares in the promoted one)."""
    vals = (list(call.args) + [call.kwargs[k] for k in ("ar1", "ar2") if k in call.kwargs])[:2]
    dts = [xp.asarray(v.make()).dtype for v in vals]
    return _d.promote_types(*dts) if len(dts) == 2 else dts[0]


def _set_cast(dtype, a):
    """``a`` (NumPy data or a Python scalar) in the namespace's ``dtype`` (bfloat16 rounded
    through PyTorch, held as float32)."""
    name = values.xp_dtype_name(dtype)
    if isinstance(a, bool) or not isinstance(a, (np.ndarray, np.generic, int, float)):
        return a
    a = np.asarray(a)
    if name == "bfloat16":
        import torch

        return torch.from_numpy(a.astype(np.float32)).to(torch.bfloat16).float().numpy()
    return a.astype(values.np_dtype(name))


def _setdiff1d_oracle(call: targets.Call, args: list, kwargs: dict):
    """setdiff1d as the namespace defines it for mixed dtypes: ar1's unique values in its
    own dtype, kept where the promoted value is not among ar2's promoted values."""
    ar = list(args[:2]) + [kwargs[k] for k in ("ar1", "ar2") if k in kwargs]
    flag = kwargs.get("assume_unique", args[2] if len(args) > 2 else False)
    a1 = np.asarray(ar[0]).ravel()
    u = a1 if flag is True else np.unique(a1)
    dt = _set_dtype(call)
    return u[~np.isin(_set_cast(dt, u), _set_cast(dt, np.asarray(ar[1]).ravel()))]


def _promoted_set_args(dtype, args: list, kwargs: dict):
    """The inputs of a set operation in the dtype the namespace promoted them to."""

    def cast(a):
        return _set_cast(dtype, a)

    return ([cast(a) if i < 2 else a for i, a in enumerate(args)],
            {k: cast(a) if k in ("ar1", "ar2") else a for k, a in kwargs.items()})


def _lstsq_oracle(res):
    """NumPy's lstsq, its residuals left out where ``a`` is rank-deficient: NumPy then
    returns none, the namespace returns them as computed (deciding would need a sync)."""
    x, residuals, rank, s = res
    n = x.shape[0]
    return [x, None if rank < n else residuals, rank, s]


def _partition_oracle(name, want, got, args, kwargs):
    """NumPy's partition fixes only the kth elements (smaller ones before, larger after):
    the rest may come in any order. ``got`` is the oracle when it is such a partition of
    the same values with NumPy's kth elements; else NumPy's own answer (a mismatch)."""
    a = np.asarray(kwargs.get("a", args[0] if args else None))
    kth = np.atleast_1d(kwargs.get("kth", args[1] if len(args) > 1 else None))
    axis = kwargs.get("axis", args[2] if len(args) > 2 else -1)
    g = to_numpy(got)
    if axis is None:
        a, axis = a.ravel(), -1
    if g.shape != a.shape or a.dtype.kind not in "iub" or g.size == 0:
        return want  # (floats: NaN placement; compared exactly)
    vals = np.take_along_axis(a, g, axis) if name == "argpartition" else g
    n = a.shape[axis]
    srt = np.sort(a, axis=axis)
    if not np.array_equal(np.sort(vals, axis=axis), srt):
        return want
    for k in kth.astype(np.int64) % n:
        at = np.take(vals, [k], axis=axis)
        if not (np.array_equal(at, np.take(srt, [k], axis=axis)) and
                np.all(np.take(vals, range(k), axis=axis) <= at) and
                np.all(np.take(vals, range(k + 1, n), axis=axis) >= at)):
            return want
    return g


def _clip_bound(x, v):
    """A clip bound as tmath takes it: an integer array bound of another integer dtype
    saturates to ``x``'s range and takes its dtype (NumPy would widen the result, which
    the comparison then wraps back into ``x``'s dtype)."""
    x = np.asarray(x)
    if isinstance(v, np.ndarray) and x.dtype.kind in "iu" and v.dtype.kind in "iu" \
            and v.dtype != x.dtype:
        lo, hi = int(np.iinfo(x.dtype).min), int(np.iinfo(x.dtype).max)
        return np.array([min(max(int(e), lo), hi) for e in v.ravel()],
                        dtype=x.dtype).reshape(v.shape)
    return v


def _torch_oracle(call: targets.Call, raw: bool = False):
    """Real PyTorch's answer for a call of the PyTorch face (tensors for arrays)."""
    import torch

    if call.target.startswith("torch.linalg.") and any(
            max(np.shape(v.oracle()), default=0) > 10**5 for v in _array_vals(call)):
        return _NO_ORACLE  # (PyTorch's LAPACK path on a huge side can exhaust the limit)
    if call.name in TORCH_NO_ORACLE or not _finite(call) and (
            call.target.startswith("torch.linalg.") or
            call.name in ("searchsorted", "bucketize")):
        return _NO_ORACLE  # (LAPACK on NaN; NaN boundaries are unsorted: unspecified)
    try:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            args = [_torch_value(a, raw) for a in call.args]
            kwargs = {k: _torch_value(v, raw) for k, v in call.kwargs.items()}
            if "device" in kwargs:
                return _NO_ORACLE  # (devices are named differently)
            if call.kind == "module":
                return _torch_layer(call, args, kwargs)
            if call.kind == "function":
                f = targets.np_module(call.target)
                if f is None:
                    return _NO_ORACLE
                return _from_torch(f(*args, **kwargs))
            obj = _torch_value(call.self_val)
            if not isinstance(obj, torch.Tensor):
                return _NO_ORACLE
            if call.kind == "property":
                return _from_torch(getattr(obj, call.name))
            if call.kind == "setitem":
                obj[args[0]] = args[1]
                return _from_torch(obj)
            if call.name == "__iter__":
                return _from_torch(list(obj))
            res = getattr(obj, call.name)(*args, **kwargs)
            if res is NotImplemented:
                return _NO_ORACLE
            return _from_torch(res)
    except Exception:  # noqa: BLE001 - the oracle refusing is no verdict
        return _NO_ORACLE


def _torch_layer(call: targets.Call, args, kwargs):
    """Real PyTorch's layer, built alike and loaded with the face's initial state."""
    import torch

    cls = targets.np_module(call.target)
    state = getattr(call, "layer_state", None)
    if cls is None or state is None or any(v is None for v in state.values()):
        return _NO_ORACLE
    cargs, ckw = call.ctor
    layer = cls(*[_torch_value(a) for a in cargs], **{k: _torch_value(v)
                                                      for k, v in ckw.items()})
    theirs = layer.state_dict()
    if set(theirs) != set(state):
        return [f"state_dict keys {sorted(state)}, PyTorch's {sorted(theirs)}"]
    layer.load_state_dict({k: torch.from_numpy(v.copy()).to(theirs[k].dtype)
                           for k, v in state.items()})
    half = [a.dtype for a in args if isinstance(a, torch.Tensor) and
            a.dtype in (torch.float16, torch.bfloat16)]
    if half:
        # PyTorch's half-precision kernels are approximations of their own (its float16
        # LayerNorm of one element is 0.71, not 0): the oracle computes in float32 and
        # rounds the output once, as the face does.
        layer = layer.float()
        args = [a.float() if isinstance(a, torch.Tensor) and a.dtype in (
            torch.float16, torch.bfloat16) else a for a in args]
    out = layer(*args, **kwargs)
    if half and isinstance(out, torch.Tensor) and out.dtype == torch.float32:
        out = out.to(half[0])
    first = out[0] if isinstance(out, tuple) else out
    params = sorted((n, p) for n, p in layer.named_parameters() if p.requires_grad)
    if not (isinstance(first, torch.Tensor) and first.requires_grad and params):
        return [_from_torch(out)]
    first.sum().backward()
    return [_from_torch(out)] + [_from_torch(p.grad) for _, p in params]


def _finite(call: targets.Call) -> bool:
    for v in list(call.args) + list(call.kwargs.values()):
        if "array" in v.tags:
            a = v.oracle()
            if a.dtype.kind in "fc" and not np.isfinite(a).all():
                return False
    return True


def _sorted(a: np.ndarray) -> bool:
    with np.errstate(all="ignore"):
        return a.ndim != 1 or a.size < 2 or bool(np.all(a[:-1] <= a[1:]))


def _from_torch(out):
    import torch

    if isinstance(out, torch.Tensor):
        if out.dtype == torch.bfloat16:
            out = out.float()
        return out.detach().numpy()
    if isinstance(out, (tuple, list)):
        return [_from_torch(o) for o in out]
    if isinstance(out, torch.Size):
        return tuple(out)
    return out


def _input_scale(call: targets.Call) -> float:
    total = 1.0
    vals = list(call.args) + list(call.kwargs.values())
    if call.self_val is not None:
        vals.append(call.self_val)
    for v in vals:
        if "array" in v.tags:
            a = np.asarray(v.oracle())
            if a.dtype.kind in "fc":
                a = np.abs(a[np.isfinite(a)])
                total += float(np.sum(a.astype(np.float64))) if a.size else 0.0
            elif a.dtype.kind in "iu":
                total += float(np.sum(np.abs(a.astype(np.float64))))
    return total


@dataclasses.dataclass
class Policy:
    """How one call's values are compared with the oracle's."""

    values: bool | str = True  # False: shapes only; "same-dtype-only": when dtypes agree
    scale: float = 1.0         # absolute tolerance unit (sum |input| for accumulations)
    rtol: float = 1e-4         # at least this (the least precise input's tolerance)
    finite_only: bool = False  # compare where both results are finite
    off_by_one: bool = False   # floor division: floor of the rounded quotient


def policy(call: targets.Call, result) -> Policy:
    """The comparison a call gets: where the standard leaves room, NumPy is no oracle."""
    name = call.name
    pol = Policy(values=name not in SHAPE_ONLY and name not in ("__int__", "__index__") and
                 not (_is_torch(call.target) and name.removesuffix("_ex") in SHAPE_ONLY))
    dtype = result.dtype if isinstance(result, xp.Array) else None
    first = (list(call.args) + list(call.kwargs.values()))[:1]
    if (name in ("astype", "ascontiguousarray", "asfortranarray") or _converts_to_dtype(call)) \
            and dtype in _INTEGRAL and first and any(t in first[0].tags for t in _FLOAT_TAGS):
        pol.values = False  # float to int: NaN, inf and out-of-range values are unspecified
    if name in ("setdiff1d", "intersect1d", "setxor1d") and (
            len(call.args) > 2 or "assume_unique" in call.kwargs):
        pol.values = False  # (assume_unique with repeated values: NumPy's answer is undefined)
    if name == "isin" and (len(call.args) > 2 or "assume_unique" in call.kwargs):
        pol.values = False  # assume_unique: NumPy's answer for repeated values is undefined
    if name in ("linspace", "logspace") and not all(
            isinstance(a.oracle(), (int, float, complex)) and np.isfinite(a.oracle())
            for a in list(call.args[:2]) + [call.kwargs[k] for k in ("start", "end", "stop")
                                            if k in call.kwargs]):
        pol.values = False  # infinite ends (NumPy: NaN, from 0 * inf)
    if name in ("fftfreq", "rfftfreq") and not _finite_spacing(call):
        pol.values = False  # (NumPy multiplies by 1 / (n * d): 0 * inf is its NaN)
    if name in ACCUMULATING:
        pol.scale = _input_scale(call)
    if name == "layer_norm" and call.target.startswith("xp.nn."):
        pol.scale = max(pol.scale, _layer_norm_scale(call))
    if name == "roots" and call.args and "array" in call.args[0].tags:
        # Eigenvalues are accurate relative to the companion matrix's norm; NumPy computes
        # float32 coefficients in float32 (1e-40 / 3 flushes), the namespace in float64.
        p = np.asarray(call.args[0].oracle(), dtype=np.complex128).ravel()
        nz = np.flatnonzero(p)
        if nz.size:
            with np.errstate(all="ignore"):
                ratio = np.abs(p[nz[0]:] / p[nz[0]])
            ratio = ratio[np.isfinite(ratio)]
            pol.scale = max(pol.scale, float(ratio.max()) if ratio.size else 1.0)
    pol.rtol = max([_RTOL.get(t[6:], 0.0) for v in _array_vals(call) for t in v.tags
                    if t.startswith("dtype=")], default=0.0)
    if isinstance(result, xp.Array) and result.dtype in (xp.float32, xp.float64) and \
            _input_kinds(call) and _input_kinds(call) <= {"i", "u", "b"}:
        # Integer input of a floating function (sqrt, exp...): NumPy computes 8- and
        # 16-bit integers in float16/float32, the namespace in float32 (wider integers in
        # float64, as NumPy): values are compared where the dtypes agree.
        pol.values = "same-dtype-only" if pol.values is True else pol.values
    if _is_torch(call.target) and dtype in (xp.float16, xp.bfloat16) and any(
            np.any((np.abs(a) > 0) & (np.abs(a) < np.finfo(np.float16).tiny))
            for a in (np.asarray(v.oracle()) for v in _array_vals(call)) if a.dtype.kind == "f"):
        pol.values = False  # (PyTorch flushes half-precision subnormals; MLX keeps them)
    if _is_torch(call.target) and dtype == xp.complex64 and name.rstrip("_") in (
            "cumprod", "prod") and not _inputs_finite(call, 1e15):
        pol.values = False  # (complex products overflow to inf * 0 in either order)
    if _is_torch(call.target) and name.rstrip("_") in _TORCH_CASTS and dtype in _INTEGRAL \
            and "f" in _input_kinds(call):
        pol.values = False  # (float to int: out-of-range values are undefined in PyTorch)
    if _is_torch(call.target) and name in _TORCH_TIES and any(
            np.unique(np.asarray(v.oracle())).size < np.asarray(v.oracle()).size
            for v in _array_vals(call)):
        pol.values = False  # (which of equal values' indices: PyTorch leaves it open)
    if name.rstrip("_") == "signbit" and not _inputs_finite(call) and (
            _is_torch(call.target) or any("dtype=bfloat16" in v.tags for v in _array_vals(call))):
        # (bfloat16 values reach the oracle rounded to float32 elsewhere: a NaN's sign bit is
        # that conversion's)
        pol.values = False  # (the sign bit of a NaN: NumPy's conversion decides it)
    if _is_torch(call.target) and name == "topk" and "sorted" in call.kwargs and \
            call.kwargs["sorted"].oracle() is False:
        pol.values = False  # (sorted=False: PyTorch's order is its own)
    if _is_torch(call.target) and name in ("fftfreq", "rfftfreq") and call.args:
        try:
            n = call.args[0].oracle()
            d = call.kwargs["d"].oracle() if "d" in call.kwargs else \
                call.args[1].oracle() if len(call.args) > 1 else 1.0
            if abs(1.0 / (n * d)) > 3e38:
                pol.values = False  # (the spacing overflows float32 in PyTorch)
        except (TypeError, ZeroDivisionError, OverflowError):
            pol.values = False
    if _is_torch(call.target) and name == "take_along_dim" and _indices_out_of_range(call):
        pol.values = False  # (PyTorch reads out-of-range indices unchecked: garbage)
    if _is_torch(call.target) and name == "logsumexp" and dtype == xp.complex64:
        pol.values = False  # (the imaginary part: any branch of the logarithm)
    if _is_torch(call.target) and name in ("cov", "corrcoef") and (
            dtype in (xp.float16, xp.bfloat16) or not all(
                np.all(np.abs(np.asarray(v.oracle(), dtype=np.float64)) < 1e15)
                for v in _array_vals(call) if np.asarray(v.oracle()).dtype.kind in "iuf")):
        pol.values = False  # (PyTorch accumulates in the input's precision: overflows)
    if _is_torch(call.target) and name in ("var_mean", "std_mean") and \
            not _inputs_finite(call):
        pol.values = False  # (PyTorch's one-pass mean of inf and -inf is NaN)
    if name in FINITE_ONLY or _is_torch(call.target) and name.rstrip("_") in FINITE_ONLY:
        pol.finite_only = True
        pol.off_by_one = "floordiv" in name or name.rstrip("_") == "floor_divide"
        if not _inputs_finite(call) or dtype in (xp.float16, xp.bfloat16):
            pol.values = False  # (floor(x / y) of a rounded half-precision quotient)
    if name in _POW and dtype == xp.complex64:
        pol.values = False
    if name in _POW and not _inputs_finite(call):
        # The standard's special cases ((-inf) ** 0.5 is +inf); NumPy computes x ** 0.5 as
        # sqrt(x), NaN there.
        pol.finite_only = True
    if name in ("dot", "vdot", "inner") and not _inputs_finite(call):
        # NumPy's BLAS scales by a 0-d zero with sscal, which sets inf * 0 to 0 (IEEE: NaN).
        pol.finite_only = True
    if call.target.startswith("xp.") and name in ("norm", "vector_norm") and dtype in (
            xp.float32, xp.float16, xp.bfloat16):
        # NumPy sums |x| ** ord in the input's precision: 1.1e16 ** 3 is inf in float32;
        # the namespace's norms scale by the largest value first.
        pol.finite_only = True
    if name == "scaled_dot_product_attention" and not _inputs_finite(call, 1e15):
        pol.values = False  # (scores past float32: which inf * 0 arises is each one's own)
    if "out" in call.kwargs and {"i", "u"} <= (_input_kinds(call) | {
            np.asarray(call.kwargs["out"].oracle()).dtype.kind}):
        pol.values = False  # (NumPy's loop for int64 with a uint64 out= is float64's)
    if name == "poly" and call.args and np.ndim(call.args[0].oracle()) == 2:
        # (a matrix's characteristic polynomial from its eigenvalues: near the float range
        # they overflow, to inf in one library and NaN in the other)
        pol.finite_only = True
    if name == "sinc" and dtype in (xp.float16, xp.bfloat16):
        # NumPy forms pi * x in float16: past 20860 it is inf and sinc NaN (sinc(65504) is
        # 0 exactly; the namespace computes half precision in float32).
        pol.finite_only = True
    if name in ("var", "std", "nanvar", "nanstd"):
        # N - correction <= 0 is NaN here (docs/sections.md); NumPy divides by zero (inf).
        # NumPy's nanvar also squares the deviations in the input's dtype, in place, whatever
        # dtype= says (float32 input with dtype=float64: squares past 3.4e38 are inf), and
        # its var of integers with dtype=float16 subtracts a float16 mean (inf past 65504).
        pol.finite_only = True
    if name == "unpackbits" and any(np.asarray(v.oracle()).size == 0 for v in
                                    _array_vals(call)[:1]):
        pol.values = False  # (NumPy pads an empty input's count with uninitialised bytes)
    if name == "argsort" and not _is_torch(call.target) and "stable" in call.kwargs and \
            call.kwargs["stable"].oracle() is False and any(
                np.unique(np.asarray(v.oracle())).size < np.asarray(v.oracle()).size
                for v in _array_vals(call)):
        pol.values = False  # (stable=False: the order of equal values is left open)
    if name in ("var", "std", "nanvar", "nanstd"):
        # N - correction <= 0 is NaN here (docs/sections.md); NumPy divides by zero (inf).
        # With dtype=, the input is cast first (-1.8e308 is -inf in float32: NaN
        # deviations); NumPy subtracts the float32 mean from the float64 input (inf).
        pol.finite_only = True
    if name in ("var", "std", "nanvar", "nanstd") and "dtype" not in call.kwargs and \
            len(call.args) >= 2 and _largest_finite_input(call) > 2**24 and \
            _input_kinds(call) & {"i", "u"}:
        # (x.std(axis, dtype): NumPy subtracts the float32 mean from int32 data in float64)
        pol.values = False
    if name in ("var", "std", "nanvar", "nanstd") and "dtype" in call.kwargs and \
            _largest_finite_input(call) > 2**24 and _input_kinds(call) & {"i", "u"}:
        pol.values = False
    if name in ("norm", "vector_norm", "matrix_norm") and not _is_torch(call.target) and \
            dtype in _FLOATS and _largest_finite_input(call) > math.sqrt(float(
                xp.finfo(dtype).max)):
        pol.finite_only = True  # (the namespace's norms scale; NumPy's squares overflow)
    if name in ("cov", "corrcoef") and _largest_finite_input(call) > 1e18:
        pol.values = False  # (NumPy computes float32 in float64; squares overflow float32)
    if _is_torch(call.target) and name.rstrip("_") in ("add", "sub", "subtract") and \
            "alpha" in call.kwargs and not _inputs_finite(call, 1e37):
        # PyTorch's CPU kernel fuses a - alpha * b (one rounding: inf - 2 * 3.4e38 is inf);
        # the face multiplies first (alpha * b overflows: inf - inf is NaN)
        pol.finite_only = True
    if _is_torch(call.target) and name == "isclose" and _input_kinds(call) & {"i", "u"} and \
            _largest_finite_input(call) > 2**24:
        # (PyTorch's integer isclose computes rtol * |other| in float32, the default dtype:
        # -144172600 rounds to -144172608, so 7 is "close" to it with rtol=1; the face
        # compares exactly)
        pol.values = False
    if _is_torch(call.target) and name.rstrip("_") in ("fmod", "remainder") and (
            _largest_finite_input(call) > 1e300 or _smallest_nonzero_input(call) < 1e-290):
        pol.values = False  # (PyTorch's a - trunc(a / b) * b: a / b overflows to NaN)
    if "dtype" in call.kwargs and "f" in _input_kinds(call) and \
            call.kwargs["dtype"].src.startswith("xp.") and \
            call.kwargs["dtype"].src[3:] in gen.INT_NAMES:
        pol.values = False  # (floats cast to an integer dtype: out of range is unspecified)
    if _is_torch(call.target) and name.rstrip("_") == "copysign" and \
            dtype in (xp.float16, xp.bfloat16) and not _inputs_finite(call):
        pol.values = False  # (the sign of a NaN after PyTorch's half-precision conversion)
    if _is_torch(call.target) and name == "logspace" and any(
            isinstance(v.oracle(), (int, float)) and v.oracle() < 0
            for k, v in list(call.kwargs.items()) + list(zip(("", "", "", "base"), call.args))
            if k == "base"):
        pol.values = False  # (a negative base: PyTorch rounds the exponents to float32 first)
    if _is_torch(call.target) and name.rstrip("_") == "float_power" and \
            dtype == xp.complex64 and (not _inputs_finite(call, 1e15) or any(
                isinstance(v.oracle(), complex) and abs(v.oracle()) > 1e15
                for v in list(call.args) + list(call.kwargs.values()))):
        pol.values = False  # (PyTorch's complex128 against the face's complex64 near its range)
    if _is_torch(call.target) and name == "histc" and not _inputs_finite(
            call, 3e4 if dtype == xp.float16 else 1e36):
        pol.values = False  # (PyTorch's (x - min) * bins overflows its dtype: a wrong bin)
    if _is_torch(call.target) and name.rstrip("_") in ("pow", "__pow", "__ipow") and \
            dtype == xp.float32 and any(0 < abs(v.oracle()) < _F32_TINY
                                        for v in _scalar_vals(call)):
        # PyTorch's vectorised loop rounds a Python exponent to float32 (-7.5 ** -1e-256
        # is -7.5 ** -0.0 = 1), its scalar tail keeps the double (NaN): which one an
        # element gets depends on its position
        pol.values = False
    if name in _POW and dtype == xp.bfloat16 and any(
            float(np.float32(v.oracle())) != float(_to_bf16(v.oracle()))
            for v in _scalar_vals(call) if abs(v.oracle()) < 3e38):
        # the exponent takes bfloat16 (-1/3 is -0.334: x ** e off by |log x| 6.5e-4); the
        # oracle holds bfloat16 values as float32 and keeps the scalar's float32
        pol.values = False
    if "dtype" in call.kwargs and call.kwargs["dtype"].src in ("xp.bfloat16", "xp.float16"):
        # computed in that dtype, then written to out= of another: its rounding, which the
        # oracle (bfloat16 held as float32) does not make
        pol.rtol = max(pol.rtol, 8e-3 if call.kwargs["dtype"].src == "xp.bfloat16" else 1e-3)
    if name in _NORMS:
        p = _norm_order(call)
        if p is not None and 0 < abs(p) < 1e-4:
            # Unscaled, |x| ** p rounds to 1 (or, p rounded to the dtype, 0 ** 0 is 1) and
            # ** (1/p) amplifies the rounding (PyTorch: norm(-8.5e15, p=7.8e-288) is 1):
            # the namespace scales (the one term's |x|) or gives the limit
            pol.values = False
    if "dtype" in call.kwargs and half_dtype(dtype) and _input_kinds(call) & {"i", "u"} and \
            _largest_finite_input(call) > 65504:
        # NumPy converts each integer to float16 first (164817 is inf, -8154072 -inf: a
        # NaN mean); the namespace accumulates in float32 and rounds the result once
        pol.values = False
    if name in ("quantile", "percentile", "nanquantile", "nanpercentile", "median",
                "nanmedian") and _input_kinds(call) & {"i", "u"} and _int_range_wraps(call):
        pol.values = False  # (NumPy's lerp subtracts in the integer dtype: 2 - -32767 wraps)
    if _is_torch(call.target) and name == "cov" and any(
            np.asarray(call.kwargs[k].oracle()).dtype.kind in "iu" and
            np.asarray(call.kwargs[k].oracle()).dtype.itemsize < 4
            for k in ("fweights", "aweights") if k in call.kwargs):
        pol.values = False  # (PyTorch multiplies by uint8 weights in uint8: products wrap)
    if name in ("cumprod", "nancumprod", "cumulative_prod") and half_dtype(dtype):
        # Half precision accumulates in float32, each result rounded once (PyTorch's
        # rule); NumPy rounds each step: an intermediate past 65504 is inf there, and
        # inf * 0 NaN where the float32 product is 0
        pol.finite_only = True
    if name == "poly" and _huge_operand(call, 1e12):
        # a product of eigenvalues that cancels: rounding noise of order eps * |input| ** k
        pol.values = False
    if _is_torch(call.target) and name in ("norm", "dist", "vector_norm", "matrix_norm",
                                           "cdist", "normalize", "pairwise_distance",
                                           "cosine_similarity") \
            and (not _inputs_finite(call, 1e30) or _power_overflows(call, dtype)):
        pol.values = False  # (the namespace's norms scale: PyTorch's overflow to inf)
    if _is_torch(call.target) and name in ("erfinv", "erfinv_") and any(
            np.any((np.abs(np.asarray(v.oracle(), dtype=np.float64)) > 1 - 1e-10) &
                   (np.abs(np.asarray(v.oracle(), dtype=np.float64)) < 1))
            for v in _array_vals(call) if np.asarray(v.oracle()).dtype.kind == "f"):
        pol.rtol = max(pol.rtol, 2e-3)  # (within 1e-10 of +-1: the float64 erf series' tail)
    if call.target.startswith("xp.fft.") and not _inputs_finite(call, 1e30):
        pol.values = False  # (transforms compute in complex64: float64 beyond it overflows)
    half = dtype in (xp.float16, xp.bfloat16)
    if pol.values and len(_input_kinds(call)) > 1:
        # Mixed kinds (uint32 * float16): NumPy promotes further (float64) than the
        # namespace (float16), so values differ where the wider type matters (65535
        # rounds to an even 65536 in bfloat16: (-x) ** 65535 changes sign).
        pol.values = False if half else "same-dtype-only"
    if half and any(_outside_normal(a.oracle(), dtype) for a in _scalar_vals(call)):
        pol.values = False  # a Python scalar takes the array's dtype (1e-40 in bfloat16)
    if call.target.endswith("MultiheadAttention") and _largest_finite_input(call) > 1e12:
        # scores past float32's range saturate the softmax: which rounding of the
        # projections survives in the weights' gradients depends on the summation order
        pol.values = False
    if _is_layer(call.target) and not _inputs_finite(call):
        # Infinities in a layer's sums: which inf * 0 a contraction meets depends on its
        # order (BLAS, einsum), and PyTorch's vectorised GELU gives NaN for inf (its
        # scalar path inf): compared where both results are finite.
        pol.finite_only = True
    if name in ("layer_norm", "rms_norm") and half and _largest_finite_input(call) > 1e8:
        pol.values = False  # (PyTorch's half-precision mean of equal huge values: rounding)
    if (call.target.startswith("xp.nn.") or dtype == xp.complex64) and \
            not _inputs_finite(call):
        # C99's complex special cases (sign(inf j) is x / |x|, NaN) and non-finite
        # attention scores: the unit tests check these against the standard.
        pol.values = False
    return pol


def _layer_norm_scale(call: targets.Call) -> float:
    """How far PyTorch's layer_norm may be off: it forms ``x * rstd - mean * rstd``, so a
    group of (nearly) equal huge values leaves rounding errors of ``|x| * rstd`` times the
    weight, where the exact answer is 0 (6.8e16 with weight -2.2e16: 1.7e28)."""
    args = list(call.args) + [call.kwargs[k] for k in ("weight",) if k in call.kwargs]
    try:
        x = np.asarray(args[0].oracle(), dtype=np.float64)
        ns = args[1].oracle()
        k = 1 if isinstance(ns, int) else len(ns)
        eps = call.kwargs["eps"].oracle() if "eps" in call.kwargs else 1e-5
        axes = tuple(range(x.ndim - k, x.ndim))
        with np.errstate(all="ignore"):
            var = np.nanmin(x.var(axis=axes)) if x.size else 0.0
            rstd = 1.0 / math.sqrt(max(float(var), 0.0) + float(eps))
            w = max((float(np.nanmax(np.abs(np.asarray(a.oracle(), dtype=np.float64))))
                     for a in args[2:3] if "array" in a.tags and np.size(a.oracle())),
                    default=1.0)
            big = float(np.nanmax(np.abs(x[np.isfinite(x)]))) if np.isfinite(x).any() else 0.0
        out = big * rstd * max(w, 1.0)
        return out if math.isfinite(out) else 1.0
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, IndexError, KeyError):
        return 1.0


def _int_range_wraps(call: targets.Call) -> bool:
    """Whether an integer array's largest minus smallest value leaves its dtype."""
    for v in _array_vals(call):
        a = np.asarray(v.oracle())
        if a.dtype.kind in "iu" and a.size and \
                int(a.max()) - int(a.min()) > np.iinfo(a.dtype).max:
            return True
    return False


def _huge_operand(call: targets.Call, bound: float) -> bool:
    """Whether an array or a scalar argument has a finite magnitude past ``bound``."""
    if _largest_finite_input(call) > bound:
        return True
    for v in list(call.args) + list(call.kwargs.values()):  # (tensors and NumPy data too)
        try:
            a = np.abs(np.asarray(v.oracle(), dtype=np.complex128))
        except (TypeError, ValueError):
            continue
        if a.size and float(np.max(np.where(np.isfinite(a), a, 0))) > bound:
            return True
    return any(abs(v.oracle()) > bound for v in list(call.args) + list(call.kwargs.values())
               if "array" not in v.tags and isinstance(v.oracle(), (float, complex)) and
               math.isfinite(abs(v.oracle())))


def _norm_order(call: targets.Call) -> float | None:
    """A norm call's ``p``/``ord`` as a float (2 where not given), or None."""
    p = None
    for key in ("p", "ord"):
        if key in call.kwargs:
            p = call.kwargs[key].oracle()
    if p is None:
        two = call.name in ("pairwise_distance", "dist", "cdist")  # (p after two tensors)
        p = call.args[1].oracle() if len(call.args) > 1 and not two \
            else call.args[2].oracle() if len(call.args) > 2 and two else 2
    try:
        return float(p)
    except (TypeError, ValueError, OverflowError):
        return None


_NORMS = ("norm", "dist", "vector_norm", "cdist", "normalize", "pairwise_distance", "pdist")


def _power_overflows(call: targets.Call, dtype) -> bool:
    """Whether the largest input to the norm's power ``p`` (``ord``) overflows the
    result's dtype: PyTorch sums ``|x| ** p`` unscaled (its norm is inf, normalize's
    quotient 0), the namespace's norms scale by the largest value first."""
    p = _norm_order(call)
    if p is None or not math.isfinite(p) or p <= 0:
        return False
    big = float(np.finfo(np.float64 if dtype == xp.float64 else np.float32).max)
    m = _largest_finite_input(call)
    return m > 0 and p * math.log(m) > math.log(big) - 1


def _finite_spacing(call: targets.Call) -> bool:
    n = call.args[0].oracle() if call.args else None
    d = call.kwargs["d"].oracle() if "d" in call.kwargs else 1.0
    try:
        return math.isfinite(1.0 / (n * d))
    except (TypeError, ZeroDivisionError, OverflowError):
        return False


def _scalar_vals(call: targets.Call) -> list:
    vals = list(call.args) + list(call.kwargs.values())
    return [v for v in vals if "array" not in v.tags and isinstance(v.oracle(), float)]


_F32_TINY = float(np.finfo(np.float32).smallest_subnormal)


def half_dtype(dtype) -> bool:
    return dtype in (xp.float16, xp.bfloat16)


def _to_bf16(v: float) -> float:
    """``v`` rounded to bfloat16 (nearest, ties to even, through PyTorch), as a float."""
    return float(_set_cast(xp.bfloat16, v))


def _outside_normal(v: float, dtype) -> bool:
    info = xp.finfo(dtype)
    return v != 0 and math.isfinite(v) and not info.smallest_normal <= abs(v) <= info.max


def compare(call: targets.Call, result, got, expected) -> str | None:
    """A description of how ``got`` differs from ``expected``, or None."""
    if isinstance(expected, list) and expected and isinstance(expected[0], str):
        return expected[0]  # (the oracle found a difference of its own: a layer's keys)
    pol = policy(call, result)
    if call.name == "lstsq" and isinstance(expected, list) and isinstance(result, tuple) \
            and len(result) == len(expected) and pol.values:
        # A least-squares solution and singular values are accurate relative to their
        # largest: a component 1e-16 times that is rounding noise of either library's SVD.
        for i, (r, g, e) in enumerate(zip(result, got, expected)):
            part = dataclasses.replace(pol)
            a = np.abs(np.asarray(e, dtype=np.complex128)) if e is not None else np.zeros(0)
            a = a[np.isfinite(a)]
            part.scale = max(pol.scale, float(a.max()) if a.size else 1.0)
            problem = _compare_tree(r, g, e, part, f"result[{i}]")
            if problem:
                return problem
        return None
    return _compare_tree(result, got, expected, pol, "result")


def _indices_out_of_range(call: targets.Call) -> bool:
    """Whether an integer array's values reach past the longest side of any array."""
    arrays = [np.asarray(v.oracle()) for v in _array_vals(call)]
    side = max((max(a.shape, default=1) for a in arrays), default=1)
    return any(a.size and a.dtype.kind in "iu" and
               np.abs(a.astype(np.float64)).max() >= side for a in arrays)


def _array_vals(call: targets.Call) -> list:
    vals = list(call.args) + list(call.kwargs.values())
    if call.self_val is not None:
        vals.append(call.self_val)
    # (a PyTorch tensor given to the NumPy face is an array too)
    return [v for v in vals if "array" in v.tags or
            ("foreign" in v.tags and isinstance(v.oracle(), np.ndarray))]


def _input_kinds(call: targets.Call) -> set:
    return {np.asarray(v.oracle()).dtype.kind for v in _array_vals(call)}


def _largest_finite_input(call: targets.Call) -> float:
    out = 0.0
    for v in _array_vals(call):
        a = np.asarray(v.oracle())
        if a.dtype.kind in "fciu" and a.size:
            a = np.abs(a.astype(np.complex128 if a.dtype.kind == "c" else np.float64))
            a = a[np.isfinite(a)]
            out = max(out, float(a.max()) if a.size else 0.0)
    return out


def _smallest_nonzero_input(call: targets.Call) -> float:
    out = np.inf
    for v in _array_vals(call) + [v for v in list(call.args) + list(call.kwargs.values())
                                  if isinstance(v.oracle(), float)]:
        a = np.abs(np.asarray(v.oracle(), dtype=np.complex128 if np.iscomplexobj(
            v.oracle()) else np.float64)) if np.asarray(v.oracle()).dtype.kind in "fciu" \
            else np.zeros(0)
        a = a[(a > 0) & np.isfinite(a)]
        if a.size:
            out = min(out, float(a.min()))
    return out


def _inputs_finite(call: targets.Call, bound: float = np.inf) -> bool:
    for v in _array_vals(call):
        a = np.asarray(v.oracle())
        if a.dtype.kind in "fc" and not (np.abs(a) < bound).all():
            return False
    return True


def check_unique(call: targets.Call, got) -> str | None:
    """unique_*: the defining properties (NumPy >= 2.3 no longer sorts unique_values)."""
    x = np.asarray(call.args[0].oracle()).ravel() if call.args and \
        "array" in call.args[0].tags else None
    if x is None:
        return None
    parts = got if isinstance(got, list) else [got]
    vals = parts[0]
    nan = np.isnan(x) if x.dtype.kind in "fc" else np.zeros(x.shape, bool)
    want = np.unique(x[~nan])
    have = vals[~np.isnan(vals)] if vals.dtype.kind in "fc" else vals
    if have.shape != want.shape or not np.array_equal(np.sort(have), want.astype(have.dtype)):
        return f"values {vals!r} are not the distinct values {want!r} of the input"
    if int(np.isnan(vals).sum() if vals.dtype.kind in "fc" else 0) != int(nan.sum()):
        return f"values {vals!r}: each NaN must appear once"
    names = {"unique_counts": ["counts"], "unique_inverse": ["inverse"],
             "unique_all": ["indices", "inverse", "counts"]}.get(call.name, [])
    shape = np.asarray(call.args[0].oracle()).shape
    for name, arr in zip(names, parts[1:]):
        if name == "indices" and not np.array_equal(x[arr], vals, equal_nan=True):
            return f"x[indices] {x[arr]!r} != values {vals!r}"
        if name == "inverse":
            if arr.shape != shape:
                return f"inverse_indices shape {arr.shape} != input shape {shape}"
            if not np.array_equal(vals[arr.ravel()], x, equal_nan=True):
                return f"values[inverse] {vals[arr.ravel()]!r} != x {x!r}"
        if name == "counts":
            cnt = np.array([1 if v != v else int(np.sum(x == v)) for v in vals])
            if not np.array_equal(arr, cnt):
                return f"counts {arr!r}, expected {cnt!r}"
    return None


def _compare_tree(result, got, expected, pol: Policy, where: str):
    if isinstance(result, xp.Array):
        return _compare_array(result, got, expected, pol, where)
    if isinstance(result, (tuple, list)):
        if not isinstance(expected, (tuple, list)) or len(expected) != len(result):
            if isinstance(expected, np.ndarray) and len(result) == len(expected):
                expected = list(expected)
            else:
                return f"{where}: {len(result)} items, oracle has {_describe(expected)}"
        for i, (r, g, e) in enumerate(zip(result, got, expected)):
            problem = _compare_tree(r, g, e, pol, f"{where}[{i}]")
            if problem:
                return problem
        return None
    if isinstance(result, bool) or isinstance(expected, (bool, np.bool_)):
        if isinstance(expected, (bool, np.bool_)) and bool(result) != bool(expected):
            return f"{where}: {result!r} != oracle {expected!r}"
        return None
    if isinstance(result, (int, float, complex)) and isinstance(expected, (int, float, complex,
                                                                           np.number)):
        g = complex(result)
        e = complex(expected)
        if not pol.values:
            return None
        if (g != g) != (e != e):
            return f"{where}: {result!r} != oracle {expected!r}"
        if g == g and abs(g - e) > 1e-4 * max(1.0, abs(e)) and not (
                math.isinf(abs(g)) and math.isinf(abs(e))):
            return f"{where}: {result!r} != oracle {expected!r}"
    return None


def _describe(v) -> str:
    if isinstance(v, np.ndarray):
        return f"array {v.shape} {v.dtype}"
    return type(v).__name__


def _compare_array(result, got: np.ndarray, expected, pol: Policy, where: str) -> str | None:
    if not isinstance(expected, (np.ndarray, np.generic, int, float, complex, bool)):
        return None  # the oracle answers in another currency (a dtype, a tuple...)
    e = np.asarray(expected)
    if got.shape != e.shape:
        return f"{where}: shape {got.shape}, oracle {e.shape}"
    if not pol.values or e.dtype == object:
        return None
    name = values.xp_dtype_name(result.dtype)
    if pol.values == "same-dtype-only" and (e.dtype != values.np_dtype(name) or
                                            name == "bool"):
        return None  # (a comparison of uint64 with float16 compares in float16 here)
    gk, ek = got.dtype.kind, e.dtype.kind
    if gk in "biu":
        if ek not in "biu":
            return None
        with np.errstate(all="ignore"):
            want = e.astype(got.dtype) if gk != "b" else e.astype(bool)
        bad = got != want
        if bad.any():
            return _first_diff(where, got, want, bad)
        return None
    if ek not in "biufc":
        return None
    g = got.astype(np.complex128 if gk == "c" or ek == "c" else np.float64)
    w = e.astype(g.dtype)
    if gk != "c" and ek == "c":
        return None
    # (The less precise of the two: NumPy computes small integers in float16.)
    rtol = max(_RTOL.get(name, 1e-4), _RTOL.get(e.dtype.name, 0.0), pol.rtol)
    if ek == "f" and e.dtype == np.float16 and name != "float16":
        rtol = max(rtol, _RTOL["float16"])  # (NumPy computed in float16: uint8 -> float16)
    scale = pol.scale
    big = float(np.finfo(np.float16 if name == "float16" else np.float64 if name == "float64"
                         else np.float32).max) / 16
    if pol.finite_only:
        fin = np.isfinite(g) & np.isfinite(w)
        # floor(x1 / x2) of the rounded quotient (the standard's model: its special cases
        # for infinite x2 follow it) differs by one from NumPy's exact floor where the
        # quotient rounds to an integer or underflows (-1e-30 // 1e30 is -0.0, NumPy -1).
        one = 1.0 if pol.off_by_one else 0.0
        bad = fin & (np.abs(g - w) > rtol * (np.abs(w) + max(scale, 1.0)) + one)
        return _first_diff(where, got, e, bad) if bad.any() else None
    gn, wn = np.isnan(g), np.isnan(w)
    gi, wi = np.isinf(g), np.isinf(w)
    if gk == "c":
        # Complex infinities and NaNs: only a non-finite result where NumPy's is finite
        # (and not near overflow) counts. NumPy's own complex results overflow in
        # intermediates (z**-24 as 1/z**24 is NaN where the answer is 0); C99's special
        # cases are checked by the unit tests.
        gf, wf = np.isfinite(g), np.isfinite(w)
        bad = ~gf & wf & (np.abs(np.where(wf, w, 0)) <= big)
    else:
        bad = (gn != wn) & ~(scale > 1.0)
        bad |= (gi | wi) & ~gn & ~wn & (g != w) & ~((np.abs(np.where(gi, 0, g)) > big) |
                                                      (np.abs(np.where(wi, 0, w)) > big))
        if scale > 1.0:
            # Sums of huge values can overflow in one order and not the other.
            bad &= ~(gi | wi | gn | wn)
    fin = np.isfinite(g) & np.isfinite(w)
    tol = rtol * (np.abs(w) + scale)
    bad |= fin & (np.abs(g - w) > tol)
    if bad.any():
        return _first_diff(where, got, e, bad)
    return None


def _first_diff(where: str, got, want, bad) -> str:
    idx = tuple(int(i[0]) for i in np.nonzero(bad)) if bad.ndim else ()
    return (f"{where}: {int(bad.sum())} of {bad.size} elements differ; at {idx} got "
            f"{got[idx]!r}, oracle {np.asarray(want)[idx]!r}")


def format_traceback(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-4))
