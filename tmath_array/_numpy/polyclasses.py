"""``xp.polynomial``: NumPy's ``Polynomial`` and ``Chebyshev`` classes and the module
functions behind them (``polyval``, ``polyfit``, ``polyvander``, ``polyder``, ``chebval``,
``chebfit``, ``chebvander``, ``chebder``...), lowest power first as in ``numpy.polynomial``.

Fits and evaluations are lazy: ``fit`` computes its default domain (the data's minimum
and maximum) in the graph, and every coefficient is an Array. ``roots`` and printing
are sync points. See docs/numpy_math.md.
"""

from __future__ import annotations

import builtins
import operator
from typing import TYPE_CHECKING

import numpy as np

from .._array import dtypes as _d
from .._array.devices import default_float
from .._interop import convert as _convert
from .._runtime import lazy as _lazy
from .._standard.creation import asarray, zeros
from .._standard.data_types import astype, result_type
from .._standard.elementwise import sqrt
from .._standard.manipulation import concat, reshape, stack
from .._standard.searching import where
from .._standard.sorting import sort
from .._standard.statistical import max as _max
from .._standard.statistical import min as _min
from .._standard.statistical import sum as _sum
from .calculus import convolve
from .linalg import lstsq
from .polynomial import _EPS, _float, _work, roots

if TYPE_CHECKING:
    from .._array.array import Array


def _coef(name: str, c) -> Array:
    a = _convert.array(name, c)
    if a.ndim == 0:
        a = reshape(a, (1,))
    if a.ndim != 1:
        raise ValueError(f"{name}: coefficient array is not 1-d")
    if a.shape[0] == 0:
        raise ValueError(f"{name}: coefficient array is empty")
    if a._dtype is _d.bool or a._dtype in _d.CATEGORIES["integer"]:
        a = astype(a, default_float(a.device))
    return a


def _ones_like(x: Array) -> Array:
    return astype(asarray(np.ones(x.shape, dtype=np.float32), device=x.device), x._dtype)


# --- power series -----------------------------------------------------------------------

def polyval(x, c, tensor: bool = True) -> Array:
    """``c[0] + c[1]*x + ... + c[n]*x**n`` (Horner's rule); with ``tensor`` and a 2-d
    ``c``, each column is a polynomial evaluated at every ``x``."""
    ca = _convert.array("polyval", c)
    if ca.ndim == 0:
        ca = reshape(ca, (1,))
    xa = _convert.array("polyval", x)
    if xa._dtype is _d.bool or xa._dtype in _d.CATEGORIES["integer"]:
        xa = astype(xa, _float(result_type(xa, ca)))
    if tensor:
        ca = reshape(ca, ca.shape + (1,) * xa.ndim)
    n = ca.shape[0]
    y = ca[n - 1] + xa * 0
    for i in range(n - 2, -1, -1):
        y = ca[i] + y * xa
    return y


def polyvander(x, deg) -> Array:
    """The Vandermonde matrix ``[1, x, x**2, ..., x**deg]`` along a new last axis."""
    d = _degree("polyvander", deg)
    xa = _convert.array("polyvander", x)
    if xa._dtype is _d.bool or xa._dtype in _d.CATEGORIES["integer"]:
        xa = astype(xa, default_float(xa.device))
    cols = [_ones_like(xa)]
    for _ in range(d):
        cols.append(cols[-1] * xa)
    return stack(cols, axis=-1)


def chebval(x, c, tensor: bool = True) -> Array:
    """The Chebyshev series ``sum c[i] * T_i(x)`` at ``x`` (Clenshaw's recurrence)."""
    ca = _convert.array("chebval", c)
    xa = _convert.array("chebval", x)
    if xa._dtype is _d.bool or xa._dtype in _d.CATEGORIES["integer"]:
        xa = astype(xa, _float(result_type(xa, ca)))
    if tensor:
        ca = reshape(ca, ca.shape + (1,) * xa.ndim)
    n = ca.shape[0]
    if n == 1:
        return ca[0] + xa * 0
    if n == 2:
        c0, c1 = ca[0], ca[1]
    else:
        x2 = 2 * xa
        c0, c1 = ca[n - 2] + xa * 0, ca[n - 1] + xa * 0
        for i in range(3, n + 1):
            tmp = c0
            c0 = ca[n - i] - c1
            c1 = tmp + c1 * x2
    return c0 + c1 * xa


