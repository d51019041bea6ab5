"""NumPy's classic polynomial functions: ``polyfit``, ``polyval``, ``poly1d``, ``roots``,
``poly``, ``polyadd``, ``polysub``, ``polymul``, ``polydiv``, ``polyder``, ``polyint``.

Coefficients run from the highest power to the constant, as in NumPy. Everything is
lazy except where the result's shape or kind depends on the values: ``roots`` (how
many roots, whether they are real) and ``polydiv``'s remainder (its leading zeros are
trimmed), one counted sync each. See docs/numpy_math.md.
"""

from __future__ import annotations

import builtins
import operator
from typing import TYPE_CHECKING

import mlx.core as mx
import numpy as np

from .._array import args as _args
from .._array import core as _core
from .._array import dtypes as _d
from .._array.devices import CPU, default_float
from .._interop import convert as _convert
from .._runtime import lazy as _lazy
from .._runtime import memory as _memory
from .._standard.creation import asarray, zeros
from .._standard.data_types import astype, result_type
from .._standard.elementwise import real as _real
from .._standard.elementwise import sqrt
from .._standard.linalg import inv
from .._standard.manipulation import concat, reshape, stack
from .._standard.statistical import sum as _sum
from .._standard.utility import all as _all
from .calculus import convolve
from .linalg import lstsq

if TYPE_CHECKING:
    from .._array.array import Array

_CAT = _d.CATEGORIES
_EPS = {_d.float16: 2.0 ** -10, _d.bfloat16: 2.0 ** -7, _d.float32: 2.0 ** -23,
        _d.float64: 2.0 ** -52, _d.complex64: 2.0 ** -23}


def _arr(name: str, a) -> Array:
    """``a`` as an Array: a poly1d's coefficients, else the one way in."""
    if isinstance(a, poly1d):
        return a.coeffs
    return _convert.array(name, a)


def _float(dt):
    """The float dtype results of ``dt`` data have (integers and bool: the default float)."""
    return dt if dt in _CAT["floating-point"] else default_float()


def _work(dt, dev):
    """The dtype a fit is computed in.

    Note: on the CPU, fits of float32 data are computed in float64 and rounded back: a
    Vandermonde matrix is ill-conditioned, and NumPy scripts expect its float64 fit.
    """
    if dev == CPU and dt in (_d.float16, _d.bfloat16, _d.float32):
        return _d.float64
    return dt


def _deg(name: str, deg) -> int:
    if isinstance(deg, builtins.bool):
        raise TypeError(f"{name}: deg must be an int, got bool")
    try:
        d = operator.index(deg)
    except TypeError:
        raise TypeError(f"{name}: deg must be an int, got {type(deg).__name__}") from None
    if d < 0:
        raise ValueError(f"{name}: expected deg >= 0")
    return d


# --- fitting and evaluating ---------------------------------------------------------------

def _vander_desc(x: Array, order: int) -> Array:
    """Columns ``x**(order-1), ..., x, 1`` (one cumulative product: vander's)."""
    from .misc import vander

    return vander(x, order)


