"""``__array_namespace_info__``: what this namespace supports, read from MLX at run time."""

from __future__ import annotations

from .._array import dtypes as _d
from .._array.devices import (
    Device,
    available_devices,
    default_complex,
    default_device,
    default_float,
    default_index,
    default_int,
    supported_dtypes,
    to_device,
)

_KIND_DTYPES = {
    "bool": (_d.bool,),
    "signed integer": (_d.int8, _d.int16, _d.int32, _d.int64),
    "unsigned integer": (_d.uint8, _d.uint16, _d.uint32, _d.uint64),
    "integral": (_d.int8, _d.int16, _d.int32, _d.int64,
                 _d.uint8, _d.uint16, _d.uint32, _d.uint64),
    "real floating": (_d.float32, _d.float64),
    "complex floating": (_d.complex64,),
    "numeric": (_d.int8, _d.int16, _d.int32, _d.int64, _d.uint8, _d.uint16, _d.uint32,
                _d.uint64, _d.float32, _d.float64, _d.complex64),
}


class DeviceTuple(tuple):
    """The standard's tuple of devices, which a list can also be added to.

    Note: SciPy 1.17's test setup writes ``info.devices() + [None]`` (array-api-strict
    answers a list); the standard says tuple. Adding a list gives a list.
    """

    __slots__ = ()

    def __add__(self, other):
        if isinstance(other, list):
            return list(self) + other
        return tuple.__add__(self, other)

    def __radd__(self, other):
        if isinstance(other, list):
            return other + list(self)
        return NotImplemented


class Info:
    """Inspection of the namespace: capabilities, devices and dtypes.

    ``dtypes()`` lists the standard's dtypes only; float16 and bfloat16 are
    extensions and appear in ``xp.float16`` / ``xp.bfloat16``.
    """

    def capabilities(self) -> dict:
        return {
            "boolean indexing": True,
            "data-dependent shapes": True,
            "max dimensions": None,
        }

    def default_device(self) -> Device:
        return default_device()

    def default_dtypes(self, *, device=None) -> dict:
        dev = to_device(device, "default_dtypes")
        # Note: per device under the "numpy" rule (float64/int64 on the CPU only).
        return {
            "real floating": default_float(dev),
            "complex floating": default_complex(dev),
            "integral": default_int(dev),
            "indexing": default_index(dev),
        }

    def devices(self) -> tuple[Device, ...]:
        return DeviceTuple(available_devices())

    def dtypes(self, *, device=None, kind=None) -> dict:
        dev = to_device(device, "dtypes")
        supported = set(supported_dtypes(dev))
        if kind is None:
            chosen = [d for d in _d.STANDARD_DTYPES]
        else:
            kinds = kind if isinstance(kind, tuple) else (kind,)
            chosen = []
            for k in kinds:
                if not isinstance(k, str):
                    raise TypeError(f"dtypes: kind must be a string or a tuple of strings, "
                                    f"got {k!r}")
                if k not in _KIND_DTYPES:
                    raise ValueError(f"dtypes: unknown kind {k!r}")
                chosen.extend(d for d in _KIND_DTYPES[k] if d not in chosen)
        return {_d.NAMES[d]: d for d in chosen if d in supported}


def __array_namespace_info__() -> Info:  # noqa: N807 - the standard's name
    """The namespace's inspection object (capabilities, devices, dtypes)."""
    return Info()
