"""Interop: DLPack both ways, NumPy's protocols and PyTorch tensors on every device.

Zero-copy claims are checked by comparing data pointers; copies by pointers that
differ and by writes that do not show through. CUDA and MPS tensors are played by
``FakeDeviceTensor``: a CPU tensor that reports another device the way a real one
does (``device``, ``__dlpack_device__``, a capsule tagged with that device, and the
TypeError ``.numpy()`` raises).
"""

from __future__ import annotations

import ctypes
import subprocess
import sys

import mlx.core as mx
import numpy as np
import pytest
import torch
from helpers import ALL_DTYPE_NAMES, assert_array_equal, xp_dtype
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tmath_array as xp
from tmath_array._array import devices as _devices
from tmath_array._interop import numpy_dlpack as _interop
from tmath_array._runtime import lazy as _lazy

TORCH_DTYPES = {
    "bool": torch.bool, "int8": torch.int8, "int16": torch.int16, "int32": torch.int32,
    "int64": torch.int64, "uint8": torch.uint8, "uint16": torch.uint16,
    "uint32": torch.uint32, "uint64": torch.uint64, "float16": torch.float16,
    "bfloat16": torch.bfloat16, "float32": torch.float32, "float64": torch.float64,
    "complex64": torch.complex64,
}


def ptr(a) -> int:
    """The address of element 0 of a NumPy array or a tensor."""
    if isinstance(a, torch.Tensor):
        return a.data_ptr()
    return a.__array_interface__["data"][0]


def sample(name: str, shape=(2, 3)) -> np.ndarray:
    """Small distinct values of a dtype (float32 stands in for bfloat16)."""
    n = int(np.prod(shape))
    if name == "bool":
        return (np.arange(n) % 2 == 0).reshape(shape)
    if name == "complex64":
        return (np.arange(n) + 1j * np.arange(n)[::-1]).astype(np.complex64).reshape(shape)
    return np.arange(n).astype("float32" if name == "bfloat16" else name).reshape(shape)


def tensor_of(name: str, shape=(2, 3)) -> torch.Tensor:
    return torch.from_numpy(sample(name, shape).copy()).to(TORCH_DTYPES[name])


def values(x) -> np.ndarray:
    """An Array's values as NumPy (bfloat16 through float32)."""
    if x.dtype == xp.bfloat16:
        x = xp.astype(x, xp.float32)
    return np.asarray(x)


# --- stand-ins for CUDA and MPS tensors ---------------------------------------------

class _DLDevice(ctypes.Structure):
    _fields_ = [("device_type", ctypes.c_int32), ("device_id", ctypes.c_int32)]


class _DLTensor(ctypes.Structure):
    # The head of DLManagedTensor (DLPack 0.x): its DLTensor.
    _fields_ = [("data", ctypes.c_void_p), ("device", _DLDevice)]


def _capsule_device(capsule) -> tuple[int, int]:
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype, get.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    dev = _DLTensor.from_address(get(capsule, b"dltensor")).device
    return dev.device_type, dev.device_id


def _retag(capsule, device_type: int):
    """Mark a capsule's DLTensor as living on ``device_type``, as a device tensor's is."""
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype, get.argtypes = ctypes.c_void_p, [ctypes.py_object, ctypes.c_char_p]
    _DLTensor.from_address(get(capsule, b"dltensor")).device.device_type = device_type
    return capsule


class FakeDeviceTensor(torch.Tensor):
    """A tensor that behaves, at the interop boundary, like one on a CUDA or MPS device.

    Its data sits in host memory, but nothing that reads it as host memory works:
    ``.numpy()`` and ``__array__`` raise PyTorch's TypeError, and a plain DLPack
    capsule is tagged with the device (NumPy then refuses it, as it would a real
    one). Host copies come only from ``to("cpu")``/``cpu()`` or
    ``__dlpack__(dl_device=(1, 0))``, as with PyTorch >= 2.9. ``log`` records them.
    """

    kind = "mps"
    dl_type = 8  # kDLMetal
    dlpack_to_host = True  # whether __dlpack__ honours dl_device=(1, 0)
    log: list = []

    @property
    def device(self):
        return torch.device(self.kind, 0)

    @property
    def is_cuda(self):
        return self.kind == "cuda"

    @property
    def is_mps(self):
        return self.kind == "mps"

    def numpy(self, *, force=False):
        raise TypeError(f"can't convert {self.kind}:0 device type tensor to numpy. Use "
                        "Tensor.cpu() to copy the tensor to host memory first.")

    def __array__(self, dtype=None, copy=None):
        return self.numpy()

    def __dlpack_device__(self):
        return (self.dl_type, 0)

    def _plain(self) -> torch.Tensor:
        return torch.Tensor.as_subclass(self, torch.Tensor)

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        plain = self._plain()
        if plain.requires_grad:
            raise BufferError("Can't export tensors that require gradient, use tensor.detach()")
        if plain.is_conj():
            raise BufferError("Can't export tensors with the conjugate bit set")
        if dl_device is not None and tuple(dl_device) != (self.dl_type, 0):
            if not self.dlpack_to_host or tuple(dl_device) != (1, 0):
                raise BufferError(f"cannot export to {dl_device}")
            if copy is False:
                raise BufferError("a copy to the host is needed")
            self.log.append("dlpack-to-host")
            return plain.clone().__dlpack__()
        self.log.append("dlpack-on-device")
        return _retag(plain.__dlpack__(), self.dl_type)

    def to(self, *args, **kwargs):
        target = args[0] if args else kwargs.get("device")
        if str(target) == "cpu":
            self.log.append("to-cpu")
            return self._plain().clone()
        return super().to(*args, **kwargs)

    def cpu(self):
        return self.to("cpu")


