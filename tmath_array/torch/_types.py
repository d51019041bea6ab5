"""PyTorch's dtype names, ``torch.device``, ``torch.Size`` and the default dtype.

``torch.float32`` stands for ``tmath_array.float32`` (equal to it, accepted by every
namespace function) and prints as ``torch.float32``. Tensors keep the tmath dtype inside;
``t.dtype`` shows the torch one.
"""

from __future__ import annotations

import builtins

import mlx.core as mx

from .._array import devices as _devices
from .._array import dtypes as _d


class dtype(_d.DType):  # noqa: N801 - PyTorch's name
    """``torch.float32`` and friends: a tmath dtype that prints as PyTorch's.

    It equals (and hashes as) the tmath dtype it stands for, so ``t.dtype ==
    tmath_array.float32`` holds and namespace functions accept it as ``dtype=``.
    """

    __slots__ = ("_canon",)

    def __init__(self, canon: _d.DType) -> None:
        super().__init__(canon.name, canon._mx)
        self._canon = canon

    def __eq__(self, other) -> builtins.bool:
        if isinstance(other, _d.DType):
            return self._canon is _d.as_dtype(other)
        if isinstance(other, mx.Dtype):
            return self._mx == other
        return False

    def __hash__(self) -> builtins.int:
        return hash(self._canon)

    def __repr__(self) -> str:
        return "torch." + self.name

    def __reduce__(self):
        return (_torch_dtype, (self.name,))

    @property
    def is_floating_point(self) -> builtins.bool:
        return self._canon in FLOATING

    @property
    def is_complex(self) -> builtins.bool:
        return self._canon in COMPLEX

    @property
    def is_signed(self) -> builtins.bool:
        return self._canon not in (_d.bool, _d.uint8, _d.uint16, _d.uint32, _d.uint64)

    @property
    def itemsize(self) -> builtins.int:
        return self._mx.size

    def to_real(self):
        return float32 if self._canon is _d.complex64 else self

    def to_complex(self):
        return complex64


FLOATING = frozenset((_d.float16, _d.bfloat16, _d.float32, _d.float64))
COMPLEX = frozenset((_d.complex64,))
TORCH = {d: dtype(d) for d in _d.NAMES}


def _torch_dtype(name: str):
    return TORCH[getattr(_d, name)]


float32 = float = TORCH[_d.float32]  # noqa: A001 - PyTorch's names
float64 = double = TORCH[_d.float64]
float16 = half = TORCH[_d.float16]
bfloat16 = TORCH[_d.bfloat16]
complex64 = cfloat = TORCH[_d.complex64]
int8 = TORCH[_d.int8]
int16 = short = TORCH[_d.int16]
int32 = int = TORCH[_d.int32]  # noqa: A001
int64 = long = TORCH[_d.int64]
uint8 = TORCH[_d.uint8]
uint16 = TORCH[_d.uint16]
uint32 = TORCH[_d.uint32]
uint64 = TORCH[_d.uint64]
bool = TORCH[_d.bool]  # noqa: A001

INTEGRAL = _d.CATEGORIES["integer"]

# PyTorch's scalar-type names, as in ``torch.FloatTensor`` (error messages, x.type()).
TENSOR_TYPE = {
    _d.float32: "torch.FloatTensor", _d.float64: "torch.DoubleTensor",
    _d.float16: "torch.HalfTensor", _d.bfloat16: "torch.BFloat16Tensor",
    _d.int8: "torch.CharTensor", _d.int16: "torch.ShortTensor", _d.int32: "torch.IntTensor",
    _d.int64: "torch.LongTensor", _d.uint8: "torch.ByteTensor", _d.bool: "torch.BoolTensor",
    _d.complex64: "torch.ComplexFloatTensor", _d.uint16: "torch.UInt16Tensor",
    _d.uint32: "torch.UInt32Tensor", _d.uint64: "torch.UInt64Tensor",
}


def dtype_str(dt) -> str:
    return "torch." + _d.NAMES[dt]


_default = [_d.float32]


def get_default_dtype():
    """The dtype of floating tensors made from Python floats (float32 at start)."""
    return TORCH[_default[0]]


def default_float():
    return _default[0]


def set_default_dtype(d) -> None:
    """Set the default floating dtype (float16, bfloat16, float32 or float64), as PyTorch."""
    d = _d.as_dtype(d)
    if d not in FLOATING:
        raise TypeError(f"only floating-point types are supported as the default type; got {d!r}")
    _default[0] = d


