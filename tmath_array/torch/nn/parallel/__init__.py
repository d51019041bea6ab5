"""``torch.nn.parallel``: ``DistributedDataParallel`` over ``tmath_array.torch.distributed``."""

from .distributed import DistributedDataParallel

__all__ = ["DistributedDataParallel"]