class FakeMPS(FakeDeviceTensor):
    kind, dl_type = "mps", 8


class FakeCUDA(FakeDeviceTensor):
    kind, dl_type = "cuda", 2


class FakeOldMPS(FakeMPS):
    """An MPS tensor of a PyTorch whose __dlpack__ cannot copy to the host."""

    dlpack_to_host = False


FAKES = [FakeMPS, FakeCUDA, FakeOldMPS]


@pytest.fixture(autouse=True)
def _clear_fake_log():
    FakeDeviceTensor.log.clear()
    yield


def on_device(t: torch.Tensor, cls):
    return t.as_subclass(cls)


@pytest.fixture
def with_gpu(monkeypatch):
    """Pretend MLX has a GPU device (for checks that fail before any GPU work)."""
    gpu = _devices.Device("gpu")
    monkeypatch.setattr(_devices, "available_devices", lambda: (_devices.CPU, gpu))
    return gpu


# --- the stand-ins are faithful ---------------------------------------------------------

@pytest.mark.parametrize("cls", FAKES)
def test_fake_device_tensors_refuse_host_reads_as_real_ones_do(cls):
    t = on_device(torch.arange(3.0), cls)
    assert t.device.type == cls.kind
    assert t.detach().device.type == cls.kind
    assert isinstance(t, torch.Tensor)
    msg = (f"can't convert {cls.kind}:0 device type tensor to numpy. Use Tensor.cpu() to "
           "copy the tensor to host memory first.")
    with pytest.raises(TypeError) as info:
        t.numpy()
    assert str(info.value) == msg
    with pytest.raises(TypeError, match="device type tensor to numpy"):
        np.asarray(t)  # what the old engine did
    assert _capsule_device(t.__dlpack__()) == (cls.dl_type, 0)
    with pytest.raises((RuntimeError, BufferError)):
        np.from_dlpack(t)  # a device capsule is not host memory
    assert t.to("cpu").device.type == "cpu"


# --- DLPack out --------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL_DTYPE_NAMES)
def test_dlpack_device_is_cpu(name):
    x = xp.zeros(3, dtype=xp_dtype(name))
    assert x.__dlpack_device__() == (1, 0)


@pytest.mark.parametrize("name", ALL_DTYPE_NAMES)
def test_dlpack_to_torch_is_zero_copy_for_every_dtype(name):
    x = xp.asarray(sample(name), dtype=xp_dtype(name))
    t = torch.from_dlpack(x)
    assert t.dtype == TORCH_DTYPES[name]
    np.testing.assert_array_equal(t.to(torch.float32 if name == "bfloat16" else t.dtype),
                                  values(x))
    assert ptr(torch.from_dlpack(x)) == ptr(t)  # two exports share one buffer
    t2 = torch.from_dlpack(x.__dlpack__(copy=True))
    assert ptr(t2) != ptr(t)
    assert torch.equal(t2, t)


def test_dlpack_export_shares_memory_with_numpy_export():
    x = xp.reshape(xp.arange(12, dtype=xp.float32), (3, 4)) * 2
    t = torch.from_dlpack(x)
    n = np.asarray(x)
    assert ptr(t) == ptr(n)
    t[0, 0] = -1.0  # one buffer: the write shows everywhere
    assert n[0, 0] == -1.0
    assert float(x[0, 0]) == -1.0


def test_dlpack_copy_true_is_independent():
    x = xp.arange(4, dtype=xp.float32)
    t = torch.from_dlpack(x.__dlpack__(copy=True))
    t[0] = 100.0
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0]


def test_dlpack_copy_false_is_zero_copy():
    x = xp.arange(4, dtype=xp.int64)
    assert ptr(torch.from_dlpack(x.__dlpack__(copy=False))) == ptr(np.asarray(x))


def test_dlpack_export_is_one_counted_sync_point():
    x = xp.arange(5, dtype=xp.float32) + 1.0
    assert _lazy.counts() == {}
    capsule = x.__dlpack__()
    assert _lazy.counts() == {"export": 1}
    np.testing.assert_array_equal(np.from_dlpack(_Producer(capsule)), [1, 2, 3, 4, 5])


@pytest.mark.parametrize("key", [(slice(None), slice(None, None, 2)), (slice(1, None),),
                                 (slice(None, None, 2), slice(1, 3))])
