"""The operations of the differential soak that move or combine elements.

Reductions, cumulative sums, manipulation, indexing (``x[key]`` and ``x[key] = v``, with
ints, slices, ``None``, ``...``, integer arrays and boolean masks), take, matmul, sorting,
searching, sets and sync points. See soak_ops.py for the elementwise operations.
"""

from __future__ import annotations

import math

import numpy as np
import soak_oracle as o
from soak_ops import scalar_dtype, scalar_for, scalar_value
from soak_oracle import FLOATS, INTS, RejectError, Value, float_result, rounding
from soak_program import dtype_of

import tmath_array as xp

REAL = INTS + FLOATS


def _axes(p, ndim: int, *, tuple_ok: bool = True, none_ok: bool = True):
    """An axis argument: None, an int (maybe negative) or a tuple of distinct ints."""
    if ndim == 0:
        return None
    r = p.rng.random()
    if none_ok and r < 0.25:
        return None
    if tuple_ok and r < 0.5 and ndim > 1:
        k = int(p.rng.integers(1, ndim + 1))
        axes = [int(a) for a in p.rng.permutation(ndim)[:k]]
        return tuple(a - ndim if p.coin(0.3) else a for a in axes)
    a = int(p.rng.integers(ndim))
    return a - ndim if p.coin(0.3) else a