def category(dt) -> builtins.int:
    """0 bool, 1 integer, 2 real floating, 3 complex (PyTorch's promotion categories)."""
    if dt is _d.bool:
        return 0
    if dt in INTEGRAL:
        return 1
    if dt in FLOATING:
        return 2
    return 3


def promote(d1, d2):
    """PyTorch's ``torch.promote_types``: the higher category wins, else the standard's table."""
    d1, d2 = _d.as_dtype(d1), _d.as_dtype(d2)
    if d1 is None or d2 is None:
        raise TypeError("promote_types(): arguments must be torch.dtype")
    if d1 is d2:
        return d1
    c1, c2 = category(d1), category(d2)
    if c1 != c2:
        return d1 if c1 > c2 else d2
    try:
        return _d.promote_types(d1, d2, "promote_types")
    except TypeError:
        raise RuntimeError(f"Promotion for {dtype_str(d1)} and {dtype_str(d2)} types is not "
                           "supported") from None


def scalar_dtype(v):
    """The dtype a Python scalar takes alone (PyTorch's wrapped numbers)."""
    if isinstance(v, builtins.bool):
        return _d.bool
    if isinstance(v, builtins.int):
        return _d.int64
    if isinstance(v, builtins.float):
        return _default[0]
    return _d.complex64


class device:  # noqa: N801 - PyTorch's name
    """``torch.device("cpu")``, ``torch.device("mps")``, ``torch.device("cuda", 0)``.

    ``"mps"`` and ``"cuda"`` both name MLX's GPU (Metal on Apple silicon); making the
    object always works, as in PyTorch; a tensor on it needs a build with a GPU.
    """

    __slots__ = ("type", "index")

    def __init__(self, type, index=None) -> None:  # noqa: A002
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if isinstance(type, _devices.Device):
            type = "cpu" if type.type == "cpu" else "mps"  # noqa: A001
        if not isinstance(type, str):
            raise TypeError(f"device(): expected a string, got {builtins.type(type).__name__}")
        t, _, i = type.partition(":")
        if t not in ("cpu", "cuda", "mps", "gpu"):
            raise RuntimeError(f"Expected one of cpu, cuda, mps device type at start of "
                               f"device string: {type}")
        if i:
            if index is not None:
                raise RuntimeError("device(): the index is given twice")
            if not i.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = builtins.int(i)
        self.type = t
        self.index = index

    def __eq__(self, other) -> builtins.bool:
        if isinstance(other, str):
            other = device(other)
        if not isinstance(other, device):
            return NotImplemented
        return self.type == other.type and self.index == other.index

    def __hash__(self) -> builtins.int:
        return hash((self.type, self.index))

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __enter__(self):
        raise RuntimeError("using a torch.device as a context manager is not supported; "
                           "pass device= to the creation functions")

    def __exit__(self, *exc):
        return False


def gpu_available() -> builtins.bool:
    return mx.is_available(mx.gpu)


def to_mlx_device(dev) -> _devices.Device:
    """A ``device=`` argument (None, str, torch.device, tmath Device) as a tmath Device."""
    if dev is None:
        return _devices.default_device()
    if isinstance(dev, _devices.Device):
        return _devices.to_device(dev)
    if isinstance(dev, builtins.int):
        dev = device("cuda", dev)
    d = dev if isinstance(dev, device) else device(dev)
    if d.type == "cpu":
        return _devices.CPU
    if d.index not in (None, 0):
        raise RuntimeError(f"device {d}: MLX has one GPU (index 0)")
    if not gpu_available():
        raise RuntimeError(f"device '{d}' means MLX's GPU, and this MLX build has none "
                           "(torch.cuda.is_available() and torch.backends.mps.is_available() "
                           "are False here); use 'cpu'")
    return _devices.to_device("gpu")


def from_mlx_device(dev: _devices.Device) -> device:
    # Note: MLX's GPU shows as "mps" (Apple's Metal), whatever name made the tensor.
    return _CPU if dev.type == "cpu" else _MPS


_CPU = device("cpu")
_MPS = device("mps", 0)


class Size(tuple):
    """``torch.Size``: a tuple of ints that prints as ``torch.Size([2, 3])``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"torch.Size({list(self)})"

    def numel(self) -> builtins.int:
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, key):
        r = tuple.__getitem__(self, key)
        return Size(r) if isinstance(key, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))