def test_dlpack_strided_views_stay_zero_copy(key):
    base = xp.reshape(xp.arange(20, dtype=xp.float32), (4, 5))
    x = base[key]
    t = torch.from_dlpack(x)
    np.testing.assert_array_equal(t.numpy(), np.arange(20, dtype=np.float32).reshape(4, 5)[key])
    assert ptr(t) == ptr(np.asarray(x))


def test_dlpack_transposed_keeps_strides():
    x = xp.reshape(xp.arange(6, dtype=xp.int32), (2, 3)).T
    t = torch.from_dlpack(x)
    assert t.stride() == (1, 3)
    np.testing.assert_array_equal(t.numpy(), np.arange(6).reshape(2, 3).T)


def test_dlpack_negative_strides_are_made_contiguous():
    # PyTorch aborts the whole process on a DLPack tensor with negative strides.
    x = xp.reshape(xp.arange(6, dtype=xp.float32), (2, 3))[::-1, ::-1]
    t = torch.from_dlpack(x)
    assert all(s > 0 for s in t.stride())
    np.testing.assert_array_equal(t.numpy(), np.arange(6).reshape(2, 3)[::-1, ::-1])
    assert _lazy.counts() == {"export": 2}  # the array, then its contiguous copy
    with pytest.raises(BufferError):
        x.__dlpack__(copy=False)
    with pytest.raises(ValueError):  # the same error is a ValueError too
        x.__dlpack__(copy=False)
    np.testing.assert_array_equal(torch.from_dlpack(x.__dlpack__(copy=True)).numpy(),
                                  np.arange(6).reshape(2, 3)[::-1, ::-1])


@given(a=hnp.arrays(st.sampled_from([np.int16, np.float32, np.complex64, np.bool_]),
                    hnp.array_shapes(min_dims=1, max_dims=3, max_side=5)),
       data=st.data())
def test_dlpack_export_of_any_view(a, data):
    """Offsets, steps and negative steps reach NumPy and PyTorch as NumPy sees them."""
    key = tuple(data.draw(st.slices(n)) for n in a.shape)
    x = xp.asarray(a)[key]
    np.testing.assert_array_equal(np.from_dlpack(x), a[key])
    t = torch.from_dlpack(x)
    assert all(s >= 0 for s in t.stride())
    np.testing.assert_array_equal(t.numpy(), a[key])


def test_dlpack_export_from_an_accelerator(monkeypatch):
    # An array on a Metal device (MLX on a Mac): dl_device=(1, 0) still reaches the CPU.
    monkeypatch.setattr(_interop, "dlpack_device", lambda x: (8, 0))
    x = xp.asarray([1.0, 2.0])
    assert x.__dlpack_device__() == (8, 0)
    assert _capsule_device(x.__dlpack__(dl_device=(1, 0))) == (1, 0)
    assert np.from_dlpack(x, device="cpu").tolist() == [1.0, 2.0]
    assert xp.to_torch(x).tolist() == [1.0, 2.0]  # to_torch asks for the CPU itself
    with pytest.raises(BufferError):
        x.__dlpack__(dl_device=(2, 0))
    with pytest.raises(BufferError):  # its own device: this MLX has no Metal to export to
        x.__dlpack__()


def test_dlpack_negative_strides_bfloat16():
    x = xp.asarray([1.0, 2.0, 3.0], dtype=xp.bfloat16)[::-1]
    assert torch.from_dlpack(x).tolist() == [3.0, 2.0, 1.0]


def test_dlpack_broadcast_export_keeps_zero_strides():
    x = xp.full((3, 4), 2.5)
    t = torch.from_dlpack(x)
    assert t.stride() == (0, 0)
    assert t.tolist() == [[2.5] * 4] * 3


@pytest.mark.parametrize("shape", [(), (0,), (2, 0, 3)])
def test_dlpack_zero_dim_and_empty(shape):
    x = xp.ones(shape, dtype=xp.int16)
    t = torch.from_dlpack(x)
    assert tuple(t.shape) == shape
    assert np.from_dlpack(x).shape == shape


@pytest.mark.parametrize("dl_device", [(1, 0), [1, 0], (np.int64(1), 0)])
def test_dlpack_dl_device_cpu(dl_device):
    x = xp.asarray([1.0, 2.0])
    capsule = x.__dlpack__(dl_device=dl_device)
    assert _capsule_device(capsule) == (1, 0)
    assert np.from_dlpack(x, device="cpu").tolist() == [1.0, 2.0]


@pytest.mark.parametrize("dl_device", [(2, 0), (8, 0), (1, 1), (10, 0)])
def test_dlpack_dl_device_unsupported_is_buffer_error(dl_device):
    with pytest.raises(BufferError):
        xp.asarray([1.0]).__dlpack__(dl_device=dl_device)


@pytest.mark.parametrize("dl_device", ["cpu", (1,), (1, 0, 0), 1])
def test_dlpack_dl_device_malformed_is_value_error(dl_device):
    with pytest.raises(ValueError):
        xp.asarray([1.0]).__dlpack__(dl_device=dl_device)


