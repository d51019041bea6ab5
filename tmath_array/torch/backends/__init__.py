"""``torch.backends``: ``mps.is_available()`` and ``cuda``/``cudnn`` flags, answered for MLX."""

from __future__ import annotations

from types import SimpleNamespace

from .._types import gpu_available


class _Mps:
    @staticmethod
    def is_available() -> bool:
        """True where MLX has a GPU (Metal on Apple silicon)."""
        return gpu_available()

    @staticmethod
    def is_built() -> bool:
        return gpu_available()


mps = _Mps()
cuda = SimpleNamespace(is_built=lambda: False,
                       matmul=SimpleNamespace(allow_tf32=False))
cudnn = SimpleNamespace(enabled=False, benchmark=False, deterministic=True,
                        is_available=lambda: False)
