"""``torch.mps``: MLX's GPU (Metal) where the build has one."""

from __future__ import annotations

from ._types import gpu_available


def is_available() -> bool:
    return gpu_available()


def device_count() -> int:
    return 1 if gpu_available() else 0


def synchronize() -> None:
    """Nothing to wait for: results are computed at sync points."""


def manual_seed(seed) -> None:
    from ._creation import manual_seed as _ms
    _ms(seed)


def empty_cache() -> None:
    import mlx.core as mx
    mx.clear_cache()
