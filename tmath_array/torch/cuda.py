"""``torch.cuda``: MLX has no CUDA here; ``"cuda"`` names MLX's GPU where there is one."""

from __future__ import annotations

from ._types import gpu_available


def is_available() -> bool:
    """True where MLX has a GPU (Metal on Apple silicon): ``"cuda"`` tensors live there."""
    return gpu_available()


def device_count() -> int:
    return 1 if gpu_available() else 0


def current_device() -> int:
    if not gpu_available():
        raise RuntimeError("Torch not compiled with CUDA enabled (this MLX build has no GPU)")
    return 0


def manual_seed(seed) -> None:
    from ._creation import manual_seed as _ms
    _ms(seed)


manual_seed_all = manual_seed


def synchronize(device=None) -> None:
    """Nothing to wait for: results are computed at sync points (docs/laziness.md)."""


def empty_cache() -> None:
    import mlx.core as mx
    mx.clear_cache()


def is_bf16_supported() -> bool:
    return gpu_available()
