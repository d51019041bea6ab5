"""NumPy's floating-point error settings and print options, with what they do here.

MLX has no floating-point error state: no operation of tmath_array checks for division
by zero, overflow, underflow or invalid results; they give inf and NaN (and integer
division by zero gives 0), and nothing warns. ``seterr``, ``geterr``, ``errstate``,
``seterrcall`` and ``geterrcall`` keep NumPy's signatures and record the settings
(per thread and context, as NumPy's), so code that sets, reads and restores them runs
unchanged:

* ``'ignore'`` is exactly what happens;
* ``'warn'``, ``'print'`` and ``'log'`` only change diagnostics in NumPy: the values
  here are the same, without the message;
* ``'raise'`` and ``'call'`` would change control flow (a FloatingPointError, a call
  of the handler): they cannot be honoured, so setting them warns (RuntimeWarning)
  once per call, saying so. Check results with ``xp.isfinite``.

Printing already follows NumPy's print options, so ``set_printoptions``,
``get_printoptions`` and ``printoptions`` are NumPy's own.
"""

from __future__ import annotations

import contextlib
import contextvars
import warnings

import numpy as np

_KEYS = ("divide", "over", "under", "invalid")
_MODES = ("ignore", "warn", "raise", "call", "print", "log")
_DEFAULT = {"divide": "warn", "over": "warn", "under": "ignore", "invalid": "warn"}

_errstate: contextvars.ContextVar[dict] = contextvars.ContextVar("tmath_array_errstate",
                                                                 default=_DEFAULT)
_errcall: contextvars.ContextVar = contextvars.ContextVar("tmath_array_errcall", default=None)


def _updated(name: str, all, divide, over, under, invalid) -> dict:  # noqa: A002
    new = dict(_errstate.get())
    given = {"divide": divide, "over": over, "under": under, "invalid": invalid}
    for k in _KEYS:
        v = given[k] if given[k] is not None else all
        if v is None:
            continue
        if v not in _MODES:
            raise ValueError(f"{name}: invalid mode {v!r} for {k}; choose one of "
                             f"{', '.join(repr(m) for m in _MODES)}")
        new[k] = v
    loud = sorted({v for k, v in new.items() if v in ("raise", "call")
                   and (given[k] is not None or all is not None)})
    if loud:
        warnings.warn(f"{name}: mode {' and '.join(repr(m) for m in loud)} cannot be honoured: "
                      "MLX has no floating-point error state, so operations return inf/NaN "
                      "without raising or calling a handler; check results with xp.isfinite",
                      RuntimeWarning, stacklevel=3)
    return new


def seterr(all=None, divide=None, over=None, under=None, invalid=None) -> dict:  # noqa: A002
    """Record how floating-point errors should be treated; returns the old settings.

    Note: nothing here checks for floating-point errors (see the module's docstring):
    'raise' and 'call' warn that they cannot be honoured.
    """
    old = dict(_errstate.get())
    _errstate.set(_updated("seterr", all, divide, over, under, invalid))
    return old


def geterr() -> dict:
    """The recorded floating-point error settings (NumPy's defaults at start)."""
    return dict(_errstate.get())


def seterrcall(func):
    """Record a handler for the 'call' mode; returns the old one.

    Note: the handler is never called: MLX has no floating-point error state.
    """
    if func is not None and not callable(func) and not callable(getattr(func, "write", None)):
        raise ValueError("seterrcall: only callable can be used as callback")
    old = _errcall.get()
    _errcall.set(func)
    return old


def geterrcall():
    """The recorded 'call' handler (None by default)."""
    return _errcall.get()


class errstate(contextlib.ContextDecorator):  # noqa: N801 (NumPy's name)
    """``with xp.errstate(divide='ignore'):``: floating-point error settings for a block
    (or a decorated function), restored after it, as NumPy's errstate.

    Note: the settings are recorded only (see :func:`seterr`): inside the block, as
    outside, results carry inf/NaN and nothing warns or raises.
    """

    def __init__(self, *, call=None, all=None, divide=None, over=None,  # noqa: A002
                 under=None, invalid=None) -> None:
        self._call = call
        self._args = (all, divide, over, under, invalid)
        _updated("errstate", *self._args)  # validate (and warn) at construction, as NumPy
        self._tokens: list = []

    def __enter__(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # warned in __init__ already
            state = _updated("errstate", *self._args)
        token = _errstate.set(state)
        ctoken = _errcall.set(self._call) if self._call is not None else None
        self._tokens.append((token, ctoken))
        return self

    def __exit__(self, *exc) -> None:
        token, ctoken = self._tokens.pop()
        _errstate.reset(token)
        if ctoken is not None:
            _errcall.reset(ctoken)


# Printing follows NumPy's print options (see _interop/printing.py): these are NumPy's.
set_printoptions = np.set_printoptions
get_printoptions = np.get_printoptions
printoptions = np.printoptions
