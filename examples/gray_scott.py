"""Gray-Scott reaction-diffusion, as in "From Python to Numpy" (N. Rougier).

    python examples/gray_scott.py              # NumPy
    python examples/gray_scott.py tmath_array  # the same code on MLX

``u`` and ``v`` are views of the interiors of ``U`` and ``V``, made once; every step
updates them in place (``u += ...``), and the next step's Laplacian reads ``U`` and
``V``: the writes must reach the bases, as in NumPy. float64 on both backends.
"""

from __future__ import annotations

import numpy
from _backend import array_module


def main(np, n=128, steps=200, Du=0.16, Dv=0.08, F=0.060, k=0.062, seed=1):
    U = np.ones((n + 2, n + 2), dtype=np.float64)
    V = np.zeros((n + 2, n + 2), dtype=np.float64)
    u, v = U[1:-1, 1:-1], V[1:-1, 1:-1]
    r = 20
    noise = numpy.random.default_rng(seed).uniform(0, 0.05, (2 * r, 2 * r))
    u[n // 2 - r:n // 2 + r, n // 2 - r:n // 2 + r] = 0.50
    v[n // 2 - r:n // 2 + r, n // 2 - r:n // 2 + r] = 0.25 + np.asarray(noise)
    for _ in range(steps):
        Lu = (U[0:-2, 1:-1] + U[1:-1, 0:-2] - 4 * U[1:-1, 1:-1] + U[1:-1, 2:] + U[2:, 1:-1])
        Lv = (V[0:-2, 1:-1] + V[1:-1, 0:-2] - 4 * V[1:-1, 1:-1] + V[1:-1, 2:] + V[2:, 1:-1])
        uvv = u * v * v
        u += Du * Lu - uvv + F * (1 - u)
        v += Dv * Lv + uvv - (F + k) * v
    print(f"mean u {float(U.mean()):.6f}, mean v {float(V.mean()):.6f}")
    return U, V


if __name__ == "__main__":
    main(array_module())
