"""``xp.exceptions``: NumPy's exception and warning classes, for code that names them.

They are NumPy's own classes, so ``warnings.simplefilter("ignore",
np.exceptions.RankWarning)`` and ``except np.exceptions.AxisError`` read the same on
both libraries. Note: tmath_array raises IndexError for an axis out of range (NumPy's
AxisError is both an IndexError and a ValueError: ``except IndexError`` catches both)
and issues no RankWarning (``polyfit``'s rank is lazy: ask ``full=True``).
"""

from __future__ import annotations

from numpy.exceptions import (
    AxisError,
    ComplexWarning,
    DTypePromotionError,
    RankWarning,
    TooHardError,
    VisibleDeprecationWarning,
)

__all__ = ["AxisError", "ComplexWarning", "DTypePromotionError", "RankWarning", "TooHardError",
           "VisibleDeprecationWarning"]
