"""A small smoke (stable fluids) solver after Jos Stam, vectorised NumPy-style.

    python examples/smoke.py              # NumPy
    python examples/smoke.py tmath_array  # the same code on MLX

Density and velocity on an (N+2) x (N+2) grid: Jacobi relaxation of the interior
through a view (``inner[...] = ...``), boundary conditions written through views of
the edge rows and columns, semi-Lagrangian advection by gathering at integer
indices, and a pressure projection with in-place slice updates. float64.
"""

from __future__ import annotations

from _backend import array_module


def set_bnd(np, b, x):
    top, bottom, left, right = x[0], x[-1], x[:, 0], x[:, -1]
    top[1:-1] = -x[1, 1:-1] if b == 1 else x[1, 1:-1]
    bottom[1:-1] = -x[-2, 1:-1] if b == 1 else x[-2, 1:-1]
    left[1:-1] = -x[1:-1, 1] if b == 2 else x[1:-1, 1]
    right[1:-1] = -x[1:-1, -2] if b == 2 else x[1:-1, -2]
    x[0, 0] = 0.5 * (x[1, 0] + x[0, 1])
    x[0, -1] = 0.5 * (x[1, -1] + x[0, -2])
    x[-1, 0] = 0.5 * (x[-2, 0] + x[-1, 1])
    x[-1, -1] = 0.5 * (x[-2, -1] + x[-1, -2])


def lin_solve(np, b, x, x0, a, c, iters=20):
    inner = x[1:-1, 1:-1]
    for _ in range(iters):
        inner[...] = (x0[1:-1, 1:-1] + a * (x[:-2, 1:-1] + x[2:, 1:-1] + x[1:-1, :-2]
                                            + x[1:-1, 2:])) / c
        set_bnd(np, b, x)


def diffuse(np, b, x, x0, diff, dt, n):
    a = dt * diff * n * n
    lin_solve(np, b, x, x0, a, 1 + 4 * a)


def advect(np, b, d, d0, u, v, dt, n):
    dt0 = dt * n
    i, j = np.meshgrid(np.arange(1, n + 1, dtype=np.float64),
                       np.arange(1, n + 1, dtype=np.float64), indexing="ij")
    x = np.clip(i - dt0 * u[1:-1, 1:-1], 0.5, n + 0.5)
    y = np.clip(j - dt0 * v[1:-1, 1:-1], 0.5, n + 0.5)
    fx, fy = np.floor(x), np.floor(y)
    i0, j0 = fx.astype(np.int64), fy.astype(np.int64)
    i1, j1 = i0 + 1, j0 + 1
    s1, t1 = x - fx, y - fy
    s0, t0 = 1 - s1, 1 - t1
    d[1:-1, 1:-1] = (s0 * (t0 * d0[i0, j0] + t1 * d0[i0, j1])
                     + s1 * (t0 * d0[i1, j0] + t1 * d0[i1, j1]))
    set_bnd(np, b, d)


def project(np, u, v, p, div, n):
    h = 1.0 / n
    div[1:-1, 1:-1] = -0.5 * h * (u[2:, 1:-1] - u[:-2, 1:-1] + v[1:-1, 2:] - v[1:-1, :-2])
    p[...] = 0
    set_bnd(np, 0, div)
    set_bnd(np, 0, p)
    lin_solve(np, 0, p, div, 1, 4)
    u[1:-1, 1:-1] -= 0.5 * (p[2:, 1:-1] - p[:-2, 1:-1]) / h
    v[1:-1, 1:-1] -= 0.5 * (p[1:-1, 2:] - p[1:-1, :-2]) / h
    set_bnd(np, 1, u)
    set_bnd(np, 2, v)


def main(np, n=32, steps=8, visc=1e-4, diff=1e-4, dt=0.1):
    shape = (n + 2, n + 2)
    u, v, d = (np.zeros(shape, dtype=np.float64) for _ in range(3))
    u0, v0, d0 = (np.zeros(shape, dtype=np.float64) for _ in range(3))
    source = d[n // 2 - 2:n // 2 + 2, 2:6]  # a view: the smoke source
    lift = v[n // 2 - 2:n // 2 + 2, 2:6]
    for _ in range(steps):
        source += 10.0 * dt
        lift += 5.0 * dt
        diffuse(np, 1, u0, u, visc, dt, n)
        diffuse(np, 2, v0, v, visc, dt, n)
        project(np, u0, v0, u, v, n)
        advect(np, 1, u, u0, u0, v0, dt, n)
        advect(np, 2, v, v0, u0, v0, dt, n)
        project(np, u, v, u0, v0, n)
        diffuse(np, 0, d0, d, diff, dt, n)
        advect(np, 0, d, d0, u, v, dt, n)
    print(f"smoke total {float(d.sum()):.6f}, max velocity {float(abs(v).max()):.6f}")
    return d, u, v


if __name__ == "__main__":
    main(array_module())
