"""Data-parallel training with DistributedDataParallel and DistributedSampler.

A plain PyTorch script. Run it on two ranks with PyTorch, or on MLX through the PyTorch
face, unedited::

    torchrun --nproc_per_node 2 examples/torch/ddp_train.py                     # PyTorch
    python -m tmath_array.distributed.launch -n 2 --torch examples/torch/ddp_train.py

or on its own (a job of one rank) with ``python examples/torch/ddp_train.py`` /
``python -m tmath_array.torch examples/torch/ddp_train.py``.

Every rank builds the same data set and model (one seed); DistributedDataParallel gives all
ranks rank 0's parameters, each rank trains on its share of every global batch (the
DistributedSampler's), and after ``loss.backward()`` the gradients are the mean over the
ranks. With a per-rank batch of ``--batch // world_size`` rows, the run equals the one-rank
run with batches of ``--batch`` rows (up to float32 rounding). Rank 0 prints the loss over
the whole data set after each epoch; ``--out FILE.npz`` saves the final parameters.
"""

import argparse
import os
import socket

import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP  # noqa: N817
from torch.utils.data import DataLoader, DistributedSampler, TensorDataset


def job_of_one_if_not_launched():
    """Outside torchrun (and the MLX launcher, which does not need them), the environment
    of a job of one rank on this machine."""
    if "WORLD_SIZE" not in os.environ:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port), RANK="0",
                          WORLD_SIZE="1")


def make_data(rows=512):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(rows, 8, generator=g)
    w = torch.randn(8, 1, generator=g)
    y = torch.tanh(x @ w) + 0.05 * torch.randn(rows, 1, generator=g)
    return TensorDataset(x, y)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--batch", type=int, default=64, help="global batch (all ranks)")
    p.add_argument("--out", default=None)
    args = p.parse_args()

    job_of_one_if_not_launched()
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    if args.batch % world:
        raise SystemExit(f"--batch ({args.batch}) must be a multiple of the {world} ranks")

    torch.manual_seed(rank)  # different on every rank: DDP gives them all rank 0's weights
    model = DDP(nn.Sequential(nn.Linear(8, 32), nn.Tanh(), nn.Linear(32, 1)))
    opt = torch.optim.SGD(model.parameters(), lr=0.2, momentum=0.9)
    data = make_data()
    sampler = DistributedSampler(data, shuffle=True, seed=1)
    loader = DataLoader(data, batch_size=args.batch // world, sampler=sampler)
    x_all, y_all = data.tensors

    for epoch in range(args.epochs):
        sampler.set_epoch(epoch)
        for x, y in loader:
            opt.zero_grad()
            nn.functional.mse_loss(model(x), y).backward()  # gradients averaged here
            opt.step()
        with torch.no_grad():
            # each rank's loss over its half of the data set, summed over the ranks
            lo = rank * len(data) // world
            hi = (rank + 1) * len(data) // world
            part = nn.functional.mse_loss(model(x_all[lo:hi]), y_all[lo:hi], reduction="sum")
            dist.all_reduce(part, op=dist.ReduceOp.SUM)
        loss = part.item() / len(data)  # on every rank (see docs/distributed.md)
        if rank == 0:
            print(f"epoch {epoch + 1} loss {loss:.6f}", flush=True)

    if args.out and rank == 0:
        import numpy as np

        np.savez(args.out, **{k: v.detach().cpu().numpy()
                              for k, v in model.module.state_dict().items()})
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
