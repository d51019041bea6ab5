"""Which rule picks the default dtypes: ``"mlx"`` (the default) or ``"numpy"``.

``"mlx"``: float32, int32 and complex64 on every device (MLX's own defaults).
``"numpy"``: float64 and int64 (integral and indexing) on the CPU device, as NumPy,
SciPy and scikit-learn expect; float32 and int32 on the GPU, where float64 does not
exist. complex64 on every device either way (MLX has no complex128).

Chosen by ``TMATH_ARRAY_DEFAULT_DTYPES`` at import, changed with
``xp.set_default_dtypes``; ``xp.show_config()`` reports it (docs/dtypes.md).
"""

from __future__ import annotations

import os

ENV = "TMATH_ARRAY_DEFAULT_DTYPES"
MODES = ("mlx", "numpy")


def _initial() -> tuple[str, str]:
    text = os.environ.get(ENV, "").strip().lower()
    if not text:
        return "mlx", "default"
    if text not in MODES:
        raise ValueError(f"{ENV}={text!r}: expected one of {', '.join(MODES)}")
    return text, ENV


# The rule in force, and where it comes from ("default", the variable, or the function).
mode, source = _initial()
# True in "numpy" mode: read on every creation, so a plain module attribute.
wide_on_cpu = mode == "numpy"


def set_default_dtypes(rule: str) -> str:
    """Choose the default dtype rule, ``"mlx"`` or ``"numpy"``; returns the previous one.

    ``"numpy"``: float64/int64 (indexing int64) on the CPU device, float32/int32 on
    the GPU. ``"mlx"``: float32/int32 everywhere. complex64 either way. Arrays that
    exist keep their dtypes; the rule applies to what is created after the call.

    Raises:
        ValueError: for any other rule.
    """
    global mode, source, wide_on_cpu
    if rule not in MODES:
        raise ValueError(f"set_default_dtypes: expected one of {', '.join(MODES)}, got {rule!r}")
    old = mode
    mode, source, wide_on_cpu = rule, "set_default_dtypes", rule == "numpy"
    return old


def get_default_dtypes() -> str:
    """The default dtype rule in force, ``"mlx"`` or ``"numpy"``."""
    return mode