def chebvander(x, deg) -> Array:
    """The pseudo-Vandermonde matrix ``[T_0(x), ..., T_deg(x)]`` along a new last axis."""
    d = _degree("chebvander", deg)
    xa = _convert.array("chebvander", x)
    if xa._dtype is _d.bool or xa._dtype in _d.CATEGORIES["integer"]:
        xa = astype(xa, default_float(xa.device))
    cols = [_ones_like(xa)]
    if d > 0:
        cols.append(xa)
    for _ in range(2, d + 1):
        cols.append(2 * xa * cols[-1] - cols[-2])
    return stack(cols, axis=-1)


def _degree(name: str, deg) -> int:
    if isinstance(deg, builtins.bool):
        raise TypeError(f"{name}: deg must be an int, got bool")
    try:
        d = operator.index(deg)
    except TypeError:
        raise TypeError(f"{name}: deg must be an int, got {type(deg).__name__}") from None
    if d < 0:
        raise ValueError(f"{name}: deg must be non-negative")
    return d


def _fit(name: str, vander, x, y, deg, rcond, full, w):
    """NumPy's ``polynomial.polyutils._fit``: least squares on the scaled (pseudo-)
    Vandermonde matrix; ``deg`` an int or a list of the degrees to fit."""
    xa, ya = _convert.array(name, x), _convert.array(name, y)
    if isinstance(deg, (list, tuple, np.ndarray)):
        degs = sorted({_degree(name, d) for d in deg})
        if not degs:
            raise TypeError(f"{name}: expected deg to be non-empty")
        lmax = degs[-1]
    else:
        lmax = _degree(name, deg)
        degs = None
    if xa.ndim != 1:
        raise TypeError(f"{name}: expected 1D vector for x")
    if xa.shape[0] == 0:
        raise TypeError(f"{name}: expected non-empty vector for x")
    if ya.ndim < 1 or ya.ndim > 2:
        raise TypeError(f"{name}: expected 1D or 2D array for y")
    if xa.shape[0] != ya.shape[0]:
        raise TypeError(f"{name}: expected x and y to have same length")
    out = _float(result_type(xa, ya))
    if out is _d.complex64:
        raise TypeError(f"{name}: complex data is not supported")
    wdt = _work(out, xa.device)
    xa, ya = astype(xa, wdt), astype(ya, wdt)
    van = vander(xa, lmax)
    if degs is not None:
        van = stack([van[:, d] for d in degs], axis=1)
    lhs, rhs = van, ya
    if w is not None:
        wa = astype(_convert.array(name, w), wdt)
        if wa.ndim != 1:
            raise TypeError(f"{name}: expected 1D vector for w")
        if wa.shape[0] != xa.shape[0]:
            raise TypeError(f"{name}: expected x and w to have same length")
        lhs = lhs * wa[:, None]
        rhs = rhs * (wa if rhs.ndim == 1 else wa[:, None])
    if rcond is None:
        rcond = xa.shape[0] * _EPS[out]
    scl = sqrt(_sum(lhs * lhs, axis=0))
    scl = where(scl == 0, 1.0, scl)
    c, resids, rank, s = lstsq(lhs / scl, rhs, rcond)
    c = c / (scl if c.ndim == 1 else scl[:, None])
    if degs is not None:
        full_c = [None] * (lmax + 1)
        for i, d in enumerate(degs):
            full_c[d] = c[i]
        zero = c[0] * 0
        c = stack([z if z is not None else zero for z in full_c], axis=0)
    c = astype(c, out)
    if full:
        return c, [astype(resids, out), rank, astype(s, out), rcond]
    return c


def polyfit(x, y, deg, rcond=None, full: bool = False, w=None):
    """The least-squares power series of degree ``deg`` (lowest power first)."""
    return _fit("polyfit", polyvander, x, y, deg, rcond, full, w)


def chebfit(x, y, deg, rcond=None, full: bool = False, w=None):
    """The least-squares Chebyshev series of degree ``deg``."""
    return _fit("chebfit", chebvander, x, y, deg, rcond, full, w)


def polyder(c, m: int = 1, scl=1, axis: int = 0) -> Array:
    """The ``m``-th derivative of a power series (times ``scl**m``)."""
    if axis != 0:
        raise ValueError("polyder: only axis=0 is supported")
    ca = _coef("polyder", c)
    for _ in range(_degree("polyder", m)):
        n = ca.shape[0]
        if n <= 1:
            return ca[:1] * 0
        k = astype(asarray(list(range(1, n)), device=ca.device), ca._dtype)
        ca = ca[1:] * k * scl
    return ca


