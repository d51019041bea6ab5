"""The largest array tmath_array creates: MemoryError before MLX is asked for more.

MLX's CPU backend does not survive a failed allocation: when ``malloc`` returns
NULL (an address-space limit, or Linux refusing an obvious overcommit) the
process dies of SIGSEGV at evaluation, and an allocation that Linux grants but
cannot back is ended by the OOM killer on first touch. Arrays are lazy, so
their sizes are known long before anything is allocated: every array this
package wraps is checked against a limit, and a larger one raises MemoryError
where it is built (``xp.zeros((10**6, 10**6))``, a broadcast ``x + y``, a
``matmul`` of huge shapes), before any evaluation. See docs/memory.md.

The limit is, in bytes, the smallest of the physical memory, the cgroup's
``memory.max`` and what the process's ``RLIMIT_AS``/``RLIMIT_DATA`` leave at
import (the limit less the address space in use then); the environment
variable ``TMATH_ARRAY_MAX_BYTES`` (read at import: ``"8G"``, ``"512M"``,
``"1000000"``) replaces it.
"""

from __future__ import annotations

import math
import os
import re

ENV = "TMATH_ARRAY_MAX_BYTES"
# MLX stores shapes as 32-bit ints.
MAX_DIM = 2**31 - 1

_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


def parse_bytes(text: str) -> int:
    """``"8G"`` -> 8 GiB; ``"512M"``, ``"1.5G"``, ``"1000"``, ``"64KiB"`` likewise."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d*)?)\s*([KMGT]?)(?:i?B)?\s*", text, re.IGNORECASE)
    if not m:
        raise ValueError(f"{ENV}={text!r}: expected a size in bytes such as 8G, 512M or 1000000")
    return int(float(m.group(1)) * _UNITS[m.group(2).upper()])


def _cgroup_limit() -> int | None:
    for path in ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        try:
            with open(path) as f:
                text = f.read().strip()
        except OSError:
            continue
        if text.isdigit() and int(text) < 2**60:
            return int(text)
    return None


def _address_space_in_use() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _system_limit() -> tuple[int, str]:
    """The default limit and where it comes from."""
    found: list[tuple[int, str]] = []
    try:
        found.append((os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"),
                      "physical memory"))
    except (ValueError, OSError, AttributeError):
        pass
    cg = _cgroup_limit()
    if cg is not None:
        found.append((cg, "cgroup memory.max"))
    try:
        import resource

        for name in ("RLIMIT_AS", "RLIMIT_DATA"):
            soft = resource.getrlimit(getattr(resource, name))[0]
            if soft != resource.RLIM_INFINITY and soft > 0:
                # What is left of it: the libraries loaded so far take their share.
                found.append((max(soft - _address_space_in_use(), 0), name))
    except (ImportError, ValueError, OSError):
        pass
    if not found:
        return 2**63 - 1, "no limit found"
    return min(found)


def _initial_limit() -> tuple[int, str]:
    text = os.environ.get(ENV, "").strip()
    if text:
        return parse_bytes(text), ENV
    return _system_limit()


# The largest array (in bytes) and where that number comes from.
max_bytes, source = _initial_limit()


def set_max_bytes(n: int | None) -> int:
    """Set the limit (None: back to the system's); returns the previous one."""
    global max_bytes, source
    old = max_bytes
    max_bytes, source = (int(n), "set_max_bytes") if n is not None else _system_limit()
    return old


def format_bytes(n: int) -> str:
    for unit, size in (("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} bytes"


def _too_big(where: str, shape, dtype_name: str, nbytes: int) -> MemoryError:
    what = (f"and dtype {dtype_name} needs {format_bytes(nbytes)}" if dtype_name else
            f"has {nbytes} elements ({format_bytes(nbytes)} at one byte each)")
    return MemoryError(
        f"{where}an array of shape {tuple(shape)} {what}, more than the "
        f"{format_bytes(max_bytes)} tmath_array allows (the limit comes from {source}; "
        f"set {ENV} to change it)")


_MAX_DESCRIBED = 2**63 - 1  # NumPy's limit on size * itemsize, zero-length axes skipped


def check_shape(name: str, shape: tuple[int, ...], itemsize: int = 1,
                dtype_name: str = "") -> None:
    """Check a shape given by the caller, before MLX sees it.

    Raises:
        ValueError: a dimension beyond MLX's 32-bit limit.
        MemoryError: more than :data:`max_bytes` (``itemsize`` 1 counts elements only).
    """
    for n in shape:
        if n > MAX_DIM:
            raise ValueError(f"{name}: dimension {n} of shape {tuple(shape)} exceeds the "
                             f"largest MLX supports ({MAX_DIM}, 32-bit)")
    nbytes = math.prod(shape) * itemsize
    if nbytes > max_bytes:
        raise _too_big(f"{name}: ", shape, dtype_name, nbytes)


def check(arr) -> None:
    """Raise MemoryError for an MLX array beyond the limit (MLX's size may wrap at 2**64).

    An empty array whose other dimensions multiply past 2**63 bytes is a ValueError, as
    NumPy refuses to make one ("array is too big"): it could never be handed over.
    """
    nbytes = math.prod(arr.shape) * arr.itemsize
    if nbytes > max_bytes:
        raise _too_big("", arr.shape, str(arr.dtype).replace("mlx.core.", ""), nbytes)
    if nbytes == 0 and math.prod(d for d in arr.shape if d) * arr.itemsize > _MAX_DESCRIBED:
        raise ValueError(f"an empty array of shape {tuple(arr.shape)} is too big to describe: "
                         "its other dimensions multiply past 2**63 bytes (NumPy refuses it)")


# What CPython needs at least for a list (56 bytes and its slot in the parent), for a
# number (a float: 24 bytes and its slot), and for an Array (its object, its MLX array's
# Python object and C++ node, its slot).
_PY_LIST_BYTES, _PY_NUMBER_BYTES, ARRAY_OBJECT_BYTES = 64, 32, 256


def check_objects(name: str, nbytes: int, what: str) -> None:
    """MemoryError (with a message) when ``what`` needs more than the limit.

    For Python objects made one by one (``tolist``, ``unstack``): Python runs out of
    memory only after a long time, with an empty MemoryError (or MLX's std::bad_alloc).
    """
    if nbytes > max_bytes:
        raise MemoryError(
            f"{name}: {what} need at least {format_bytes(nbytes)}, more than the "
            f"{format_bytes(max_bytes)} tmath_array allows (the limit comes from {source}; "
            f"set {ENV} to change it)")


def check_python_objects(name: str, shape: tuple[int, ...]) -> None:
    """``check_objects`` for the nested lists of an array of ``shape`` (``tolist``).

    ``x.tolist()`` of an empty array with a huge side, ``(2**30, 0)``, is 2**30 empty lists.
    """
    # One list per index of every level above the last, counted level by level: below
    # a zero-length axis the lists are empty, but the levels above it are still filled
    # ((2, 2**30, 0, 1) is 2 + 2**31 lists).
    lists = 1 + sum(math.prod(shape[:k]) for k in range(1, len(shape)))
    check_objects(name, lists * _PY_LIST_BYTES + math.prod(shape) * _PY_NUMBER_BYTES,
                  f"the nested lists of an array of shape {tuple(shape)}")