def _norm(axis, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    return tuple(a % ndim for a in (axis if isinstance(axis, tuple) else (axis,)))


def _kw(**kw) -> str:
    return "".join(f", {k}={v!r}" for k, v in kw.items() if v is not None)


# --- reductions -------------------------------------------------------------------------

def reduction(p) -> None:
    name = p.choice(["sum", "sum", "prod", "mean", "max", "min", "var", "std", "all", "any",
                     "argmax", "argmin", "count_nonzero"])
    if name in ("all", "any", "count_nonzero"):
        a = p.pick()
    elif name in ("mean", "var", "std"):
        a = p.pick(lambda v: v.dt in FLOATS)
    else:
        a = p.pick(lambda v: v.dt in REAL)
    nd = a.ndim
    axis = _axes(p, nd, tuple_ok=name not in ("argmax", "argmin"))
    keepdims = p.coin(0.3)
    axes = _norm(axis, nd)
    n = math.prod(a.shape[i] for i in axes)
    v, dt = a.o, a.dt
    kw = dict(axis=axis, keepdims=keepdims or None)
    npkw = dict(axis=axes, keepdims=keepdims)
    if name in ("max", "min", "argmax", "argmin", "var", "std", "mean") and n == 0:
        raise RejectError  # no identity (max, argmax) or NaN (mean, var)
    if name in ("all", "any", "count_nonzero"):
        if dt in FLOATS and not v.clear_of(0.0):
            raise RejectError
        nz = v.val != 0
        if name == "count_nonzero":
            value = Value("int32", np.count_nonzero(nz, axis=axes, keepdims=keepdims))
        else:
            value = Value("bool", getattr(np, name)(nz, **npkw))
    elif name in ("argmax", "argmin"):
        value = Value("int32", _arg_extreme(v, axis, keepdims, name))
    elif name in ("sum", "prod"):
        value, kw["dtype"] = _sum_prod(p, name, v, axes, keepdims, n)
    elif name == "mean":
        value = _mean(v, axes, keepdims, n)
    elif name in ("var", "std"):
        corr = p.choice([0, 1, 0.0, 1.0]) if n > 1 else 0
        kw["correction"] = corr or None
        value = _var(name, v, axes, keepdims, n, corr)
    else:
        f = np.max if name == "max" else np.min
        value = Value(dt, f(v.val, **npkw), None if v.exact else np.max(v.e(), **npkw))
    fn = getattr(xp, name)
    call = {k: val for k, val in kw.items() if val is not None}
    if "dtype" in call:
        call["dtype"] = dtype_of(call["dtype"])
    code = f"xp.{name}({a.name}{_kw(**{k: val for k, val in kw.items() if k != 'dtype'})}" + (
        f", dtype=xp.{kw['dtype']})" if kw.get("dtype") else ")")
    p.run(code, lambda: fn(a.x, **call), value)


def _sum_prod(p, name, v: Value, axes, keepdims, n):
    dt = v.dt
    given = None
    if p.coin(0.2):
        given = p.choice([d for d in (INTS if dt in INTS else FLOATS)])
        v = o.convert(v, given)
        out = given
    else:
        out = o.accumulate(dt) if dt in INTS else dt
    npkw = dict(axis=axes, keepdims=keepdims)
    if out in INTS:
        with np.errstate(all="ignore"):
            f = np.sum if name == "sum" else np.prod
            return Value(out, f(v.val.astype(out), dtype=out, **npkw)), given
    x, e = v.val, v.e()
    if name == "sum":
        r = np.sum(x, **npkw)
        mag = np.sum(np.abs(x), **npkw)
        err = np.sum(e, **npkw) + n * o.EPS[out] * mag + n * o.TINY[out]
        return float_result(out, r, err, v.exact and o.fits(mag, o.frac_bits(x), out)), given
    hi = np.abs(x) + e
    big = np.prod(hi, **npkw)
    if np.max(big, initial=0) > o.LIMIT[out]:
        raise RejectError
    r = np.prod(x, **npkw)
    err = big - np.prod(np.abs(x), **npkw) + n * o.EPS[out] * big + o.TINY[out]
    exact = v.exact and o.fits(np.prod(np.maximum(np.abs(x), 1), **npkw),
                               max(n, 1) * o.frac_bits(x), out)
    return float_result(out, r, err, exact), given


def _mean(v: Value, axes, keepdims, n) -> Value:
    npkw = dict(axis=axes, keepdims=keepdims)
    x, e = v.val, v.e()
    mag = np.sum(np.abs(x), **npkw)
    r = np.mean(x, **npkw)
    err = np.sum(e, **npkw) / n + (n + 1) * o.EPS[v.dt] * mag / n + o.TINY[v.dt]
    exact = v.exact and (n & (n - 1)) == 0 and o.fits(mag, o.frac_bits(x), v.dt)
    return float_result(v.dt, r, err, exact)


def _var(name, v: Value, axes, keepdims, n, corr) -> Value:
    if n - corr <= 0:
        raise RejectError
    npkw = dict(axis=axes, keepdims=keepdims)
    x, e = v.val, v.e()
    var = np.var(x, ddof=corr, **npkw)
    E = np.max(e, **npkw) if e.size else 0
    R = np.max(np.abs(x - np.mean(x, axis=axes, keepdims=True)), **npkw)
    sq = np.sum(x * x, **npkw) / (n - corr)
    err_var = n / (n - corr) * (4 * R * E + 4 * E * E) + (n + 4) * o.EPS[v.dt] * sq \
        + o.TINY[v.dt]
    if name == "var":
        return float_result(v.dt, var, err_var, False)
    sd = np.sqrt(var)
    err = np.minimum(np.sqrt(err_var), err_var / np.maximum(sd, 1e-300)) + rounding(v.dt, sd, 2)
    return float_result(v.dt, sd, err, False)


def _arg_extreme(v: Value, axis, keepdims, name) -> np.ndarray:
    f = np.argmax if name == "argmax" else np.argmin
    idx = f(v.val, axis=axis, keepdims=keepdims)
    if not v.exact and v.dt in FLOATS:
        x = v.val.reshape(-1) if axis is None else np.moveaxis(v.val, axis, -1)
        e = v.e().reshape(-1) if axis is None else np.moveaxis(v.e(), axis, -1)
        best = f(x, axis=-1, keepdims=True)
        top = np.take_along_axis(x, best, -1)
        etop = np.take_along_axis(e, best, -1)
        gap = (top - x) if name == "argmax" else (x - top)
        others = np.arange(x.shape[-1]) != best
        if not np.all((gap > 2 * (etop + e)) | ~others):
            raise RejectError  # a near-tie: which one wins depends on rounding
    return idx


def cumulative(p) -> None:
    name = p.choice(["cumulative_sum", "cumulative_prod"])
    a = p.pick(lambda v: v.dt in REAL and v.ndim >= 1)
    nd = a.ndim
    axis = int(p.rng.integers(nd)) if nd > 1 or p.coin(0.5) else None
    ax = axis if axis is not None else 0
    init = p.coin(0.3)
    v, dt = a.o, a.dt
    out = o.accumulate(dt) if dt in INTS else dt
    x = v.val
    if out in INTS:
        with np.errstate(all="ignore"):
            f = np.cumsum if name == "cumulative_sum" else np.cumprod
            r = f(x.astype(out), axis=ax, dtype=out)
            value = Value(out, _initial(r, ax, init, name))
    else:
        e = v.e()
        if name == "cumulative_sum":
            mag = np.cumsum(np.abs(x), axis=ax)
            n = x.shape[ax]
            err = np.cumsum(e, axis=ax) + n * o.EPS[dt] * mag + n * o.TINY[dt]
            exact = v.exact and o.fits(mag, o.frac_bits(x), dt)
            r = np.cumsum(x, axis=ax)
        else:
            big = np.cumprod(np.abs(x) + e, axis=ax)
            if np.max(big, initial=0) > o.LIMIT[dt]:
                raise RejectError
            n = x.shape[ax]
            r = np.cumprod(x, axis=ax)
            err = big - np.abs(r) + n * o.EPS[dt] * big + o.TINY[dt]
            exact = v.exact and o.fits(np.cumprod(np.maximum(np.abs(x), 1), axis=ax),
                                       max(n, 1) * o.frac_bits(x), dt)
        r = _initial(r, ax, init, name)
        err = _initial(err, ax, init, "cumulative_sum")
        value = float_result(dt, r, err, exact)
    fn = getattr(xp, name)
    p.run(f"xp.{name}({a.name}{_kw(axis=axis, include_initial=init or None)})",
          lambda: fn(a.x, axis=axis, include_initial=init), value)


def _initial(r, ax, init, name):
    if not init:
        return r
    shape = list(r.shape)
    shape[ax] = 1
    first = np.zeros(shape, r.dtype) if name == "cumulative_sum" else np.ones(shape, r.dtype)
    return np.concatenate([first, r], axis=ax)


# --- manipulation -------------------------------------------------------------------------

def _split(n: int, k: int, rng) -> list[int]:
    """``k`` sizes whose product is ``n`` (in random order)."""
    dims = [1] * k
    if k == 0:
        return dims
    if n == 0:
        dims[int(rng.integers(k))] = 0
        return [d if d == 0 else int(rng.integers(1, 3)) for d in dims]
    f, m = 2, n
    while m > 1:
        while m % f == 0:
            dims[int(rng.integers(k))] *= f
            m //= f
        f += 1
    return dims


def _same(v: Value, f) -> Value:
    """``f`` applied to the values and the error bounds alike (a shape operation)."""
    return Value(v.dt, f(v.val), None if v.exact else f(v.e()))


def manipulate(p) -> None:
    name = p.choice(["reshape", "permute_dims", "flip", "roll", "expand_dims", "squeeze",
                     "broadcast_to", "concat", "stack", "moveaxis", "tile", "repeat", "tril",
                     "unstack", "diff", "matrix_transpose"])
    a = p.pick()
    nd, shape, v = a.ndim, a.shape, a.o
    rng = p.rng
    if name == "reshape":
        size = math.prod(shape)
        k = int(rng.integers(0 if size == 1 else 1, 4))
        new = _split(size, k, rng)
        if size == 1 and k == 0:
            new = []
        call = list(new)
        if new and size and p.coin(0.3):
            call[int(rng.integers(len(call)))] = -1
        new, call = tuple(new), tuple(call)
        p.run(f"xp.reshape({a.name}, {call})", lambda: xp.reshape(a.x, call),
              _same(v, lambda z: z.reshape(new)))
    elif name == "permute_dims":
        perm = tuple(int(i) for i in rng.permutation(nd))
        p.run(f"xp.permute_dims({a.name}, {perm})", lambda: xp.permute_dims(a.x, perm),
              _same(v, lambda z: np.transpose(z, perm)))
    elif name == "matrix_transpose":
        if nd < 2:
            raise RejectError
        p.run(f"{a.name}.mT", lambda: a.x.mT, _same(v, lambda z: np.swapaxes(z, -1, -2)))
    elif name == "flip":
        axis = _axes(p, nd)
        p.run(f"xp.flip({a.name}{_kw(axis=axis)})", lambda: xp.flip(a.x, axis=axis),
              _same(v, lambda z: np.flip(z, axis)))
    elif name == "roll":
        axis = _axes(p, nd)
        if isinstance(axis, tuple):
            shift = tuple(int(s) for s in rng.integers(-5, 6, size=len(axis)))
        else:
            shift = int(rng.integers(-5, 6))
        p.run(f"xp.roll({a.name}, {shift}{_kw(axis=axis)})",
              lambda: xp.roll(a.x, shift, axis=axis), _same(v, lambda z: np.roll(z, shift, axis)))
    elif name == "expand_dims":
        axis = int(rng.integers(-nd - 1, nd + 1))
        p.run(f"xp.expand_dims({a.name}, axis={axis})", lambda: xp.expand_dims(a.x, axis=axis),
              _same(v, lambda z: np.expand_dims(z, axis)))
    elif name == "squeeze":
        ones = [i for i, d in enumerate(shape) if d == 1]
        if not ones:
            raise RejectError
        axis = p.choice(ones) if p.coin(0.6) else tuple(ones)
        p.run(f"xp.squeeze({a.name}, axis={axis})", lambda: xp.squeeze(a.x, axis=axis),
              _same(v, lambda z: np.squeeze(z, axis)))
    elif name == "broadcast_to":
        lead = p.shape(int(rng.integers(0, 2)))[: max(0, 3 - nd)]
        new = lead + tuple(int(rng.integers(0, 4)) if d == 1 and p.coin(0.5) else d
                           for d in shape)
        p.run(f"xp.broadcast_to({a.name}, {new})", lambda: xp.broadcast_to(a.x, new),
              _same(v, lambda z: np.broadcast_to(z, new)))
    elif name in ("concat", "stack"):
        _join(p, name, a)
    elif name == "moveaxis":
        if nd == 0:
            raise RejectError
        src, dst = int(rng.integers(-nd, nd)), int(rng.integers(-nd, nd))
        p.run(f"xp.moveaxis({a.name}, {src}, {dst})", lambda: xp.moveaxis(a.x, src, dst),
              _same(v, lambda z: np.moveaxis(z, src, dst)))
    elif name == "tile":
        reps = tuple(int(r) for r in rng.integers(0, 3, size=int(rng.integers(1, nd + 2))))
        if math.prod(shape) * math.prod(reps) > 400:
            raise RejectError
        p.run(f"xp.tile({a.name}, {reps})", lambda: xp.tile(a.x, reps),
              _same(v, lambda z: np.tile(z, reps)))
    elif name == "repeat":
        _repeat(p, a)
    elif name == "tril":
        if nd < 2:
            raise RejectError
        k = int(rng.integers(-2, 3))
        fn = p.choice(["tril", "triu"])
        f = getattr(np, fn)
        value = Value(v.dt, f(v.val, k), None if v.exact else f(v.e(), k))
        p.run(f"xp.{fn}({a.name}, k={k})", lambda: getattr(xp, fn)(a.x, k=k), value)
    elif name == "unstack":
        if nd == 0:
            raise RejectError
        axis = int(rng.integers(-nd, nd))
        if shape[axis] > 4:
            raise RejectError
        parts = xp.unstack(a.x, axis=axis)
        n = shape[axis]
        if len(parts) != n:
            p.fail(f"xp.unstack({a.name}, axis={axis})", f"{len(parts)} parts, not {n}")
        for i in range(n):
            p.run(f"xp.unstack({a.name}, axis={axis})[{i}]", lambda i=i: parts[i],
                  _same(v, lambda z, i=i: np.take(z, i, axis=axis)))
    elif name == "diff":
        _diff(p, a)


def _join(p, name: str, a) -> None:
    nd, shape = a.ndim, a.shape
    rng = p.rng
    k = int(rng.integers(1, 3))
    if name == "concat":
        if nd == 0:
            raise RejectError
        axis = int(rng.integers(-nd, nd)) if p.coin(0.85) else None
        others = []
        for _ in range(k):
            if axis is None:
                s = p.shape()
            else:
                s = list(shape)
                s[axis] = int(rng.integers(0, 4))
                s = tuple(s)
            others.append(p.leaf(p.choice([a.dt, a.dt, p.choice(o.ALL)]), s)
                          if p.coin(0.7) else a)
    else:
        axis = int(rng.integers(-nd - 1, nd + 1))
        others = [p.leaf(p.choice([a.dt, a.dt, p.choice(o.ALL)]), shape) if p.coin(0.6) else a
                  for _ in range(k)]
    arrays = [a, *others]
    dt = a.dt
    for b in others:
        dt = o.promote(dt, b.dt) if dt else None
    if dt is None:
        raise RejectError
    vals = [o.convert(b.o, dt) for b in arrays]
    if name == "concat":
        if axis is None:
            f = lambda zs: np.concatenate([z.reshape(-1) for z in zs])  # noqa: E731
        else:
            f = lambda zs: np.concatenate(zs, axis=axis)  # noqa: E731
    else:
        f = lambda zs: np.stack(zs, axis=axis)  # noqa: E731
    exact = all(z.exact for z in vals)
    value = Value(dt, f([z.val for z in vals]), None if exact else f([z.e() for z in vals]))
    names = ", ".join(b.name for b in arrays)
    xs = [b.x for b in arrays]
    fn = getattr(xp, name)
    p.run(f"xp.{name}([{names}], axis={axis})", lambda: fn(xs, axis=axis), value)


def _repeat(p, a) -> None:
    nd, v, rng = a.ndim, a.o, p.rng
    axis = int(rng.integers(-nd, nd)) if nd and p.coin(0.7) else None
    n = math.prod(a.shape) if axis is None else a.shape[axis]
    if p.coin(0.6):
        reps = int(rng.integers(0, 4))
        p.run(f"xp.repeat({a.name}, {reps}{_kw(axis=axis)})",
              lambda: xp.repeat(a.x, reps, axis=axis),
              _same(v, lambda z: np.repeat(z, reps, axis=axis)))
        return
    counts = rng.integers(0, 4, size=n if p.coin(0.8) else 1)
    r = p.int_array(counts)
    p.run(f"xp.repeat({a.name}, {r.name}{_kw(axis=axis)})",
          lambda: xp.repeat(a.x, r.x, axis=axis),
          _same(v, lambda z: np.repeat(z, counts, axis=axis)), syncs=True)


def _diff(p, a) -> None:
    if a.ndim == 0 or a.dt not in REAL:
        raise RejectError
    rng = p.rng
    axis = int(rng.integers(-a.ndim, a.ndim))
    n = int(rng.integers(1, 3))
    v = a.o
    with np.errstate(all="ignore"):
        if v.dt in INTS:
            value = Value(v.dt, np.diff(v.val, n=n, axis=axis).astype(v.dt))
        else:
            r, err, mag = v.val, v.e(), np.abs(v.val)
            for _ in range(n):
                r = np.diff(r, axis=axis)
                err = _pair_sum(err, axis)
                mag = _pair_sum(mag, axis)
                err = err + o.EPS[v.dt] * mag + o.TINY[v.dt]
            exact = v.exact and o.fits(mag, o.frac_bits(v.val), v.dt)
            value = float_result(v.dt, r, err, exact)
    p.run(f"xp.diff({a.name}, axis={axis}, n={n})", lambda: xp.diff(a.x, axis=axis, n=n), value)


def _pair_sum(z, axis):
    """``z[i] + z[i + 1]`` along ``axis``: the bound of a difference from its operands'."""
    z = np.moveaxis(z, axis, -1)
    return np.moveaxis(z[..., 1:] + z[..., :-1], -1, axis)


# --- indexing -------------------------------------------------------------------------------

def _clamp(idx: np.ndarray, n: int) -> np.ndarray:
    """Out-of-range integer-array indices read the nearest end (docs/indexing.md)."""
    i = idx.astype(np.int64) if idx.dtype != np.uint64 else np.minimum(idx, n).astype(np.int64)
    i = np.where(i < 0, i + n, i)
    return np.clip(i, 0, max(n - 1, 0))


def _component(p, shape, d: int, width: int, idx_shape):
    """One key component for axes ``d .. d + width - 1``: ``(numpy, tmath, code, syncs)``."""
    rng, n = p.rng, shape[d]
    r = rng.random()
    if width == 1 and r < 0.25 and n > 0:
        i = int(rng.integers(-n, n))
        return i, i, repr(i), False
    if width == 1 and r < 0.65:
        start = None if p.coin(0.3) else int(rng.integers(-n - 2, n + 3))
        stop = None if p.coin(0.3) else int(rng.integers(-n - 2, n + 3))
        s = slice(start, stop, p.choice([None, None, 1, 2, -1, -2, 3]))
        return s, s, _slice_code(s), False
    if width == 1 and r < 0.85 and n > 0:
        idt = p.choice(["int32", "int32", "int64", "int8", "uint8", "int16"])
        lo, hi = (-n, n) if idt[0] != "u" else (0, n)
        if p.coin(0.15):
            lo, hi = lo - 3, hi + 3
        info = np.iinfo(idt)
        vals = rng.integers(max(lo, info.min), min(hi, info.max), size=idx_shape).astype(idt)
        return (_clamp(vals, n), xp.asarray(vals, dtype=dtype_of(idt)),
                f"xp.asarray({_np_code(vals)})", False)
    mshape = shape[d:d + width]
    cand = [v for v in p.vars if v.dt == "bool" and v.shape == mshape]
    if cand and p.coin(0.5):
        m = p.choice(cand)
        return m.o.val.copy(), m.x, m.name, True
    mval = rng.random(mshape) < 0.5
    return mval, xp.asarray(mval), f"xp.asarray({_np_code(mval)})", True


def make_key(p, a, *, setting: bool = False):
    """A key for ``a``: ``(numpy key, tmath key, code, syncs)``.

    Components for leading axes, then maybe ``...`` and components for trailing axes;
    ``None`` anywhere. Integer arrays all have one shape (they broadcast together).
    """
    rng, shape = p.rng, a.shape
    nd = len(shape)
    idx_shape = p.shape(int(rng.choice([0, 1, 1, 2])))
    if math.prod(idx_shape) > 6:
        idx_shape = (2,)
    front, back = [], []
    d = 0
    for _ in range(int(rng.integers(0, nd + 1))):
        w = 2 if d + 2 <= nd and p.coin(0.1) else 1
        if d + w > nd:
            break
        front.append(_component(p, shape, d, w, idx_shape))
        d += w
    ellipsis = p.coin(0.3)
    if ellipsis:
        e = nd
        for _ in range(int(rng.integers(0, nd - d + 1))):
            w = 2 if e - 2 >= d and p.coin(0.1) else 1
            if e - w < d:
                break
            back.insert(0, _component(p, shape, e - w, w, idx_shape))
            e -= w
    comps = front + ([(Ellipsis, Ellipsis, "...", False)] if ellipsis else []) + back
    for _ in range(int(rng.integers(0, 3)) if p.coin(0.2) else 0):
        comps.insert(int(rng.integers(0, len(comps) + 1)), (None, None, "None", False))
    syncs = any(c[3] for c in comps)
    if len(comps) == 1 and p.coin(0.6):
        return comps[0][:3] + (syncs,)
    return (tuple(c[0] for c in comps), tuple(c[1] for c in comps),
            "(" + ", ".join(c[2] for c in comps) + ",)", syncs)


def _np_code(a: np.ndarray) -> str:
    """NumPy code that makes ``a`` (empty arrays keep their shape)."""
    code = f"np.array({a.tolist()!r}, dtype='{a.dtype.name}')"
    return code if a.size else f"{code}.reshape({a.shape})"


def _slice_code(s: slice) -> str:
    f = lambda v: "" if v is None else repr(v)  # noqa: E731
    return f"{f(s.start)}:{f(s.stop)}" + ("" if s.step is None else f":{s.step}")


def getitem(p) -> None:
    a = p.pick()
    npkey, key, code, syncs = make_key(p, a)
    try:
        val = a.o.val[npkey]
    except IndexError:
        raise RejectError from None
    value = Value(a.dt, val, None if a.o.exact else a.o.e()[npkey])
    p.run(f"{a.name}[{code}]", lambda: a.x[key], value, syncs=syncs)


def setitem(p) -> None:
    a = p.pick(lambda v: v.o.val.size > 0 and p.independent(v))
    npkey, key, code, syncs = make_key(p, a, setting=True)
    try:
        pos = np.arange(a.o.val.size).reshape(a.shape)[npkey]
    except IndexError:
        raise RejectError from None
    sel = pos.shape
    unique = np.unique(pos).size == pos.size
    if p.coin(0.4) or not unique:
        s = scalar_for(p, a.dt, floats_with_ints=False)
        if scalar_dtype(s, a.dt) != a.dt:
            raise RejectError
        vv, vcode, vx = scalar_value(s, a.dt), repr(s), s
    else:
        vshape = sel[int(p.rng.integers(len(sel) + 1)):] if p.coin(0.3) else sel
        vshape = tuple(1 if p.coin(0.2) else d for d in vshape)
        b = p.operand(a, lambda v: o.promote(a.dt, v.dt) == a.dt, shape=vshape)
        if not np.broadcast_shapes(b.shape, sel) == sel:
            raise RejectError
        vv, vcode, vx = o.convert(b.o, a.dt), b.name, b.x
    new = a.o.val.copy()
    new[npkey] = vv.val
    if a.o.exact and vv.exact:
        value = Value(a.dt, new)
    else:
        err = a.o.e().copy()
        err[npkey] = vv.e()
        value = Value(a.dt, new, err)
    line = f"{a.name}[{code}] = {vcode}"
    p.lines.append(line)
    from tmath_array._runtime import lazy as _lazy
    before = _lazy.counts()
    a.x[key] = vx
    if not syncs and _lazy.counts() != before:
        p.fail(line, "ran a sync point")
    p.check_meta(line, a.x, value)
    a.o = value


def take(p) -> None:
    a = p.pick(lambda v: v.ndim >= 1)
    rng = p.rng
    nd = a.ndim
    axis = int(rng.integers(-nd, nd)) if nd > 1 or p.coin(0.5) else None
    ax = 0 if axis is None else axis
    n = a.shape[ax]
    if n == 0:
        raise RejectError
    along = p.coin(0.4)
    if along:
        if axis is None:
            raise RejectError
        ishape = list(a.shape)
        ishape[ax] = int(rng.integers(0, 4))
        cands = [v for v in p.vars if v.dt in ("int32", "int64") and v.shape == tuple(ishape)]
        if cands and p.coin(0.6):
            iv = p.choice(cands)
        else:
            iv = p.int_array(rng.integers(-n, n, size=ishape))
        idx = _clamp(iv.o.val, n)
        p.run(f"xp.take_along_axis({a.name}, {iv.name}, axis={axis})",
              lambda: xp.take_along_axis(a.x, iv.x, axis=axis),
              _same(a.o, lambda z: np.take_along_axis(z, idx, axis=ax)))
        return
    vals = rng.integers(-n - (2 if p.coin(0.2) else 0), n, size=int(rng.integers(0, 6)))
    iv = p.int_array(vals)
    idx = _clamp(vals, n)
    p.run(f"xp.take({a.name}, {iv.name}{_kw(axis=axis)})",
          lambda: xp.take(a.x, iv.x, axis=axis), _same(a.o, lambda z: np.take(z, idx, axis=ax)))


# --- linear algebra -----------------------------------------------------------------------

def _products(dt, va: Value, vb: Value, f, n: int) -> Value:
    """The oracle of a sum of products ``f`` (matmul, vecdot, tensordot) over ``n`` terms."""
    if dt in INTS:
        with np.errstate(all="ignore"):
            return Value(dt, f(va.val, vb.val).astype(dt))
    ax, bx = np.abs(va.val), np.abs(vb.val)
    mag = f(ax, bx)
    hi = f(ax + va.e(), bx + vb.e())
    r = f(va.val, vb.val)
    err = hi - mag + (n + 1) * o.EPS[dt] * hi + (n + 1) * o.TINY[dt]
    exact = va.exact and vb.exact and o.fits(mag, o.frac_bits(va.val) + o.frac_bits(vb.val),
                                             dt)
    if np.max(hi, initial=0) > o.LIMIT[dt]:
        raise RejectError
    return float_result(dt, r, err, exact)


def matmul(p) -> None:
    name = p.choice(["matmul", "matmul", "vecdot", "tensordot"])
    a = p.pick(lambda v: v.dt in REAL and v.ndim >= 1)
    rng = p.rng
    nd, shape = a.ndim, a.shape
    if name == "matmul":
        k = shape[-1]
        if p.coin(0.3):
            bshape = (k,)
        else:
            batch = shape[:-2] if nd > 2 else ()
            batch = tuple(1 if p.coin(0.3) else d for d in batch)
            bshape = batch + (k, int(rng.integers(1, 4)))
        n = k
    elif name == "vecdot":
        axis = int(rng.integers(-nd, 0))
        bshape = p.broadcastable_shape(shape)
        if len(bshape) < -axis or bshape[axis] != shape[axis]:
            raise RejectError
        n = shape[axis]
    else:
        kk = int(rng.integers(0, min(nd, 2) + 1))
        bshape = shape[nd - kk:] + p.shape(int(rng.integers(0, 2)))
        n = math.prod(shape[nd - kk:])
    b = p.operand(a, lambda v: v.dt in REAL, shape=bshape)
    dt = o.promote(a.dt, b.dt)
    if dt is None or dt not in REAL:
        raise RejectError
    va, vb = o.convert(a.o, dt), o.convert(b.o, dt)
    if name == "matmul":
        f = np.matmul
        code = p.choice([f"{a.name} @ {b.name}", f"xp.matmul({a.name}, {b.name})"])
        thunk = (lambda: a.x @ b.x) if "@" in code else (lambda: xp.matmul(a.x, b.x))
    elif name == "vecdot":
        f = lambda x, y: np.sum(x * y, axis=axis)  # noqa: E731
        code = f"xp.vecdot({a.name}, {b.name}, axis={axis})"
        thunk = lambda: xp.vecdot(a.x, b.x, axis=axis)  # noqa: E731
    else:
        f = lambda x, y: np.tensordot(x, y, axes=kk)  # noqa: E731
        code = f"xp.tensordot({a.name}, {b.name}, axes={kk})"
        thunk = lambda: xp.tensordot(a.x, b.x, axes=kk)  # noqa: E731
    p.run(code, thunk, _products(dt, va, vb, f, n))


# --- sorting, searching, sets ---------------------------------------------------------------

def sorting(p) -> None:
    name = p.choice(["sort", "argsort"])
    a = p.pick(lambda v: v.dt in REAL and v.ndim >= 1)
    nd = a.ndim
    axis = int(p.rng.integers(-nd, nd))
    desc = p.coin(0.4)
    v = a.o
    x = v.val
    if name == "sort":
        r = np.sort(x, axis=axis)
        if desc:
            r = np.flip(r, axis=axis)
        err = None if v.exact else np.broadcast_to(
            np.max(v.e(), axis=axis, keepdims=True, initial=0), x.shape)
        value = Value(v.dt, r, err)
    else:
        if not v.exact and x.shape[axis] > 1:
            s = np.diff(np.sort(x, axis=axis), axis=axis)
            if not np.all(s > 4 * np.max(v.e(), axis=axis, keepdims=True, initial=0)):
                raise RejectError
        if desc:
            n = x.shape[axis]
            r = n - 1 - np.flip(np.argsort(np.flip(x, axis=axis), axis=axis, kind="stable"),
                                axis=axis)
        else:
            r = np.argsort(x, axis=axis, kind="stable")
        value = Value("int32", r)
    fn = getattr(xp, name)
    p.run(f"xp.{name}({a.name}, axis={axis}{_kw(descending=desc or None)})",
          lambda: fn(a.x, axis=axis, descending=desc), value)


def searchsorted(p) -> None:
    a = p.pick(lambda v: v.dt in REAL and v.ndim == 1)
    if not np.all(a.o.val[1:] >= a.o.val[:-1]):  # (np.diff wraps for unsigned dtypes)
        a = p.run(f"xp.sort({a.name})", lambda: xp.sort(a.x),
                  Value(a.dt, np.sort(a.o.val), None if a.o.exact else
                        np.full(a.shape, np.max(a.o.e(), initial=0))))
    side = p.choice(["left", "right"])
    if p.coin(0.3):
        s = scalar_for(p, a.dt, floats_with_ints=False, ugly=False)
        dt = scalar_dtype(s, a.dt)
        vb, bcode, bx = scalar_value(s, dt), repr(s), s
    else:
        b = p.operand(a, lambda v: v.dt in REAL, shape=p.shape())
        dt = o.promote(a.dt, b.dt)
        if dt is None:
            raise RejectError
        vb, bcode, bx = o.convert(b.o, dt), b.name, b.x
    va = o.convert(a.o, dt)
    if not (va.exact and vb.exact):
        gap = np.abs(vb.val[..., None] - va.val)
        if not np.all(gap > 2 * (vb.e()[..., None] + va.e())):
            raise RejectError
    r = np.searchsorted(va.val, vb.val, side=side)
    p.run(f"xp.searchsorted({a.name}, {bcode}, side={side!r})",
          lambda: xp.searchsorted(a.x, bx, side=side), Value("int32", r))


def sets(p) -> None:
    name = p.choice(["unique_values", "nonzero", "isin"])
    a = p.pick(lambda v: v.o.exact and (v.ndim >= 1 or name != "nonzero"))
    x = a.o.val
    if name == "unique_values":
        p.run(f"xp.unique_values({a.name})", lambda: xp.unique_values(a.x),
              Value(a.dt, np.unique(x)), syncs=True)
    elif name == "nonzero":
        parts = np.nonzero(x)
        res = xp.nonzero(a.x)
        if len(res) != len(parts):
            p.fail(f"xp.nonzero({a.name})", f"{len(res)} index arrays, not {len(parts)}")
        for i, part in enumerate(parts):
            p.run(f"xp.nonzero({a.name})[{i}]", lambda i=i: res[i], Value("int32", part),
                  syncs=True)
    else:
        b = p.operand(a, lambda v: v.o.exact and v.dt != "bool", shape=p.shape())
        dt = o.promote(a.dt, b.dt)
        if dt is None or a.dt == "bool":
            raise RejectError
        va, vb = o.convert(a.o, dt), o.convert(b.o, dt)
        if not (va.exact and vb.exact):
            raise RejectError
        p.run(f"xp.isin({a.name}, {b.name})", lambda: xp.isin(a.x, b.x),
              Value("bool", np.isin(va.val, vb.val)))


def sync(p) -> None:
    """A sync point in the middle: ``xp.eval`` of a variable, or a Python scalar read back."""
    a = p.pick()
    if a.o.val.size == 0 or p.coin(0.5):
        p.lines.append(f"xp.eval({a.name})")
        xp.eval(a.x)
        return
    i = tuple(int(p.rng.integers(d)) for d in a.shape)
    code = f"{a.name}[{i}]"
    got = a.x[i]
    want = a.o.val[i]
    conv = {"bool": bool}.get(a.dt, int if a.dt in INTS else float)
    got = conv(got)
    p.lines.append(f"{conv.__name__}({code})  # {want!r}")
    if a.dt in FLOATS and not a.o.exact:
        if not abs(got - want) <= 2 * a.o.err[i]:
            p.fail(code, f"{got!r} is beyond {want!r} +- {2 * a.o.err[i]!r}")
    elif got != want:
        p.fail(code, f"{got!r} != {want!r}")


OPS = [(reduction, 8), (cumulative, 3), (manipulate, 12), (getitem, 8), (setitem, 5), (take, 3),
       (matmul, 4), (sorting, 3), (searchsorted, 1), (sets, 1), (sync, 1)]