def polyfit(x, y, deg, rcond=None, full: bool = False, w=None, cov=False):
    """The least-squares polynomial of degree ``deg`` through ``(x, y)`` (highest power
    first), as NumPy's polyfit; ``y`` may be 2-d (one fit per column).

    With ``full``: ``(coefficients, residuals, rank, singular values, rcond)``; with
    ``cov``: ``(coefficients, covariance)`` (``cov="unscaled"`` leaves out the residual
    scaling). Coefficients have the input's float dtype (float32 for integers).

    Note: NumPy warns (RankWarning) for a rank-deficient fit; that needs the rank's
    value, a sync point: check ``full=True``'s rank instead.
    """
    order = _deg("polyfit", deg) + 1
    full = _args.check_bool("polyfit", full, "full")
    if isinstance(cov, str):
        if cov != "unscaled":
            raise ValueError(f"polyfit: cov must be a bool or 'unscaled', got {cov!r}")
    elif cov is not None:
        cov = _args.check_bool("polyfit", cov, "cov")
    xa, ya = _arr("polyfit", x), _arr("polyfit", y)
    if xa.ndim != 1:
        raise TypeError("polyfit: expected 1D vector for x")
    if xa.shape[0] == 0:
        raise TypeError("polyfit: expected non-empty vector for x")
    if ya.ndim < 1 or ya.ndim > 2:
        raise TypeError("polyfit: expected 1D or 2D array for y")
    if xa.shape[0] != ya.shape[0]:
        raise TypeError("polyfit: expected x and y to have same length")
    out = _float(result_type(xa, ya))
    if out is _d.complex64 or xa._dtype is _d.complex64:
        raise TypeError("polyfit: complex data is not supported (MLX has no complex "
                        "least squares here)")
    wdt = _work(out, xa.device)
    n = xa.shape[0]
    # The Vandermonde matrix and the SVD's right singular vectors (order x order) count
    # against the memory limit first (deg=74200905 aborted the process).
    _memory.check_shape("polyfit", (n, order), wdt._mx.size, _d.dtype_name(wdt))
    _memory.check_shape("polyfit", (order, order), wdt._mx.size, _d.dtype_name(wdt))
    xa, ya = astype(xa, wdt), astype(ya, wdt)
    if rcond is None:
        rcond = n * _EPS[out]
    lhs = _vander_desc(xa, order)
    rhs = ya
    if w is not None:
        wa = astype(_arr("polyfit", w), wdt)
        if wa.ndim != 1:
            raise TypeError("polyfit: expected a 1-d array for weights")
        if wa.shape[0] != n:
            raise TypeError("polyfit: expected w and y to have the same length")
        lhs = lhs * wa[:, None]
        rhs = rhs * (wa if rhs.ndim == 1 else wa[:, None])
    scale = sqrt(_sum(lhs * lhs, axis=0))
    lhs = lhs / scale
    c, resids, rank, s = lstsq(lhs, rhs, rcond)
    c = c / (scale if c.ndim == 1 else scale[:, None])
    if full:
        return astype(c, out), astype(resids, out), rank, astype(s, out), rcond
    if cov is not False and cov is not None:
        vbase = inv(lhs.mT @ lhs) / (scale[:, None] * scale[None, :])
        if cov == "unscaled":
            fac = 1.0
        else:
            if n <= order:
                raise ValueError("polyfit: the number of data points must exceed order to "
                                 "scale the covariance matrix")
            fac = resids / (n - order)
        if ya.ndim == 1:
            return astype(c, out), astype(vbase * fac, out)
        return astype(c, out), astype(vbase[:, :, None] * fac, out)
    return astype(c, out)


def polyval(p, x) -> Array:
    """The polynomial ``p`` (highest power first, or a poly1d) at ``x``, by Horner's rule.

    A poly1d ``x`` gives the composition ``p(x)`` as a poly1d, as in NumPy.
    """
    if isinstance(x, poly1d):
        pa = _arr("polyval", p)
        out = poly1d(reshape(pa[0], (1,)))
        for i in range(1, pa.shape[0]):
            out = out * x + poly1d(reshape(pa[i], (1,)))
        return out
    pa = _arr("polyval", p)
    if pa.ndim != 1:
        raise ValueError("polyval: p must be a 1-d sequence of coefficients")
    xa = _arr("polyval", x)
    y = zeros(xa.shape, dtype=xa._dtype, device=xa.device) if xa._dtype is not _d.bool \
        else zeros(xa.shape, dtype=_d.int32, device=xa.device)
    for i in range(pa.shape[0]):
        y = y * xa + pa[i]
    return y


# --- roots and poly -------------------------------------------------------------------------