def test_dlpack_stream_on_cpu():
    x = xp.asarray([1.0])
    x.__dlpack__(stream=None)
    x.__dlpack__(stream=-1)
    for stream in (0, 1, 2, 12345):
        with pytest.raises(ValueError):
            x.__dlpack__(stream=stream)
    # (found by tools/fuzz: an empty tensor as stream made "stream != -1" a tensor, whose
    # truth value PyTorch refuses with a RuntimeError)
    for stream in (torch.zeros((4, 0)), np.zeros(2), "0", 1.0, True):
        with pytest.raises(TypeError, match="stream must be None or an int"):
            x.__dlpack__(stream=stream)


@pytest.mark.parametrize("max_version", [None, (0, 8), (1, 0), (1, 2), (2, 0)])
def test_dlpack_max_version(max_version):
    capsule = xp.asarray([3, 4]).__dlpack__(max_version=max_version)
    # MLX makes DLPack 0.x capsules; the standard lets the producer choose the version.
    assert _capsule_device(capsule) == (1, 0)


@pytest.mark.parametrize("bad", [{"max_version": "1.0"}, {"max_version": (1,)},
                                 {"copy": "yes"}])
def test_dlpack_bad_arguments(bad):
    with pytest.raises(ValueError):
        xp.asarray([1.0]).__dlpack__(**bad)


# --- DLPack in ---------------------------------------------------------------------------

class _Producer:
    """A minimal DLPack producer on the CPU, around a capsule or an exporter."""

    def __init__(self, source, device=(1, 0)):
        self.source = source
        self.device = device
        self.calls: list = []

    def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
        self.calls.append(dl_device)
        if hasattr(self.source, "__dlpack__"):
            return self.source.__dlpack__()
        return self.source

    def __dlpack_device__(self):
        return self.device


@pytest.mark.parametrize("name", [n for n in ALL_DTYPE_NAMES if n != "bfloat16"])
def test_from_dlpack_numpy_every_dtype(name):
    a = sample(name)
    x = xp.from_dlpack(a)
    assert_array_equal(x, a)
    assert x.device == xp.Device("cpu")


def test_from_dlpack_numpy_float64_stays_float64():
    a = np.array([1.0, 1.0 + 2.0**-40])
    x = xp.from_dlpack(a)
    assert x.dtype == xp.float64
    assert float(x[1]) - 1.0 == 2.0**-40


def test_from_dlpack_is_a_copy():
    a = np.arange(4, dtype=np.float32)
    x = xp.from_dlpack(a)
    y = xp.from_dlpack(a, copy=True)
    a[0] = 10.0
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert y.tolist() == [0.0, 1.0, 2.0, 3.0]


@pytest.mark.parametrize("obj", [np.arange(3), torch.arange(3),
                                 _Producer(np.arange(3, dtype=np.int8))])
def test_from_dlpack_copy_false_on_foreign_data_raises(obj):
    with pytest.raises(BufferError):
        xp.from_dlpack(obj, copy=False)
    with pytest.raises(ValueError):
        xp.from_dlpack(obj, copy=False)


def test_from_dlpack_tmath_and_mlx_arrays_are_reused():
    x = xp.asarray([1, 2, 3])
    assert xp.from_dlpack(x) is x
    assert xp.from_dlpack(x, copy=False) is x
    y = xp.from_dlpack(x, copy=True)
    y[0] = 9
    assert x.tolist() == [1, 2, 3]
    m = mx.array([1.5, 2.5])
    z = xp.from_dlpack(m, copy=False)
    assert z.__mlx_array__() is m
    assert z.dtype == xp.float32


def test_from_dlpack_generic_producer():
    p = _Producer(np.arange(6, dtype=np.uint16).reshape(2, 3))
    assert_array_equal(xp.from_dlpack(p), np.arange(6, dtype=np.uint16).reshape(2, 3))


def test_from_dlpack_bfloat16_producer_numpy_cannot_read():
    p = _Producer(torch.tensor([1.5, -2.0], dtype=torch.bfloat16))
    x = xp.from_dlpack(p)
    assert x.dtype == xp.bfloat16
    assert values(x).tolist() == [1.5, -2.0]
    y = xp.asarray(p, dtype=xp.float32)
    assert y.dtype == xp.float32 and y.tolist() == [1.5, -2.0]


def test_from_dlpack_producer_on_another_device_copies_to_host():
    class DeviceProducer(_Producer):
        def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
            self.calls.append(dl_device)
            if dl_device is None or tuple(dl_device) != (1, 0):
                return _retag(np.arange(3.0).__dlpack__(), 2)
            return np.arange(3.0).__dlpack__()

    p = DeviceProducer(None, device=(2, 0))
    x = xp.from_dlpack(p, device="cpu")
    assert x.tolist() == [0.0, 1.0, 2.0]
    assert p.calls[-1] == (1, 0)  # asked for host memory
    assert xp.from_dlpack(p).device == xp.Device("cpu")  # no MLX GPU here


