"""Data-parallel logistic regression, NumPy-style, with hand-written gradients.

    python examples/distributed_logreg.py                                  # one process
    python -m tmath_array.distributed.launch -n 2 examples/distributed_logreg.py

Every rank builds the same data set (a seeded NumPy generator), keeps its block of the
rows (``dist.shard``), computes the gradient of the mean log-loss over its block, and
averages the gradients of all ranks in one fused all-reduce (``dist.average_gradients``).
With blocks of equal size, that average is the gradient over the whole batch, so every
rank takes the step one process would take on the whole batch: the weights after
training equal the single-process run's (up to float32 rounding, the sums being added
in another order).

Options: ``--steps``, ``--rows`` (a multiple of the number of ranks), ``--features``,
``--out FILE.npz`` (rank 0 saves the weights and losses), ``--json`` (rank 0 prints a
summary line, with the median step time).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy

import tmath_array as np
import tmath_array.distributed as dist


def make_data(rows: int, features: int, seed: int = 0):
    """Two overlapping Gaussian classes: X float32 [rows, features], y float32 in {0, 1}."""
    rng = numpy.random.default_rng(seed)
    w_true = rng.normal(size=features)
    X = rng.normal(size=(rows, features))
    y = (X @ w_true + 0.5 * rng.normal(size=rows) > 0).astype(numpy.float32)
    return X.astype(numpy.float32), y


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def gradients(w, b, X, y, weight_decay):
    """Gradients of the mean log-loss over the rows of X (and the loss itself)."""
    p = sigmoid(X @ w + b)
    n = X.shape[0]
    eps = 1e-7
    loss = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
    err = (p - y) / n
    return {"w": X.T @ err + weight_decay * w, "b": np.sum(err), "loss": loss}


def train(X, y, *, steps: int, lr: float = 0.5, weight_decay: float = 1e-3, group=None):
    """Full-batch gradient descent, data-parallel over ``group``'s ranks."""
    group = group or dist.init()
    if X.shape[0] % group.size():
        raise SystemExit(f"--rows ({X.shape[0]}) must be a multiple of the number of "
                         f"ranks ({group.size()}) for the blocks to be of equal size")
    X_local = dist.shard(np.asarray(X), group=group)   # this rank's rows
    y_local = dist.shard(np.asarray(y), group=group)
    w = np.zeros(X.shape[1], dtype=np.float32)
    b = np.zeros((), dtype=np.float32)
    losses, step_times = [], []
    for _ in range(steps):
        t0 = time.perf_counter()
        g = gradients(w, b, X_local, y_local, weight_decay)
        g = dist.average_gradients(g, group=group)     # one all_sum for w, b and the loss
        w = w - lr * g["w"]
        b = b - lr * g["b"]
        np.eval(w, b, g["loss"])                       # one sync point per step
        step_times.append(time.perf_counter() - t0)
        losses.append(g["loss"])
    return w, b, np.stack(losses), step_times


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--rows", type=int, default=1200)
    ap.add_argument("--features", type=int, default=16)
    ap.add_argument("--out", default=None)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    group = dist.init()
    X, y = make_data(args.rows, args.features)
    w, b, losses, step_times = train(X, y, steps=args.steps, group=group)
    if group.rank() == 0:
        acc = float(numpy.mean((X @ numpy.asarray(w) + float(b) > 0) == (y > 0.5)))
        if args.out:
            numpy.savez(args.out, w=numpy.asarray(w), b=numpy.asarray(b),
                        losses=numpy.asarray(losses))
        summary = {"ranks": group.size(), "steps": args.steps, "rows": args.rows,
                   "loss": float(losses[-1]), "accuracy": acc,
                   "median_step_s": float(numpy.median(step_times[1:] or step_times)),
                   "min_step_s": float(numpy.min(step_times))}
        print(json.dumps(summary) if args.json else
              f"{group.size()} rank(s): loss {summary['loss']:.6f}, accuracy {acc:.3f}, "
              f"median step {summary['median_step_s'] * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
