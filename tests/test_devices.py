"""Devices: the Device type, device= arguments, per-device dtypes, mixing devices."""

from __future__ import annotations

import mlx.core as mx
import pytest

import tmath_array as xp
from tmath_array._array import core as _core
from tmath_array._array.devices import check_dtype_on_device, supported_dtypes, to_device

HAS_GPU = mx.is_available(mx.gpu)


def test_device_values_compare_and_hash():
    cpu = xp.Device("cpu")
    assert cpu == xp.Device("cpu", 0) and hash(cpu) == hash(xp.Device("cpu"))
    assert cpu != xp.Device("gpu")
    assert str(cpu) == "cpu" and str(xp.Device("gpu", 1)) == "gpu:1"
    assert repr(cpu) == "Device('cpu', 0)"
    assert (cpu == "cpu") is False


@pytest.mark.parametrize("spelling", ["cpu", "cpu:0", mx.cpu, mx.Device(mx.cpu), xp.Device("cpu")],
                         ids=str)
def test_device_argument_spellings(spelling):
    x = xp.zeros((2,), device=spelling)
    assert x.device == xp.Device("cpu")
    assert x.device is to_device(spelling)  # one object per device: identity checks work


@pytest.mark.parametrize("bad", ["tpu", "cpu:x", 3, object()],
                         ids=["tpu", "cpu:x", "3", "object()"])
def test_unknown_device_raises_value_error(bad):
    with pytest.raises(ValueError):
        xp.ones((2,), device=bad)


def test_bad_device_type_or_index():
    with pytest.raises(ValueError):
        xp.Device("npu")
    with pytest.raises(ValueError):
        xp.Device("cpu", -1)


def test_devices_lists_what_mlx_reports():
    devices = xp.__array_namespace_info__().devices()
    assert xp.Device("cpu") in devices
    assert (xp.Device("gpu") in devices) == HAS_GPU


@pytest.mark.skipif(HAS_GPU, reason="checks the message on a machine without a GPU")
def test_unavailable_gpu_raises_value_error():
    with pytest.raises(ValueError, match="not available"):
        xp.zeros((2,), device="gpu")


def test_float64_only_on_cpu():
    check_dtype_on_device(xp.float64, xp.Device("cpu"), "f")  # no error
    with pytest.raises(TypeError, match="float64 is not supported on device gpu"):
        check_dtype_on_device(xp.float64, xp.Device("gpu"), "f")
    assert xp.float64 in supported_dtypes(xp.Device("cpu"))
    assert xp.float64 not in supported_dtypes(xp.Device("gpu"))
    assert xp.float32 in supported_dtypes(xp.Device("gpu"))


@pytest.mark.skipif(not HAS_GPU, reason="needs MLX's GPU device (Metal or CUDA build)")
def test_float64_on_gpu_is_refused_by_creation_functions():
    with pytest.raises(TypeError):
        xp.zeros((2,), dtype=xp.float64, device="gpu")
    assert "float64" not in xp.__array_namespace_info__().dtypes(device="gpu")


def _on_other_device(x):
    # An array that claims the GPU, so the cross-device checks can run on any machine.
    return _core.new(x._array, x._dtype, xp.Device("gpu"))


def test_mixing_devices_raises_value_error():
    a = xp.asarray([1.0, 2.0])
    b = _on_other_device(xp.asarray([3.0, 4.0]))
    for op in (lambda: a + b, lambda: xp.multiply(a, b), lambda: xp.where(a > 0, a, b),
               lambda: xp.concat([a, b]), lambda: a[xp.asarray([0])].__add__(b[:1])):
        with pytest.raises(ValueError, match="device"):
            op()


def test_results_stay_on_their_device():
    a = xp.asarray([1.0, 2.0])
    assert (a * 2).device == a.device
    assert xp.zeros_like(a).device == a.device
    assert a.to_device(a.device) is a