def test_from_dlpack_producer_that_cannot_reach_the_host():
    class Stuck(_Producer):
        def __dlpack__(self, *, stream=None, max_version=None, dl_device=None, copy=None):
            if dl_device is not None:
                raise BufferError("no host copies here")
            return _retag(np.arange(3.0).__dlpack__(), 2)

    with pytest.raises(BufferError, match="host memory"):
        xp.from_dlpack(Stuck(None, device=(2, 0)))


@pytest.mark.parametrize("obj", [[1, 2], 3.0, "ab", np.float64(1.0)])
def test_from_dlpack_without_dlpack_is_attribute_error(obj):
    with pytest.raises(AttributeError):
        xp.from_dlpack(obj)


def test_from_dlpack_device_argument():
    assert xp.from_dlpack(np.arange(3), device="cpu").device == xp.Device("cpu")
    with pytest.raises(ValueError):
        xp.from_dlpack(np.arange(3), device="tpu")


def test_from_dlpack_float64_for_the_gpu_is_a_clear_error(with_gpu):
    with pytest.raises(TypeError, match="float64"):
        xp.from_dlpack(np.arange(3.0), device=with_gpu)
    with pytest.raises(TypeError, match="float64"):
        xp.from_dlpack(torch.arange(3.0, dtype=torch.float64), device="gpu")
    with pytest.raises(TypeError, match="float64"):
        xp.from_dlpack(on_device(torch.arange(3.0, dtype=torch.float64), FakeCUDA))
    assert FakeDeviceTensor.log == []  # refused before any transfer
    with pytest.raises(TypeError, match="float64"):
        xp.asarray(np.arange(3.0), dtype=xp.float64, device="gpu")
    with pytest.raises(TypeError, match="float64"):
        xp.asarray(torch.arange(3.0), dtype=xp.float64, device="gpu")


# --- NumPy -------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [n for n in ALL_DTYPE_NAMES if n != "bfloat16"])
def test_numpy_asarray_is_zero_copy(name):
    x = xp.asarray(sample(name), dtype=xp_dtype(name))
    a, b = np.asarray(x), np.asarray(x)
    assert ptr(a) == ptr(b)
    assert a.dtype == np.dtype(name)
    assert ptr(np.asarray(x, copy=False)) == ptr(a)
    assert ptr(np.array(x, copy=False)) == ptr(a)
    c = np.array(x)  # NumPy's default copy=True
    assert ptr(c) != ptr(a)
    assert c.flags.writeable and c.flags.owndata
    np.testing.assert_array_equal(c, a)


def test_numpy_asarray_is_one_conversion_sync_point():
    x = xp.arange(3) * 2
    np.asarray(x)
    assert _lazy.counts() == {"conversion": 1}


def test_numpy_view_aliases_the_array_and_copy_does_not():
    x = xp.zeros(3, dtype=xp.float32) + 1.0
    view = np.asarray(x)
    copy = np.array(x, copy=True)
    view[0] = 5.0
    copy[1] = 7.0
    assert x.tolist() == [5.0, 1.0, 1.0]


@pytest.mark.parametrize("name", ["float32", "bfloat16"])
def test_numpy_view_survives_an_update_that_reallocates(name):
    # x[i] = v on a broadcast gives x a new buffer; the old one must live on under the
    # NumPy view (raw MLX frees it, and the view then reads reused memory).
    n = 1 << 20
    dtype = xp_dtype(name)
    x = xp.broadcast_to(xp.arange(n, dtype=dtype) + 0.0, (2, n))
    view = np.asarray(x)
    x[0, 0] = 5
    xp.eval(x)  # the update runs: x now has a buffer of its own
    keep = [mx.full((n,), 123.0 + i, dtype=dtype._mx) for i in range(30)]
    mx.eval(keep)
    assert view[0, :4].astype(np.float32).tolist() == [0.0, 1.0, 2.0, 3.0]
    assert view[1, 100].astype(np.float32) == 100.0
    assert values(x)[:, :2].tolist() == [[5.0, 1.0], [0.0, 1.0]]


def test_dlpack_export_survives_an_update_that_reallocates():
    n = 1 << 20
    x = xp.broadcast_to(xp.arange(n, dtype=xp.float32) + 0.0, (2, n))
    t = xp.to_torch(x)
    x[0, 0] = 5
    xp.eval(x)
    keep = [mx.full((n,), 123.0 + i) for i in range(30)]
    mx.eval(keep)
    assert t[0, :4].tolist() == [0.0, 1.0, 2.0, 3.0]


def test_numpy_dtype_argument():
    x = xp.asarray([1, 2, 3], dtype=xp.int32)
    a = np.asarray(x, dtype=np.float64)
    assert a.dtype == np.float64 and a.tolist() == [1.0, 2.0, 3.0]
    assert np.asarray(x, dtype=np.int32).dtype == np.int32
    with pytest.raises(ValueError):
        np.asarray(x, dtype=np.float64, copy=False)
    with pytest.raises(ValueError):
        np.array(x, dtype=np.int64, copy=False)
    with pytest.raises(ValueError):
        x.__array__(copy="no")


