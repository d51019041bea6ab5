"""The Mandelbrot set, escape-time counts on a grid, written NumPy-style.

    python examples/mandelbrot.py              # NumPy
    python examples/mandelbrot.py tmath_array  # the same code on MLX

Complex64 arithmetic (``z ** 2 + c``), a boolean mask per iteration and integer
counts. The iteration is chaotic: one rounding difference in ``z ** 2`` changes the
count of the points near the set's edge, so the two runs agree in every point only
when the complex power rounds as NumPy's does (``z ** 2`` is ``z * z``).
"""

from __future__ import annotations

from _backend import array_module


def grid(np, width=160, height=120):
    """The points c of the complex plane, complex64."""
    x = np.linspace(-2.2, 0.8, width, dtype=np.float32)
    y = np.linspace(-1.2, 1.2, height, dtype=np.float32)
    return x[None, :] + 1j * y[:, None]


def escape_counts(np, c, max_iter=60):
    """For each point, the number of iterations |z| stays within 2 (max_iter: inside)."""
    z = np.zeros(c.shape, dtype=np.complex64)
    alive = np.ones(c.shape, dtype=np.bool_)
    counts = np.zeros(c.shape, dtype=np.int32)
    for _ in range(max_iter):
        z = np.where(alive, z**2 + c, z)  # escaped points stay where they escaped
        alive = np.real(z) ** 2 + np.imag(z) ** 2 <= 4.0
        counts += alive
    return counts


def main(np):
    c = grid(np)
    counts = escape_counts(np, c)
    inside = int(np.sum(counts == 60))
    print(f"{counts.shape[0]}x{counts.shape[1]} points, {inside} inside the set")
    for row in range(0, counts.shape[0], 12):  # a coarse picture
        print("".join(" .:-=+*#%@"[min(int(v) // 6, 9)] for v in counts[row, ::4].tolist()))
    return counts


if __name__ == "__main__":
    main(array_module())
