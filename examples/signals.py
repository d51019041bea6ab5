"""Signal and geometry chores, NumPy-style: smoothing, delay estimation, a 2-D field.

    python examples/signals.py              # NumPy
    python examples/signals.py tmath_array  # the same code on MLX

Moving averages by ``np.convolve`` and by ``sliding_window_view``, the delay between
two signals from the peak of ``np.correlate``, a piecewise envelope with ``np.select``,
the gradient of a 2-D field on a ``np.meshgrid(sparse=True)`` grid, torques with
``np.cross``, a ranking with ``np.lexsort``, event bookkeeping with ``np.intersect1d``,
``np.setdiff1d``, ``np.delete`` and ``np.insert``, and flags stored by ``np.packbits``.
"""

from __future__ import annotations

from _backend import array_module


def smooth(np, n=400, width=9):
    t = np.linspace(0.0, 8.0, n, dtype=np.float32)
    x = np.sin(t) + 0.25 * np.sin(17.0 * t)
    kernel = np.ones(width, dtype=np.float32) / width
    by_conv = np.convolve(x, kernel, mode="valid")
    windows = np.lib.stride_tricks.sliding_window_view(x, width)
    by_window = windows.mean(axis=-1)
    envelope = np.select([t < 2.0, t < 6.0], [t / 2.0, np.ones_like(t)], 4.0 - t / 2.0)
    return by_conv, by_window, envelope


def delay(np, n=256, shift=23):
    k = np.arange(n, dtype=np.float32)
    a = np.exp(-((k - 80.0) / 9.0) ** 2) + 0.5 * np.exp(-((k - 150.0) / 5.0) ** 2)
    b = np.roll(a, shift)
    c = np.correlate(b, a, mode="full")
    return int(np.argmax(c)) - (n - 1), c


def field(np, n=48):
    x = np.linspace(-1.0, 1.0, n)
    y = np.linspace(-1.0, 1.0, n + 8)
    xs, ys = np.meshgrid(x, y, sparse=True)
    phi = np.exp(-(xs ** 2 + 2.0 * ys ** 2)) * np.cos(3.0 * xs)
    gy, gx = np.gradient(phi, y, x)
    r = np.stack([np.cos(x[:5]), np.sin(x[:5]), np.zeros(5)], axis=1)
    f = np.array([0.0, 0.0, 2.0])
    torque = np.cross(r, f)
    return gy, gx, torque


def bookkeeping(np):
    scores = np.array([3, 1, 3, 2, 1, 3, 2])
    ages = np.array([30, 25, 22, 40, 31, 22, 19])
    order = np.lexsort((ages, -scores))  # by score (high first), then age
    seen = np.array([4, 8, 15, 16, 23, 42])
    wanted = np.array([8, 16, 99, 42, 4])
    both = np.intersect1d(seen, wanted)
    missing = np.setdiff1d(wanted, seen)
    kept = np.delete(seen, [0, -1])
    grown = np.insert(kept, 2, [100, 101])
    flags = np.packbits(np.isin(np.arange(20), seen))
    back = np.unpackbits(flags, count=20)
    return order, both, missing, kept, grown, flags, back


def main(np):
    by_conv, by_window, envelope = smooth(np)
    lag, _ = delay(np)
    gy, gx, torque = field(np)
    book = bookkeeping(np)
    print(f"moving averages agree: {float(np.max(np.abs(by_conv - by_window))):.2e}")
    print(f"estimated delay {lag} samples (true 23)")
    print(f"field gradient range [{float(np.min(gx)):.4f}, {float(np.max(gx)):.4f}]")
    print("ranking", book[0], "both", book[1], "missing", book[2], "flags", book[5])
    return {"by_conv": by_conv, "by_window": by_window, "envelope": envelope, "lag": lag,
            "gy": gy, "gx": gx, "torque": torque, "book": book}


if __name__ == "__main__":
    main(array_module())