def test_numpy_broadcast_export_is_read_only():
    a = np.asarray(xp.full((2, 3), 1.5))
    assert not a.flags.writeable
    with pytest.raises(ValueError):
        a[0, 0] = 2.0
    assert np.array(xp.full((2, 3), 1.5)).flags.writeable  # a copy is a plain array


def test_numpy_bfloat16_with_ml_dtypes_is_zero_copy():
    import ml_dtypes  # a test dependency (pyproject's "test" extra), optional for users
    x = xp.asarray([[1.5, -2.0, 3.25]], dtype=xp.bfloat16).T
    a = np.asarray(x)
    assert a.dtype == ml_dtypes.bfloat16
    assert a.astype(np.float32).tolist() == [[1.5], [-2.0], [3.25]]
    assert ptr(np.asarray(x)) == ptr(a) == ptr(torch.from_dlpack(x))
    c = np.array(x, copy=True)
    assert c.dtype == ml_dtypes.bfloat16 and ptr(c) != ptr(a)
    f = np.asarray(x, dtype=np.float32)
    assert f.dtype == np.float32 and f.ravel().tolist() == [1.5, -2.0, 3.25]
    back = xp.asarray(a)  # and back in
    assert back.dtype == xp.bfloat16
    assert values(back).ravel().tolist() == [1.5, -2.0, 3.25]


def test_numpy_bfloat16_without_ml_dtypes_says_what_to_do(monkeypatch):
    monkeypatch.setitem(sys.modules, "ml_dtypes", None)  # import ml_dtypes -> ImportError
    x = xp.asarray([1.0], dtype=xp.bfloat16)
    with pytest.raises(TypeError, match="ml_dtypes") as info:
        np.asarray(x)
    assert "astype" in str(info.value)
    np.testing.assert_array_equal(np.asarray(xp.astype(x, xp.float32)), [1.0])
    for dtype in (np.float32, np.float64, np.int8):  # a conversion NumPy can hold works
        a = np.asarray(x, dtype=dtype)
        assert a.dtype == dtype and a.tolist() == [1]
    with pytest.raises(ValueError):
        np.asarray(x, dtype=np.float32, copy=False)
    assert torch.from_dlpack(x).dtype == torch.bfloat16  # DLPack needs no ml_dtypes


def test_asarray_numpy_float64_stays_on_cpu():
    a = np.array([0.1, 1e-300])
    x = xp.asarray(a)
    assert x.dtype == xp.float64 and x.device == xp.Device("cpu")
    np.testing.assert_array_equal(np.asarray(x), a)


@pytest.mark.parametrize("scalar", [np.float64(0.1), np.float32(2.5), np.int8(-3),
                                    np.uint64(2**64 - 1), np.bool_(True), np.complex64(1 - 2j),
                                    np.complex128(3 + 4j), np.float16(0.5)])
def test_asarray_numpy_scalars_keep_their_dtype(scalar):
    x = xp.asarray(scalar)
    assert x.shape == ()
    want = "complex64" if np.dtype(scalar.dtype).kind == "c" else np.dtype(scalar.dtype).name
    assert x.dtype == xp_dtype(want)
    assert x.tolist() == scalar.item()


def test_asarray_numpy_zero_dim():
    x = xp.asarray(np.array(7, dtype=np.int16))
    assert x.shape == () and x.dtype == xp.int16 and int(x) == 7


@given(a=hnp.arrays(hnp.scalar_dtypes().filter(lambda d: d.kind in "biuf" and d.itemsize <= 8),
                    hnp.array_shapes(min_dims=1, max_dims=3, max_side=5)),
       data=st.data())
def test_asarray_numpy_views(a, data):
    """Any slicing (negative steps included) of any layout imports as NumPy reads it."""
    key = tuple(data.draw(st.slices(n)) for n in a.shape)
    order = data.draw(st.permutations(range(a.ndim)))
    v = a.transpose(order)[key[: a.ndim]]
    x = xp.asarray(v)
    got = np.asarray(x)
    np.testing.assert_array_equal(got, v)
    assert got.dtype == v.dtype.newbyteorder("=")


def test_asarray_numpy_negative_stride_on_length_one_axis():
    a = np.arange(4.0).reshape(1, 4)[::-1, ::-1]
    np.testing.assert_array_equal(np.asarray(xp.asarray(a)), a)


def test_asarray_numpy_sparse_view_copies_only_its_data():
    a = np.arange(1_000_000, dtype=np.float32)
    v = a[::1000]
    x = xp.asarray(v)
    np.testing.assert_array_equal(np.asarray(x), v)
    # Only the selected elements are copied, not the span they live in.
    assert x.__mlx_array__().nbytes == v.nbytes


