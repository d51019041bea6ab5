"""Heat diffusion in a rod and a plate with in-place slice updates: ``u[1:-1] += ...``.

    python examples/heat_rod.py              # NumPy
    python examples/heat_rod.py tmath_array  # the same code on MLX

The explicit scheme updates the interior in place; the boundary rows are views
(``left = u[:, 0]``) written each step to hold the boundary condition.
"""

from __future__ import annotations

from _backend import array_module


def rod(np, n=101, steps=500, alpha=0.4):
    """1-D: fixed ends at 0 and 1, starting cold."""
    u = np.zeros(n, dtype=np.float64)
    u[-1] = 1.0
    for _ in range(steps):
        u[1:-1] += alpha * (u[2:] - 2 * u[1:-1] + u[:-2])
    return u


def plate(np, n=48, steps=300, alpha=0.2):
    """2-D: a hot left edge held by writing through a view, the rest insulated."""
    u = np.zeros((n, n), dtype=np.float32)
    left, right, top, bottom = u[:, 0], u[:, -1], u[0], u[-1]
    inner = u[1:-1, 1:-1]
    for _ in range(steps):
        inner += alpha * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:]
                          - 4 * inner)
        left[:] = 1.0
        right[:] = u[:, -2]
        top[1:] = u[1, 1:]
        bottom[1:] = u[-2, 1:]
    return u


def main(np):
    u = rod(np)
    p = plate(np)
    print(f"rod midpoint {float(u[50]):.6f}; plate mean {float(p.mean()):.6f}")
    return u, p


if __name__ == "__main__":
    main(array_module())