def chebder(c, m: int = 1, scl=1, axis: int = 0) -> Array:
    """The ``m``-th derivative of a Chebyshev series (times ``scl**m``)."""
    if axis != 0:
        raise ValueError("chebder: only axis=0 is supported")
    ca = _coef("chebder", c)
    for _ in range(_degree("chebder", m)):
        n = ca.shape[0] - 1
        if n < 1:
            return ca[:1] * 0
        der = [None] * n
        cs = [ca[i] for i in range(n + 1)]
        for j in range(n, 2, -1):
            der[j - 1] = (2 * j) * cs[j]
            cs[j - 2] = cs[j - 2] + (j * cs[j]) / (j - 2)
        if n > 1:
            der[1] = 4 * cs[2]
        der[0] = cs[1]
        ca = stack(der) * scl
    return ca


def polyroots(c) -> Array:
    """The roots of a power series (lowest power first): one counted sync, see
    ``xp.roots``."""
    r = roots(_coef("polyroots", c)[::-1])
    # NumPy's polyroots sorts the roots (complex ones by real, then imaginary part).
    return sort(r) if r._dtype is not _d.complex64 else r


def poly2cheb(pol) -> Array:
    """A power series as a Chebyshev series."""
    pa = _coef("poly2cheb", pol)
    deg = pa.shape[0] - 1
    res = reshape(pa[deg], (1,))
    x = _cheb_x(pa)
    for i in range(deg - 1, -1, -1):
        res = _chebadd(_chebmul(res, x), reshape(pa[i], (1,)))
    return res


def cheb2poly(c) -> Array:
    """A Chebyshev series as a power series."""
    ca = _coef("cheb2poly", c)
    n = ca.shape[0]
    if n < 3:
        return ca
    c0, c1 = reshape(ca[n - 2], (1,)), reshape(ca[n - 1], (1,))
    for i in range(n - 1, 1, -1):
        tmp = c0
        c0 = _polysub(reshape(ca[i - 2], (1,)), c1)
        c1 = _polyadd(tmp, _polymulx(c1) * 2)
    return _polyadd(c0, _polymulx(c1))


def _cheb_x(like: Array) -> Array:
    return astype(asarray([0.0, 1.0], device=like.device), like._dtype)


def _pad(a: Array, n: int) -> Array:
    if a.shape[0] >= n:
        return a
    return concat([a, astype(zeros((n - a.shape[0],), device=a.device), a._dtype)])


def _polyadd(a: Array, b: Array) -> Array:
    n = builtins.max(a.shape[0], b.shape[0])
    return _pad(a, n) + _pad(b, n)


def _polysub(a: Array, b: Array) -> Array:
    n = builtins.max(a.shape[0], b.shape[0])
    return _pad(a, n) - _pad(b, n)


def _polymulx(a: Array) -> Array:
    return concat([a[:1] * 0, a])


_chebadd = _polyadd


def _chebmul(c1: Array, c2: Array) -> Array:
    # NumPy's chebmul: multiply as z-series (symmetric Laurent series), then back.
    z1, z2 = _c2z(c1), _c2z(c2)
    prd = convolve(z1, z2)
    n = (prd.shape[0] + 1) // 2
    c = prd[n - 1:]
    return concat([c[:1], c[1:] * 2]) if n > 1 else c


def _c2z(c: Array) -> Array:
    half = c / 2
    n = c.shape[0]
    zs = concat([half[1:][::-1], half[:1] * 2, half[1:]]) if n > 1 else c
    return zs


# --- the classes -----------------------------------------------------------------------------

