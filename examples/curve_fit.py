"""Load measurements from a text file, fit polynomials, and summarise the residuals.

    python examples/curve_fit.py              # NumPy
    python examples/curve_fit.py tmath_array  # the same code on MLX

A typical lab-notebook script: ``np.savetxt``/``np.genfromtxt`` round trip of a CSV
with a missing value, ``np.polyfit`` and ``np.poly1d``, the ``np.polynomial`` classes
(``Polynomial.fit``, ``Chebyshev.fit``), the extrema from the derivative's ``roots``,
``np.gradient`` and ``np.trapezoid`` of the fitted curve, and residual statistics
binned with ``np.digitize`` and counted with ``np.unique``.
"""

from __future__ import annotations

import os
import tempfile

from _backend import array_module


def write_data(np, path, n=61):
    """A cubic with a deterministic wobble, one value missing (an empty field)."""
    t = np.linspace(-2.0, 4.0, n, dtype=np.float64)
    signal = 0.5 * t ** 3 - 2.0 * t ** 2 - t + 3.0
    wobble = 0.3 * np.sin(7.0 * t) + 0.1 * np.cos(13.0 * t)
    data = np.stack([t, signal + wobble], axis=1)
    np.savetxt(path, data, fmt="%.6f", delimiter=",", header="t,y", comments="")
    with open(path) as f:
        lines = f.read().splitlines()
    lines[10] = lines[10].split(",")[0] + ","  # a missing measurement
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def analyse(np, path):
    raw = np.genfromtxt(path, delimiter=",", skip_header=1)
    ok = ~np.isnan(raw[:, 1])
    t, y = raw[ok, 0], raw[ok, 1]

    coef = np.polyfit(t, y, 3)
    p = np.poly1d(coef)
    fitted = p(t)
    resid = y - fitted
    extrema = np.sort(np.real(p.deriv().roots))

    cheb = np.polynomial.Chebyshev.fit(t, y, 5)
    poly = np.polynomial.Polynomial.fit(t, y, 3)

    grid = np.linspace(-2.0, 4.0, 121)
    slope = np.gradient(p(grid), grid)
    area = np.trapezoid(p(grid), grid)

    edges = np.array([-0.3, -0.1, 0.1, 0.3])
    bins = np.digitize(resid, edges)
    labels, counts = np.unique(bins, return_counts=True)

    return {
        "n": int(t.shape[0]),
        "coef": coef,
        "poly_coef": poly.convert().coef,
        "cheb_at_grid": cheb(grid),
        "extrema": extrema,
        "slope": slope,
        "area": float(area),
        "rms": float(np.sqrt(np.mean(resid ** 2))),
        "p90": float(np.percentile(np.abs(resid), 90)),
        "labels": labels,
        "counts": counts,
    }


def main(np):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "measurements.csv")
        write_data(np, path)
        out = analyse(np, path)
    print(f"{out['n']} points, cubic fit {out['coef']}")
    print(f"extrema at t = {out['extrema']}, area under the fit {out['area']:.4f}")
    print(f"residual rms {out['rms']:.4f}, 90th percentile |r| {out['p90']:.4f}")
    print("residual bins", out["labels"], "counts", out["counts"])
    return out


if __name__ == "__main__":
    main(array_module())
