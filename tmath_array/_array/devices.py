"""Devices: MLX's cpu and gpu, and which dtypes each supports."""

from __future__ import annotations

import mlx.core as mx

from .._runtime import defaults as _defaults
from .._runtime.hardware import ONE_DEVICE as _ONE_DEVICE
from . import dtypes as _d


class Device:
    """A device an array lives on and its operations run on (an MLX device).

    Compare with ``==``; ``str(device)`` is ``"cpu"`` or ``"gpu"`` (with
    ``":N"`` for an index other than 0).
    """

    __slots__ = ("_mx", "_key", "_s")

    def __init__(self, type: str = "cpu", index: int = 0) -> None:  # noqa: A002
        if type not in ("cpu", "gpu"):
            raise ValueError(f"unknown device type {type!r}; expected 'cpu' or 'gpu'")
        if not isinstance(index, int) or index < 0:
            raise ValueError(f"device index must be a non-negative int, got {index!r}")
        mx_type = mx.cpu if type == "cpu" else mx.gpu
        self._mx = mx.Device(mx_type, index)
        # What ops get as ``stream=``: the bare device type is the cheapest form.
        self._s = mx_type if index == 0 else self._mx
        self._key = (type, index)

    @property
    def type(self) -> str:
        return self._key[0]

    @property
    def index(self) -> int:
        return self._key[1]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Device):
            return self._key == other._key
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._key)

    def __repr__(self) -> str:
        return f"Device({self._key[0]!r}, {self._key[1]})"

    def __str__(self) -> str:
        t, i = self._key
        return t if i == 0 else f"{t}:{i}"


CPU = Device("cpu")
_GPU = Device("gpu")
# Arrays hold these objects, so the hot path compares devices by identity.
_CANONICAL = {CPU: CPU, _GPU: _GPU}


def available_devices() -> tuple[Device, ...]:
    """The devices MLX can run on here: the CPU, and the GPU where one exists."""
    devs = [CPU]
    if mx.is_available(mx.gpu):
        devs.append(_GPU)
    return tuple(devs)


def default_device() -> Device:
    """The device MLX schedules on by default (``mx.default_device()``)."""
    d = mx.default_device()
    return CPU if d.type == mx.cpu else _GPU


def _mx_device_index(device: mx.Device) -> int:
    # Note: mx.Device exposes only its type; the index shows in its repr, "Device(gpu, 1)".
    index = getattr(device, "index", None)
    if index is None:
        index = int(repr(device).rstrip(")").rpartition(",")[2])
    return index


def to_device(device, name: str = "device") -> Device:
    """Normalise a ``device=`` argument; ``None`` means the default device.

    Accepts a :class:`Device`, an ``mx.Device``/``mx.DeviceType``, or a string
    ``"cpu"``/``"gpu"``/``"gpu:0"``. Anything else raises ValueError.
    """
    if device is None:
        return default_device()
    if isinstance(device, Device):
        dev = device
    elif isinstance(device, mx.Device):
        dev = Device("cpu" if device.type == mx.cpu else "gpu", _mx_device_index(device))
        dev = _CANONICAL.get(dev, dev)
    elif isinstance(device, mx.DeviceType):
        dev = CPU if device == mx.cpu else _GPU
    elif isinstance(device, str):
        t, _, i = device.partition(":")
        try:
            dev = Device(t, int(i) if i else 0)
        except ValueError:
            raise ValueError(f"{name}: unknown device {device!r}") from None
        dev = _CANONICAL.get(dev, dev)
    else:
        raise ValueError(f"{name}: expected a Device, got {type(device).__name__} {device!r}")
    if dev not in available_devices():
        raise ValueError(f"{name}: device {dev} is not available here "
                         f"(available: {', '.join(map(str, available_devices()))})")
    return dev


def supported_dtypes(device: Device) -> tuple:
    """All dtypes an array may have on ``device`` (extensions included)."""
    if device.type == "cpu":
        return tuple(_d.NAMES)
    # Note: MLX has no float64 on the GPU.
    return tuple(d for d in _d.NAMES if d != _d.float64)


def check_dtype_on_device(dtype, device: Device, name: str) -> None:
    """Raise TypeError when ``dtype`` cannot live on ``device`` (float64 on the GPU)."""
    if dtype == _d.float64 and device.type != "cpu":
        raise TypeError(
            f"{name}: float64 is not supported on device {device} (MLX computes float64 on "
            "the CPU only); use float32, or device='cpu'"
        )


# --- default dtypes per device ------------------------------------------------------
# The one place that decides them (the rule: tmath_array/_runtime/defaults.py).

def _wide(device) -> bool:
    if not _defaults.wide_on_cpu:
        return False
    if device is None:
        if _ONE_DEVICE:  # (the CPU is the only device: no need to ask MLX, ~0.7 us)
            return True
        device = default_device()
    elif not isinstance(device, Device):
        device = to_device(device)
    return device.type == "cpu"


def default_float(device=None):
    """The default real floating dtype on ``device`` (anything ``to_device`` takes)."""
    return _d.float64 if _wide(device) else _d.float32


def default_int(device=None):
    """The default integer dtype on ``device``."""
    return _d.int64 if _wide(device) else _d.int32


def default_index(device=None):
    """The default indexing dtype on ``device`` (argmax, nonzero, searchsorted...)."""
    return _d.int64 if _wide(device) else _d.int32


def default_complex(device=None):
    """The default complex dtype on ``device`` (complex64: MLX has no complex128)."""
    return _d.complex64


def default_of_rank(rank: int, device=None):
    """The default dtype of a Python scalar kind (0 bool, 1 int, 2 float, 3 complex)."""
    if rank == 0:
        return _d.bool
    if rank == 1:
        return default_int(device)
    return default_float(device) if rank == 2 else _d.complex64