class _Series:
    """What ``Polynomial`` and ``Chebyshev`` share: ``coef``, ``domain``, ``window``,
    evaluation with the domain mapped to the window, ``fit``, ``deriv``, ``roots``,
    ``convert``, ``linspace``, and ``+ - *`` with numbers and series of the same kind."""

    domain_default = (-1.0, 1.0)
    window_default = (-1.0, 1.0)
    _np_class = None

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, coef, domain=None, window=None, symbol: str = "x") -> None:
        self.coef = _coef(type(self).__name__, coef)
        self.domain = self._pair(domain, self.domain_default)
        self.window = self._pair(window, self.window_default)
        if not isinstance(symbol, str) or not symbol.isidentifier():
            raise ValueError("Symbol string must be a valid Python identifier")
        self.symbol = symbol

    def _pair(self, v, default) -> Array:
        a = _convert.array(type(self).__name__, default if v is None else v)
        if a.shape != (2,):
            raise ValueError("Domain has wrong number of elements.")
        if a._dtype is _d.bool or a._dtype in _d.CATEGORIES["integer"]:
            a = astype(a, default_float(a.device))
        return a

    # --- evaluation
    def _mapparms(self):
        d0, d1 = self.domain[0], self.domain[1]
        w0, w1 = self.window[0], self.window[1]
        off = (d1 * w0 - d0 * w1) / (d1 - d0)
        scl = (w1 - w0) / (d1 - d0)
        return off, scl

    def __call__(self, x):
        xa = _convert.array(type(self).__name__, x)
        off, scl = self._mapparms()
        return self._val(off + scl * xa, self.coef)

    def degree(self) -> int:
        return self.coef.shape[0] - 1

    def __len__(self) -> int:
        return self.coef.shape[0]

    # --- fitting
    @classmethod
    def fit(cls, x, y, deg, domain=None, rcond=None, full: bool = False, w=None,
            window=None, symbol: str = "x"):
        """The least-squares series of degree ``deg`` through ``(x, y)``, in the scaled
        variable that maps ``domain`` (default: ``[min(x), max(x)]``, lazily) onto
        ``window``, as NumPy's ``fit``."""
        xa = _convert.array(cls.__name__, x)
        if domain is None:
            xf = astype(xa, _float(xa._dtype))
            domain = stack([_min(xf), _max(xf)])
        elif isinstance(domain, list) and len(domain) == 0:
            domain = cls.domain_default
        if window is None:
            window = cls.window_default
        probe = cls([0.0], domain=domain, window=window, symbol=symbol)
        off, scl = probe._mapparms()
        xnew = off + scl * astype(xa, probe.domain._dtype if probe.domain._dtype
                                  in _d.CATEGORIES["floating-point"] else default_float())
        res = cls._fitter(xnew, y, deg, w=w, rcond=rcond, full=full)
        if full:
            coef, status = res
            return cls(coef, domain=probe.domain, window=probe.window, symbol=symbol), status
        return cls(res, domain=probe.domain, window=probe.window, symbol=symbol)

    # --- calculus and roots
    def deriv(self, m: int = 1):
        """The ``m``-th derivative (same domain and window)."""
        _, scl = self._mapparms()
        c = self.coef
        for _ in range(_degree("deriv", m)):
            c = self._der(c, 1, scl)
        return type(self)(c, domain=self.domain, window=self.window, symbol=self.symbol)

    def roots(self) -> Array:
        """The roots, in the domain's variable (one counted sync: see ``xp.roots``)."""
        off, scl = self._mapparms()
        r = polyroots(self._power_coef())
        return (r - off) / scl

    def convert(self, domain=None, kind=None, window=None):
        """The same function as a series of ``kind`` (default: this class) over
        ``domain``/``window`` (default: the kind's), by interpolation at
        ``degree + 1`` Chebyshev points (exact up to rounding)."""
        kind = type(self) if kind is None else kind
        dom = kind.domain_default if domain is None else domain
        target = kind([0.0], domain=dom, window=window, symbol=self.symbol)
        n = self.degree() + 1
        k = asarray(np.cos(np.pi * (np.arange(n) + 0.5) / n), device=self.coef.device)
        k = astype(k, target.domain._dtype)
        lo, hi = target.domain[0], target.domain[1]
        xs = (lo + hi) / 2 + (hi - lo) / 2 * k
        return kind.fit(xs, self(xs), n - 1, domain=target.domain, window=target.window,
                        symbol=self.symbol)

    def linspace(self, n: int = 100, domain=None):
        """``(x, self(x))`` at ``n`` evenly spaced points of ``domain`` (default: this
        series' domain)."""
        d = self.domain if domain is None else _convert.array("linspace", domain)
        t = astype(asarray(np.linspace(0.0, 1.0, n), device=d.device), d._dtype)
        x = d[0] + (d[1] - d[0]) * t
        return x, self(x)

    def cutdeg(self, deg: int):
        """The series truncated to degree ``deg``."""
        d = _degree("cutdeg", deg)
        return type(self)(self.coef[:d + 1], domain=self.domain, window=self.window,
                          symbol=self.symbol)

    # --- arithmetic
    def _other(self, other) -> Array:
        if isinstance(other, _Series):
            if type(other) is not type(self):
                raise TypeError("Polynomial types differ")
            return other.coef
        if isinstance(other, (int, float, complex)) and not isinstance(other, builtins.bool):
            return astype(asarray([other], device=self.coef.device), self.coef._dtype) \
                if not isinstance(other, complex) else asarray([other])
        return _coef(type(self).__name__, other)

    def _new(self, c: Array):
        return type(self)(c, domain=self.domain, window=self.window, symbol=self.symbol)

    def __add__(self, other):
        return self._new(_polyadd(*_same(self.coef, self._other(other))))

    __radd__ = __add__

    def __sub__(self, other):
        return self._new(_polysub(*_same(self.coef, self._other(other))))

    def __rsub__(self, other):
        return self._new(_polysub(*_same(self._other(other), self.coef)))

    def __neg__(self):
        return self._new(-self.coef)

    def __pos__(self):
        return self

    def __mul__(self, other):
        o = self._other(other)
        if isinstance(other, _Series):
            return self._new(self._mul(*_same(self.coef, o)))
        return self._new(self.coef * reshape(o, ()) if o.shape == (1,) else
                         self._mul(*_same(self.coef, o)))

    __rmul__ = __mul__

    def __pow__(self, n: int):
        if isinstance(n, builtins.bool) or not isinstance(n, int) or n < 0:
            raise ValueError("Power must be a non-negative integer.")
        out = self._new(astype(asarray([1.0], device=self.coef.device), self.coef._dtype))
        for _ in range(n):
            out = out * self
        return out

    def __truediv__(self, other):
        if isinstance(other, _Series):
            raise TypeError("division by a series is polynomial division: use //, or divmod "
                            "on NumPy's classes")
        return self._new(self.coef / other)

    # --- printing (sync points)
    def _host(self):
        # NumPy prints the common dtype of the three: show the coefficients' one.
        dt = self.coef._dtype
        arrays = [self.coef, astype(self.domain, dt), astype(self.window, dt)]
        mxs = [a._array for a in arrays]
        _lazy.materialize(_lazy.CONVERSION, *mxs)
        return [np.array(m, copy=True) for m in mxs]

    def __repr__(self) -> str:
        c, d, w = self._host()
        return repr(self._np_class(c, domain=d, window=w, symbol=self.symbol))

    def __str__(self) -> str:
        c, d, w = self._host()
        return str(self._np_class(c, domain=d, window=w, symbol=self.symbol))