def roots(p) -> Array:
    """The roots of the polynomial ``p`` (highest power first), as NumPy's roots: the
    eigenvalues of its companion matrix, and zeros for trailing zero coefficients.

    Real roots come in ``p``'s float dtype, complex ones as complex64.

    Note: the number of roots (leading and trailing zeros are dropped) and whether they
    are real depend on the values: ``p`` is read once (one counted sync) and the small
    companion matrix's eigenvalues are computed on the host by NumPy.
    """
    pa = _arr("roots", p)
    if pa.ndim != 1:
        raise ValueError("roots: input must be a rank-1 array")
    out = _float(pa._dtype)
    a = pa._array
    if pa._dtype is _d.bfloat16:
        a = a.astype(mx.float32)
    # Note: the roots' number and kind depend on the values: the one sync point.
    _lazy.materialize(_lazy.DATA_DEPENDENT, a)
    host = np.roots(np.asarray(a).astype(np.complex128 if pa._dtype is _d.complex64
                                         else np.float64))
    if host.dtype.kind == "c":
        return asarray(host.astype(np.complex64), device=pa.device)
    return astype(asarray(host, device=pa.device) if pa.device == CPU
                  else asarray(host.astype(np.float32), device=pa.device), out)


def poly(seq_of_zeros) -> Array:
    """The coefficients (highest power first, leading 1) of the polynomial with the given
    roots; a square matrix gives its characteristic polynomial, as in NumPy.

    Note: NumPy returns real coefficients for complex roots that come in conjugate
    pairs (that needs the values); here complex roots give complex64 coefficients.
    """
    z = _arr("poly", seq_of_zeros)
    if z.ndim == 1 and z.shape[0] == 0:
        # NumPy returns the number 1.0 here (the empty product).
        return astype(asarray(1.0, device=z.device), _float(z._dtype))
    if z.ndim == 2 and z.shape[0] == z.shape[1] and z.shape[0] != 0:
        # NumPy's: the characteristic polynomial from the eigenvalues (real for a real
        # matrix). Note: MLX's eigenvalues are complex64, so a float64 matrix's
        # coefficients have float32 precision.
        from .._standard.linalg import eigvals
        real_in = z._dtype is not _d.complex64
        out = _float(z._dtype)
        c = poly(eigvals(astype(z, _d.float32) if out in (_d.float16, _d.bfloat16) else z))
        return astype(_real(c), out) if real_in else c
    elif z.ndim != 1:
        raise ValueError("poly: input must be 1d or non-empty square 2d array.")
    out = _float(z._dtype)
    # Note: half precision multiplies out in float32 (NumPy's precision for the values it
    # holds), rounded once at the end: products rounded to bfloat16 at every step lost
    # 4% to cancellation.
    dt = _d.float32 if out in (_d.float16, _d.bfloat16) else out
    a = astype(asarray([1.0], device=z.device), dt)
    for i in range(z.shape[0]):
        a = convolve(a, concat([astype(asarray([1.0], device=z.device), dt),
                                reshape(-astype(z[i], dt), (1,))]))
    return astype(a, out) if dt is not out else a


# --- arithmetic ---------------------------------------------------------------------------

def _atleast_1d(name: str, a) -> Array:
    x = _arr(name, a)
    return reshape(x, (1,)) if x.ndim == 0 else x


def _addsub(name: str, a1, a2, sub: bool):
    # NumPy's: the shorter (1-d) operand gets leading zeros, then the two broadcast.
    a, b = _atleast_1d(name, a1), _atleast_1d(name, a2)
    dt = result_type(a, b)
    a, b = astype(a, dt), astype(b, dt)
    diff = b.shape[0] - a.shape[0]
    try:
        if diff > 0:
            a = concat([astype(zeros((diff,), device=a.device), dt), a])
        elif diff < 0:
            b = concat([astype(zeros((-diff,), device=b.device), dt), b])
        val = a - b if sub else a + b
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None
    return poly1d(val) if isinstance(a1, poly1d) or isinstance(a2, poly1d) else val


def polyadd(a1, a2):
    """The sum of two polynomials (poly1d in, poly1d out)."""
    return _addsub("polyadd", a1, a2, False)


def polysub(a1, a2):
    """The difference of two polynomials (poly1d in, poly1d out)."""
    return _addsub("polysub", a1, a2, True)


