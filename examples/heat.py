"""2-D heat diffusion with an explicit finite-difference stencil, written NumPy-style.

    python examples/heat.py              # NumPy
    python examples/heat.py tmath_array  # the same code on MLX

Slices, ``np.pad`` for the boundary, in-place updates of a sub-block and a
conservation check. (``heat_rod.py`` writes through views of the field instead.)
"""

from __future__ import annotations

from _backend import array_module


def initial_field(np, n=64):
    """A hot square in a cold plate, float32."""
    x = np.linspace(-1.0, 1.0, n, dtype=np.float32)
    xx, yy = np.meshgrid(x, x, indexing="ij")
    u = np.zeros((n, n), dtype=np.float32)
    hot = (np.abs(xx) < 0.25) & (np.abs(yy) < 0.25)
    u = np.where(hot, np.float32(1.0), u)
    u[n // 2, :] += 0.5  # a hot line, updated in place
    return u


def step(np, u, alpha=0.2):
    """One explicit Euler step with insulated (zero-flux) edges."""
    p = np.pad(u, 1, mode="edge")
    lap = p[:-2, 1:-1] + p[2:, 1:-1] + p[1:-1, :-2] + p[1:-1, 2:] - 4.0 * u
    return u + alpha * lap


def simulate(np, n=64, steps=200):
    u = initial_field(np, n)
    total0 = float(np.sum(u))
    for _ in range(steps):
        u = step(np, u)
    return u, total0, float(np.sum(u))


def main(np):
    u, total0, total1 = simulate(np)
    print(f"heat before {total0:.4f}, after {total1:.4f} (insulated edges conserve it)")
    print(f"max {float(np.max(u)):.5f}  centre {float(u[32, 32]):.5f}")
    print("row 32, every 8th cell:", u[32, ::8])
    return u, total0, total1


if __name__ == "__main__":
    main(array_module())