def _same(a: Array, b: Array):
    dt = result_type(a, b)
    return astype(a, dt), astype(b, dt)


class Polynomial(_Series):
    """A power series ``c[0] + c[1]*x + ...`` over a domain, as NumPy's
    ``numpy.polynomial.Polynomial`` (``Polynomial.fit(x, y, deg)``, ``p(x)``,
    ``p.convert().coef``, ``p.deriv()``, ``p.roots()``...)."""

    _np_class = np.polynomial.Polynomial

    @staticmethod
    def _val(x, c):
        return polyval(x, c)

    @staticmethod
    def _fitter(x, y, deg, w=None, rcond=None, full=False):
        return polyfit(x, y, deg, rcond=rcond, full=full, w=w)

    @staticmethod
    def _der(c, m, scl):
        return polyder(c, m, scl)

    @staticmethod
    def _mul(a, b):
        return convolve(a, b)

    def _power_coef(self) -> Array:
        return self.coef


class Chebyshev(_Series):
    """A Chebyshev series ``sum c[i] * T_i(x)`` over a domain, as NumPy's
    ``numpy.polynomial.Chebyshev`` (``Chebyshev.fit(x, y, deg)``, ``c(x)``...)."""

    _np_class = np.polynomial.Chebyshev

    @staticmethod
    def _val(x, c):
        return chebval(x, c)

    @staticmethod
    def _fitter(x, y, deg, w=None, rcond=None, full=False):
        return chebfit(x, y, deg, rcond=rcond, full=full, w=w)

    @staticmethod
    def _der(c, m, scl):
        return chebder(c, m, scl)

    @staticmethod
    def _mul(a, b):
        return _chebmul(a, b)

    def _power_coef(self) -> Array:
        return cheb2poly(self.coef)