def polymul(a1, a2):
    """The product of two polynomials (poly1d in, poly1d out), as NumPy's: leading zero
    coefficients of the factors are dropped first (one counted sync for Array input)."""
    truepoly = isinstance(a1, poly1d) or isinstance(a2, poly1d)
    a, b = _trimmed("polymul", a1, a2)
    val = convolve(a, b)
    return poly1d(val) if truepoly else val


def polyder(p, m: int = 1):
    """The ``m``-th derivative of a polynomial (poly1d in, poly1d out)."""
    m = _deg("polyder", m)
    c = _arr("polyder", p)
    if c.ndim == 0:
        raise TypeError("polyder: p must be a sequence of coefficients, got a 0-d array")
    if c._dtype not in _CAT["floating-point"]:
        c = astype(c, _float(c._dtype)) if c._dtype is _d.bool else c
    for _ in range(min(m, c.shape[0])):  # (then it is empty, and stays so)
        # NumPy's: p[:-1] * arange(n, 0, -1) (a constant's derivative is empty).
        n = c.shape[0] - 1
        c = c[:-1] * astype(asarray(np.arange(n, 0, -1, dtype=np.int32), device=c.device),
                            c._dtype)
    return poly1d(c) if isinstance(p, poly1d) else c


def polyint(p, m: int = 1, k=None):
    """The ``m``-th antiderivative of a polynomial, integration constants ``k`` (zeros
    by default), as NumPy's polyint (poly1d in, poly1d out)."""
    m = _deg("polyint", m)
    if m > 2**31 - 1:
        raise MemoryError(f"polyint: m={m} integrations would give more coefficients than an "
                          "MLX array holds")
    nd = _arr("polyint", p).ndim
    if nd == 0:
        raise TypeError("polyint: p must be a sequence of coefficients, got a 0-d array")
    if nd != 1:
        # (NumPy's concatenation of the integrated rows with [k] fails for these too)
        raise ValueError(f"polyint: p must be a 1-d sequence of coefficients, got {nd}-d")
    ks = [0.0] * m if k is None else (list(np.atleast_1d(k)) if not isinstance(k, _core.Array)
                                      else [k[i] for i in range(k.shape[0])] if k.ndim else [k])
    if len(ks) == 1 and m > 1:
        ks = ks * m
    if len(ks) < m:
        raise ValueError("polyint: k must be a scalar or a rank-1 array of length 1 or >m.")
    c = _arr("polyint", p)
    c = astype(c, _float(c._dtype))
    for i in range(m):
        n = c.shape[0]
        div = astype(asarray(list(range(n, 0, -1)), device=c.device), c._dtype)
        kk = ks[i]
        last = reshape(astype(kk if isinstance(kk, _core.Array) else
                              asarray(float(kk), device=c.device), c._dtype), (1,))
        c = concat([c / div, last])
    return poly1d(c) if isinstance(p, poly1d) else c


def _np_work(x: Array):
    """The dtype NumPy's ``x + 0.0`` has, as polydiv computes in (see there)."""
    dt = x._dtype
    if dt is _d.bool or dt in _CAT["integer"]:
        return _d.float64 if x.device == CPU else _d.float32
    return _d.float32 if dt is _d.bfloat16 else dt