def test_asarray_numpy_broadcast_input():
    v = np.broadcast_to(np.arange(3, dtype=np.int32), (4, 3))
    x = xp.asarray(v)
    np.testing.assert_array_equal(np.asarray(x), v)
    x[0, 0] = 10  # a write changes one element only
    assert x.tolist()[1] == [0, 1, 2]


# --- PyTorch -----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL_DTYPE_NAMES)
@pytest.mark.parametrize("convert", [xp.asarray, xp.from_dlpack], ids=["asarray", "from_dlpack"])
def test_torch_cpu_every_dtype(name, convert):
    t = tensor_of(name)
    x = convert(t)
    assert x.dtype == xp_dtype(name)
    assert x.device == xp.Device("cpu")
    np.testing.assert_array_equal(values(x), t.to(torch.float32).numpy() if name == "bfloat16"
                                  else t.numpy())


def test_torch_complex128_becomes_complex64():
    t = torch.tensor([1 + 2j, -3j], dtype=torch.complex128)
    x = xp.asarray(t)
    assert x.dtype == xp.complex64 and x.tolist() == [1 + 2j, -3j]


@pytest.mark.parametrize("dtype", [torch.complex32, torch.float8_e4m3fn])
@pytest.mark.filterwarnings("ignore:ComplexHalf support is experimental")
def test_torch_dtype_mlx_lacks_is_type_error(dtype):
    t = torch.zeros(2, dtype=torch.float32).to(dtype)
    with pytest.raises(TypeError, match="no tmath_array equivalent"):
        xp.asarray(t)


def test_torch_tensor_is_copied_in():
    t = torch.arange(4, dtype=torch.float32)
    x = xp.asarray(t)
    t[0] = 10.0
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0]
    with pytest.raises(ValueError):
        xp.asarray(t, copy=False)


def test_torch_requires_grad():
    t = torch.tensor([1.0, 2.0], requires_grad=True) * 3
    for x in (xp.asarray(t), xp.from_dlpack(t)):
        assert x.tolist() == [3.0, 6.0]
    assert t.requires_grad  # the tensor itself is left alone


@pytest.mark.parametrize("make", [lambda t: t.T, lambda t: t[:, ::2], lambda t: t[1:, 1:],
                                  lambda t: t.expand(3, 2, 4)[:, 0],
                                  lambda t: t.unsqueeze(0).expand(2, 2, 4)],
                         ids=["T", "step", "offset", "expanded", "broadcast"])
def test_torch_non_contiguous(make):
    t = make(torch.arange(8, dtype=torch.int32).reshape(2, 4))
    np.testing.assert_array_equal(np.asarray(xp.asarray(t)), t.numpy())
    np.testing.assert_array_equal(np.asarray(xp.from_dlpack(t)), t.numpy())


def test_torch_conjugate_view():
    t = torch.tensor([1 + 2j, 3 - 4j], dtype=torch.complex64).conj()
    assert t.is_conj()
    for x in (xp.asarray(t), xp.from_dlpack(t)):
        assert x.tolist() == [1 - 2j, 3 + 4j]


def test_torch_negative_view():
    t = torch.tensor([1.0, -2.0])._neg_view()
    assert t.is_neg()
    # PyTorch exports a negative view's storage un-negated; the import must not.
    assert np.from_dlpack(t).tolist() == [1.0, -2.0]
    for x in (xp.asarray(t), xp.from_dlpack(t)):
        assert x.tolist() == [-1.0, 2.0]


def test_torch_bfloat16_non_contiguous():
    t = torch.tensor([[1.5, 2.0], [3.0, -4.5]], dtype=torch.bfloat16).T
    x = xp.asarray(t)
    assert x.dtype == xp.bfloat16
    assert values(x).tolist() == [[1.5, 3.0], [2.0, -4.5]]
    assert xp.asarray(t, dtype=xp.float32).tolist() == [[1.5, 3.0], [2.0, -4.5]]


@pytest.mark.parametrize("shape", [(), (0,), (3, 0)])
def test_torch_zero_dim_and_empty(shape):
    t = torch.ones(shape, dtype=torch.float16)
    x = xp.asarray(t)
    assert x.shape == shape and x.dtype == xp.float16
    assert bool(xp.all(x)) is True


def test_torch_dtype_argument():
    t = torch.tensor([1.7, -2.2], dtype=torch.float64)
    assert xp.asarray(t).dtype == xp.float64
    x = xp.asarray(t, dtype=xp.float16)
    assert x.dtype == xp.float16
    np.testing.assert_allclose(values(x), [1.7, -2.2], rtol=1e-3)
    assert xp.asarray(t, dtype=xp.int32).tolist() == [1, -2]


@pytest.mark.parametrize("cls", FAKES)
@pytest.mark.parametrize("convert", [xp.asarray, xp.from_dlpack], ids=["asarray", "from_dlpack"])
def test_torch_device_tensor(cls, convert):
    t = on_device(torch.arange(6, dtype=torch.float32).reshape(2, 3), cls)
    x = convert(t)
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert x.device == xp.Device("cpu")  # no MLX GPU here
    # DLPack first; a PyTorch that cannot copy over DLPack gets an explicit .to("cpu").
    want = ["to-cpu"] if cls is FakeOldMPS else ["dlpack-to-host"]
    assert [e for e in cls.log if e != "dlpack-on-device"] == want


