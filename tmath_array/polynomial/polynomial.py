"""``xp.polynomial.polynomial``: power series, lowest power first (NumPy's names)."""

from __future__ import annotations

from .._numpy.polyclasses import (
    Polynomial,
    polyder,
    polyfit,
    polyroots,
    polyval,
    polyvander,
)

__all__ = ["Polynomial", "polyder", "polyfit", "polyroots", "polyval", "polyvander"]