def polydiv(u, v):
    """Quotient and remainder of polynomial division, as NumPy's polydiv (near-zero
    leading remainder coefficients dropped: one counted sync)."""
    ua, va = _atleast_1d("polydiv", u), _atleast_1d("polydiv", v)
    if ua.ndim != 1 or va.ndim != 1:
        raise ValueError("polydiv: u and v must be 1-d sequences of coefficients")
    if ua.shape[0] == 0 or va.shape[0] == 0:
        raise ValueError("polydiv: u and v must have at least one coefficient")
    rt = result_type(ua, va)
    out = _float(rt)
    # NumPy divides in the common type of u + 0.0 and v + 0.0 (integers become float64),
    # taking 1 / v[0] in v's own type; its remainder trimming depends on that precision.
    # Note: integers are computed in float64 on the CPU (float32 elsewhere) and the
    # result rounded to float32; bfloat16 (which NumPy lacks) is computed in float32.
    udt, vdt = _np_work(ua), _np_work(va)
    dt = _d.promote_types(udt, vdt, "polydiv")
    scale = astype(1.0 / (astype(va[0], vdt) + 0.0), dt)
    ua, va = astype(ua, dt) + 0.0, astype(va, dt) + 0.0
    m, n = ua.shape[0] - 1, va.shape[0] - 1
    r = [ua[i] for i in range(m + 1)]
    q = []
    for k in range(0, m - n + 1):
        d = scale * r[k]
        q.append(d)
        for j in range(n + 1):
            r[k + j] = r[k + j] - d * va[j]
    qa = stack(q) if q else astype(zeros((1,), device=ua.device), dt)
    ra = stack(r)
    # Note: NumPy drops leading remainder coefficients close to zero (|r| <= 1e-8, in
    # float64): that needs values. In float32 the cancellation leaves eps32 * |u| of
    # rounding noise (127 - (127 / 1.5) * 1.5 is 4e-6), which counts as zero too.
    tol = 1e-8
    if dt is not _d.float64 or vdt is not _d.float64:  # (1 / v[0] in v's own precision)
        tol = mx.maximum(1e-8, 8 * float(np.finfo(np.float32).eps) * mx.max(mx.abs(ua._array)))
    near = mx.abs(ra._array) <= tol
    _lazy.materialize(_lazy.DATA_DEPENDENT, near)
    drop = 0
    flags = np.asarray(near)
    while drop < flags.shape[0] - 1 and flags[drop]:
        drop += 1
    ra = ra[drop:]
    qa, ra = astype(qa, out), astype(ra, out)
    if isinstance(u, poly1d) or isinstance(v, poly1d):
        return poly1d(qa), poly1d(ra)
    return qa, ra


# --- poly1d -----------------------------------------------------------------------------

