"""Printing tensors as PyTorch prints them: ``tensor([[0.1511, 0.0982]], requires_grad=True)``.

PyTorch's rules (``torch/_tensor_str.py``): four decimals, or scientific notation when
the non-zero magnitudes span more than 1000x (or exceed 1e8, or go below 1e-4); integral
floats as ``1.``; one width for every element; lines wrapped at 80 characters; tensors of
more than 1000 elements summarised with ``...``; the dtype shown unless it is the default
float dtype, int64 or bool. Printing reads the values: one sync point (a conversion).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._array import dtypes as _d
from .._interop import numpy_dlpack as _interop
from . import _types as _t


@dataclass
class _Options:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


OPTS = _Options()


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None) -> None:
    """PyTorch's ``torch.set_printoptions``."""
    if profile == "default":
        OPTS.precision, OPTS.threshold, OPTS.edgeitems, OPTS.linewidth = 4, 1000, 3, 80
    elif profile == "short":
        OPTS.precision, OPTS.threshold, OPTS.edgeitems, OPTS.linewidth = 2, 1000, 2, 80
    elif profile == "full":
        OPTS.precision, OPTS.threshold, OPTS.edgeitems, OPTS.linewidth = 4, math.inf, 3, 80
    if precision is not None:
        OPTS.precision = precision
    if threshold is not None:
        OPTS.threshold = threshold
    if edgeitems is not None:
        OPTS.edgeitems = edgeitems
    if linewidth is not None:
        OPTS.linewidth = linewidth
    OPTS.sci_mode = sci_mode


def get_printoptions() -> dict:
    return {"precision": OPTS.precision, "threshold": OPTS.threshold,
            "edgeitems": OPTS.edgeitems, "linewidth": OPTS.linewidth,
            "sci_mode": OPTS.sci_mode}


class _Formatter:
    def __init__(self, values: np.ndarray, floating: bool) -> None:
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        p = OPTS.precision
        flat = values.reshape(-1)
        if not floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(str(v)))
            return
        vals = flat.astype(np.float64)
        nz = vals[np.isfinite(vals) & (vals != 0)]
        if nz.size == 0:
            return
        absv = np.abs(nz)
        lo, hi = float(absv.min()), float(absv.max())
        if not np.all(nz == np.ceil(nz)):
            self.int_mode = False
        if self.int_mode:
            if hi / lo > 1000.0 or hi > 1.0e8:
                self.sci_mode = True
                self.max_width = max(len(f"{v:.{p}e}") for v in nz.tolist())
            else:
                self.max_width = max(len(f"{v:.0f}") + 1 for v in nz.tolist())
        else:
            if hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4:
                self.sci_mode = True
                self.max_width = max(len(f"{v:.{p}e}") for v in nz.tolist())
            else:
                self.max_width = max(len(f"{v:.{p}f}") for v in nz.tolist())
        if OPTS.sci_mode is not None:
            self.sci_mode = OPTS.sci_mode

    def width(self) -> int:
        return self.max_width

    def format(self, value) -> str:
        p = OPTS.precision
        if self.floating:
            value = float(value)
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{p}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{p}f}"
        else:
            ret = str(value)
        return (self.max_width - len(ret)) * " " + ret


def _summarized(v: np.ndarray) -> np.ndarray:
    e = OPTS.edgeitems
    if v.ndim == 0:
        return v
    if v.ndim == 1:
        return np.concatenate([v[:e], v[-e:]]) if v.shape[0] > 2 * e else v
    if v.shape[0] > 2 * e:
        parts = [_summarized(v[i]) for i in list(range(e)) + list(range(len(v) - e, len(v)))]
    else:
        parts = [_summarized(x) for x in v]
    return np.stack(parts)


def _vector_str(v, indent, summarize, fmt):
    element_length = fmt.width() + 2
    per_line = max(1, int(math.floor((OPTS.linewidth - indent) / element_length)))
    e = OPTS.edgeitems
    if summarize and v.shape[0] > 2 * e:
        data = [fmt.format(x) for x in v[:e].tolist()] + [" ..."] + \
            [fmt.format(x) for x in v[-e:].tolist()]
    else:
        data = [fmt.format(x) for x in v.tolist()]
    lines = [", ".join(data[i:i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_fmt(v, indent, summarize, fmt):
    dim = v.ndim
    if dim == 0:
        return fmt.format(v.item())
    if dim == 1:
        return _vector_str(v, indent, summarize, fmt)
    e = OPTS.edgeitems
    if summarize and v.shape[0] > 2 * e:
        slices = [_tensor_str_fmt(v[i], indent + 1, summarize, fmt) for i in range(e)] + \
            ["..."] + [_tensor_str_fmt(v[i], indent + 1, summarize, fmt)
                       for i in range(len(v) - e, len(v))]
    else:
        slices = [_tensor_str_fmt(v[i], indent + 1, summarize, fmt) for i in range(v.shape[0])]
    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices) + "]"


def _complex_str(v, indent, summarize):
    re_fmt = _Formatter(_summarized(v.real) if summarize else v.real, True)
    im_fmt = _Formatter(_summarized(v.imag) if summarize else v.imag, True)

    class _C:
        def width(self):
            return re_fmt.width() + im_fmt.width() + 3

        def format(self, value):
            value = complex(value)
            im = (im_fmt.format(value.imag) + "j").lstrip()
            if im[0] in "+-":
                return re_fmt.format(value.real) + im
            return re_fmt.format(value.real) + "+" + im
    return _tensor_str_fmt(v, indent, summarize, _C())


def _host(t) -> np.ndarray:
    if t._dtype is _d.bfloat16 or t._dtype is _d.float16:
        from .._standard import data_types as _dt
        return _interop.to_numpy(_dt.astype(t, _d.float32))
    return _interop.to_numpy(t)


def _add_suffixes(tensor_str, suffixes, indent):
    out = [tensor_str]
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        n = len(suffix)
        if last_line_len + n + 2 > OPTS.linewidth:
            out.append(",\n" + " " * indent + suffix)
            last_line_len = indent + n
        else:
            out.append(", " + suffix)
            last_line_len += n + 2
    out.append(")")
    return "".join(out)


def tensor_repr(t, prefix: str = "tensor(") -> str:
    """PyTorch's ``repr(tensor)`` (a sync point: reads the values)."""
    indent = len(prefix)
    suffixes = []
    if t._device.type != "cpu":
        suffixes.append(f"device='{_t.from_mlx_device(t._device)}'")
    dt = t._dtype
    default = dt in (_t.default_float(), _d.complex64, _d.int64, _d.bool)
    if t._array.size == 0:
        if t._array.ndim != 1:
            suffixes.append(f"size={tuple(t._array.shape)}")
        if dt is not _t.default_float():
            suffixes.append(f"dtype={_t.dtype_str(dt)}")
        body = "[]"
    else:
        if not default:
            suffixes.append(f"dtype={_t.dtype_str(dt)}")
        v = _host(t)
        summarize = v.size > OPTS.threshold
        if dt is _d.complex64:
            body = _complex_str(v, indent, summarize)
        else:
            floating = dt in _t.FLOATING
            if dt is _d.bool:
                v = v.astype(bool)
            fmt = _Formatter(_summarized(v) if summarize else v, floating)
            body = _tensor_str_fmt(v, indent, summarize, fmt)
    if t._grad_fn is not None:
        suffixes.append(f"grad_fn=<{type(t._grad_fn).__name__}>")
    elif t._requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + body, suffixes, indent)
