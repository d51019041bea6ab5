"""Conway's Game of Life, the textbook vectorised NumPy version (writes through views).

    python examples/life.py              # NumPy
    python examples/life.py tmath_array  # the same code on MLX

The neighbour count is a sum of eight shifted slices; the new generation is written
with ``Z[1:-1, 1:-1][birth | survive] = 1``: a mask assignment into a slice, which
must reach ``Z`` (a view), as in NumPy.
"""

from __future__ import annotations

import numpy
from _backend import array_module


def iterate(np, Z):
    N = np.zeros(Z.shape, dtype=Z.dtype)
    N[1:-1, 1:-1] += (Z[:-2, :-2] + Z[:-2, 1:-1] + Z[:-2, 2:] +
                      Z[1:-1, :-2] + Z[1:-1, 2:] +
                      Z[2:, :-2] + Z[2:, 1:-1] + Z[2:, 2:])
    birth = (N == 3)[1:-1, 1:-1] & (Z[1:-1, 1:-1] == 0)
    survive = ((N == 2) | (N == 3))[1:-1, 1:-1] & (Z[1:-1, 1:-1] == 1)
    Z[...] = 0
    Z[1:-1, 1:-1][birth | survive] = 1
    return Z


def main(np, shape=(256, 512), steps=10, seed=0):
    # The same random board for both backends (drawn by NumPy).
    Z = np.asarray(numpy.random.default_rng(seed).integers(0, 2, shape))
    for _ in range(steps):
        iterate(np, Z)
    live = int(Z.sum())
    print(f"live cells after {steps} steps: {live}")
    return Z, live


if __name__ == "__main__":
    main(array_module())
