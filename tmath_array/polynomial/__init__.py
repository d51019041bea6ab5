"""``xp.polynomial``: NumPy's ``numpy.polynomial`` classes that scripts use.

``Polynomial`` and ``Chebyshev`` (``fit``, evaluation, ``deriv``, ``roots``, ``convert``,
``linspace``, arithmetic), and the modules ``xp.polynomial.polynomial`` and
``xp.polynomial.chebyshev`` with their functions (lowest power first).
"""

from __future__ import annotations

from .._numpy.polyclasses import Chebyshev, Polynomial
from . import chebyshev, polynomial

__all__ = ["Chebyshev", "Polynomial", "chebyshev", "polynomial"]
