"""``xp.polynomial.chebyshev``: Chebyshev series (NumPy's names)."""

from __future__ import annotations

from .._numpy.polyclasses import (
    Chebyshev,
    cheb2poly,
    chebder,
    chebfit,
    chebval,
    chebvander,
    poly2cheb,
)

__all__ = ["Chebyshev", "cheb2poly", "chebder", "chebfit", "chebval", "chebvander",
           "poly2cheb"]