@pytest.mark.parametrize("cls", FAKES)
def test_torch_device_tensor_awkward_cases(cls):
    grad = on_device(torch.tensor([1.0, 2.0], requires_grad=True), cls)
    assert grad.requires_grad
    assert xp.asarray(grad).tolist() == [1.0, 2.0]
    conj = on_device(torch.tensor([1 + 1j], dtype=torch.complex64), cls).conj()
    assert conj.is_conj() and conj.device.type == cls.kind
    assert xp.from_dlpack(conj).tolist() == [1 - 1j]
    neg = on_device(torch.tensor([3.0, -1.0]), cls)._neg_view()
    assert neg.is_neg() and neg.device.type == cls.kind
    assert xp.asarray(neg).tolist() == [-3.0, 1.0]
    bf = on_device(torch.tensor([[0.5, 1.5], [2.5, 3.5]], dtype=torch.bfloat16), cls).T
    x = xp.asarray(bf)
    assert x.dtype == xp.bfloat16 and values(x).tolist() == [[0.5, 2.5], [1.5, 3.5]]
    half = on_device(torch.tensor([1.0, 2.0], dtype=torch.float16), cls)
    assert xp.asarray(half).dtype == xp.float16
    flags = on_device(torch.tensor([True, False]), cls)
    assert xp.from_dlpack(flags).tolist() == [True, False]
    strided = on_device(torch.arange(12, dtype=torch.int64).reshape(3, 4), cls)[:, ::3]
    assert xp.asarray(strided).tolist() == [[0, 3], [4, 7], [8, 11]]


def test_torch_device_tensor_copy_false_raises_before_any_transfer():
    t = on_device(torch.arange(3.0), FakeMPS)
    with pytest.raises(ValueError):
        xp.asarray(t, copy=False)
    with pytest.raises(BufferError):
        xp.from_dlpack(t, copy=False)
    assert FakeDeviceTensor.log == []


def test_torch_round_trip():
    t = torch.randn(4, 5)
    back = xp.to_torch(xp.asarray(t))
    assert torch.equal(back, t)
    assert back.data_ptr() != t.data_ptr()  # in: a copy (MLX owns its memory)


# --- to_torch ----------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL_DTYPE_NAMES)
def test_to_torch_is_zero_copy(name):
    x = xp.asarray(sample(name), dtype=xp_dtype(name))
    t = xp.to_torch(x)
    assert t.dtype == TORCH_DTYPES[name] and t.device.type == "cpu"
    assert ptr(t) == ptr(xp.to_torch(x))
    c = xp.to_torch(x, copy=True)
    assert ptr(c) != ptr(t) and torch.equal(c, t)
    assert ptr(xp.to_torch(x, copy=False)) == ptr(t)


def test_to_torch_shares_memory_with_numpy_view():
    x = xp.arange(5, dtype=xp.float32) * 1.0
    t = xp.to_torch(x)
    assert ptr(t) == ptr(np.asarray(x))
    t[1] = 42.0
    assert float(x[1]) == 42.0
    c = xp.to_torch(x, copy=True)
    c[2] = -1.0
    assert float(x[2]) == 2.0


def test_to_torch_is_one_export_sync_point():
    x = xp.arange(4) + 1
    xp.to_torch(x)
    assert _lazy.counts() == {"export": 1}


def test_to_torch_layouts():
    x = xp.reshape(xp.arange(6, dtype=xp.int32), (2, 3))
    assert xp.to_torch(x.T).tolist() == [[0, 3], [1, 4], [2, 5]]
    assert xp.to_torch(x[:, ::-1]).tolist() == [[2, 1, 0], [5, 4, 3]]
    assert xp.to_torch(xp.ones((0, 2))).shape == (0, 2)
    assert xp.to_torch(xp.asarray(3.5)).item() == 3.5


def test_to_torch_device():
    x = xp.asarray([1.0, 2.0])
    t = xp.to_torch(x, device="meta")  # a device this CPU-only PyTorch has
    assert t.device.type == "meta" and t.shape == (2,)
    assert xp.to_torch(x, device=torch.device("cpu")).device.type == "cpu"
    with pytest.raises(BufferError):
        xp.to_torch(x, device="meta", copy=False)
    with pytest.raises(ValueError):
        xp.to_torch(x, device="not-a-device")
    with pytest.raises(TypeError):
        xp.to_torch([1.0, 2.0])
    with pytest.raises(ValueError):
        xp.to_torch(x, copy=1)


def test_to_torch_without_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(ImportError, match="pip install torch"):
        xp.to_torch(xp.asarray([1.0]))


def test_torch_is_imported_lazily():
    code = ("import sys, numpy as np, tmath_array as xp\n"
            "x = xp.asarray(np.arange(3.0)); np.asarray(x); xp.from_dlpack(np.arange(2))\n"
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