class poly1d:  # noqa: N801 (NumPy's name)
    """A one-variable polynomial, as NumPy's poly1d: ``p = poly1d([1, 2, 3])`` is
    ``x**2 + 2x + 3``; ``p(x)`` evaluates it, ``p.roots``, ``p.deriv()``, ``p.integ()``,
    ``+ - * / **`` combine polynomials.

    Leading zero coefficients are dropped, as in NumPy: for coefficients given as an
    Array, finding them is one counted sync (``data-dependent``) per poly1d made.
    """

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, c_or_r, r: bool = False, variable: str | None = None) -> None:
        if isinstance(c_or_r, poly1d):
            self._coeffs = c_or_r._coeffs
            self._variable = c_or_r._variable if variable is None else variable
            return
        (c,) = _trimmed("poly1d", poly(c_or_r) if r else c_or_r)
        self._coeffs = c
        self._variable = "x" if variable is None else variable

    # --- attributes
    @property
    def coeffs(self) -> Array:
        """The coefficients, highest power first."""
        return self._coeffs

    @coeffs.setter
    def coeffs(self, value) -> None:
        self._coeffs = poly1d(value)._coeffs

    c = coef = coefficients = coeffs

    @property
    def variable(self) -> str:
        return self._variable

    @property
    def order(self) -> int:
        """The degree (the number of coefficients less one)."""
        return self._coeffs.shape[0] - 1

    o = order

    @property
    def roots(self) -> Array:
        """The roots (a sync point; see :func:`roots`)."""
        return roots(self._coeffs)

    r = roots

    def __len__(self) -> int:
        return self.order

    def __array__(self, dtype=None, copy=None):
        host = self._host()
        return host if dtype is None else host.astype(dtype)

    def _host(self) -> np.ndarray:
        """The coefficients in NumPy (a counted conversion sync)."""
        a = self._coeffs._array
        if self._coeffs._dtype is _d.bfloat16:
            a = a.astype(mx.float32)
        _lazy.materialize(_lazy.CONVERSION, a)
        return np.array(a, copy=True)

    def __call__(self, val):
        return polyval(self._coeffs, val)

    def __iter__(self):
        return iter(self._coeffs)

    def __getitem__(self, power: int):
        """The coefficient of ``x**power`` (0 beyond the degree)."""
        p = operator.index(power)
        if p > self.order or p < 0:
            return astype(asarray(0), self._coeffs._dtype)
        return self._coeffs[self.order - p]

    def deriv(self, m: int = 1) -> poly1d:
        """The ``m``-th derivative."""
        return poly1d(polyder(self._coeffs, m))

    def integ(self, m: int = 1, k=0) -> poly1d:
        """The ``m``-th antiderivative with integration constants ``k``."""
        return poly1d(polyint(self._coeffs, m, k))

    # --- arithmetic
    def __neg__(self) -> poly1d:
        return poly1d(-self._coeffs)

    def __pos__(self) -> poly1d:
        return self

    def __add__(self, other) -> poly1d:
        return poly1d(polyadd(self._coeffs, _arr("poly1d", other)))

    __radd__ = __add__

    def __sub__(self, other) -> poly1d:
        return poly1d(polysub(self._coeffs, _arr("poly1d", other)))

    def __rsub__(self, other) -> poly1d:
        return poly1d(polysub(_arr("poly1d", other), self._coeffs))

    def __mul__(self, other) -> poly1d:
        if isinstance(other, (int, float, complex)) and not isinstance(other, builtins.bool):
            return poly1d(self._coeffs * other)
        return poly1d(polymul(self._coeffs, _arr("poly1d", other)))

    __rmul__ = __mul__

    def __pow__(self, n) -> poly1d:
        if isinstance(n, builtins.bool) or not isinstance(n, int) or n < 0:
            raise ValueError("Power to non-negative integers only.")
        out = poly1d(astype(asarray([1]), self._coeffs._dtype))
        for _ in range(n):
            out = out * self
        return out

    def __truediv__(self, other):
        if isinstance(other, poly1d):
            return polydiv(self, other)
        return poly1d(self._coeffs / other)

    def __rtruediv__(self, other):
        return polydiv(poly1d(other), self)

    def __eq__(self, other):
        if not isinstance(other, poly1d):
            return NotImplemented
        if self._coeffs.shape != other._coeffs.shape:
            return False
        # A Python bool, as NumPy's: one counted conversion sync.
        return builtins.bool(_all(self._coeffs == other._coeffs))

    def __ne__(self, other):
        eq = self.__eq__(other)
        return eq if eq is NotImplemented else not eq

    def __repr__(self) -> str:
        return repr(np.poly1d(self._host()))

    def __str__(self) -> str:
        return str(np.poly1d(self._host(), variable=self._variable))


def _trimmed(name: str, *ps) -> list:
    """Each polynomial's coefficients (1-d) without leading zeros (``[0]`` when all are
    zero), as NumPy's poly1d keeps them: one counted sync for all the Array inputs."""
    out: list = []
    pending = []
    for p in ps:
        if isinstance(p, poly1d):
            out.append(p._coeffs)
            continue
        c = _atleast_1d(name, p)
        if c.ndim > 1:
            raise ValueError("Polynomial must be 1d only.")
        if isinstance(p, _core.Array) and c.shape[0]:
            out.append(c)
            pending.append(len(out) - 1)
        elif isinstance(p, _core.Array):
            out.append(c)
        else:
            nz = np.flatnonzero(_host_coeffs(p))
            out.append(c[int(nz[0]):] if nz.size else c[:0])
    if pending:
        probes = []
        for i in pending:
            nz = (out[i]._array != 0).astype(mx.uint8)
            probes += [mx.argmax(nz), mx.max(nz) if nz.size else mx.array(0, mx.uint8)]
        # Note: how many leading zeros there are decides the shape: the one sync point.
        _lazy.materialize(_lazy.DATA_DEPENDENT, *probes)
        for j, i in enumerate(pending):
            first, any_nz = probes[2 * j].item(), probes[2 * j + 1].item()
            out[i] = out[i][first:] if any_nz else out[i][:0]
    return [c if c.shape[0] else astype(zeros((1,), device=c.device), c._dtype) for c in out]


def _host_coeffs(c) -> np.ndarray:
    """Coefficients given as Python or NumPy data (never an Array), on the host."""
    return np.atleast_1d(np.asarray(c))
