"""Beyond one machine: collectives on tmath_array Arrays over MLX's distributed engine.

::

    import tmath_array as xp
    import tmath_array.distributed as dist

    group = dist.init()                    # the job this process was launched in
    x = xp.ones((4,)) * (group.rank() + 1)
    total = dist.all_sum(x)                # lazy: a node in the graph
    print(group.rank(), total)             # the sync point runs the collective

Launch several ranks with ``python -m tmath_array.distributed.launch -n 2 script.py``
(or MLX's ``mlx.launch``); run on its own, a script gets a group of size 1 in which every
collective returns its input. See docs/distributed.md.
"""

from __future__ import annotations

from .collectives import (
    Group,
    UnsupportedCollectiveError,
    all_gather,
    all_max,
    all_min,
    all_sum,
    barrier,
    broadcast,
    init,
    is_available,
    is_initialized,
    recv,
    recv_like,
    send,
    sum_scatter,
)
from .data_parallel import (
    ShardedDataset,
    all_sum_tree,
    average_gradients,
    broadcast_tree,
    shard,
    shard_dataset,
    shard_range,
)

__all__ = [
    # groups
    "Group", "UnsupportedCollectiveError", "init", "is_available", "is_initialized",
    # collectives
    "all_sum", "all_max", "all_min", "all_gather", "sum_scatter", "broadcast",
    "send", "recv", "recv_like", "barrier",
    # data parallelism
    "all_sum_tree", "average_gradients", "broadcast_tree", "shard", "shard_range",
    "shard_dataset", "ShardedDataset",
]
