"""Principal component analysis through the SVD, written NumPy-style.

    python examples/pca.py              # NumPy
    python examples/pca.py tmath_array  # the same code on MLX (float64 runs on the CPU)

Builds correlated data with a known low-rank structure, finds its principal axes,
and reports the explained variance and the rank-k reconstruction error.
"""

from __future__ import annotations

import numpy
from _backend import array_module


def make_data(n=500, d=12, rank=3, noise=0.05, seed=1):
    """``n`` samples in ``d`` dimensions near a ``rank``-dimensional subspace (NumPy)."""
    rng = numpy.random.default_rng(seed)
    basis = numpy.linalg.qr(rng.normal(size=(d, rank)))[0]
    scales = numpy.array([5.0, 2.0, 1.0])[:rank]
    latent = rng.normal(size=(n, rank)) * scales
    return latent @ basis.T + noise * rng.normal(size=(n, d)) + 3.0


def pca(np, X, k):
    """The first ``k`` principal axes, explained-variance ratios and the projection."""
    X = np.asarray(X)
    mean = X.mean(axis=0)
    Xc = X - mean
    U, S, Vt = np.linalg.svd(Xc, full_matrices=False)
    # Fix each axis's sign (largest loading positive), as scikit-learn does.
    signs = np.sign(np.take_along_axis(Vt, np.argmax(np.abs(Vt), axis=1)[:, None], axis=1))
    Vt = Vt * signs
    var = S**2 / (X.shape[0] - 1)
    ratio = var / np.sum(var)
    components = Vt[:k]
    Z = Xc @ components.T
    recon = Z @ components + mean
    err = np.sqrt(np.mean((X - recon) ** 2))
    return components, ratio[:k], Z, err


def main(np):
    X = make_data()
    components, ratio, Z, err = pca(np, X, k=3)
    print("explained variance ratio:", ratio)
    print("cumulative:", float(np.sum(ratio)))
    print(f"rank-3 reconstruction RMS error: {float(err):.5f}")
    print("first two projected samples:\n", Z[:2])
    return components, ratio, Z, err


if __name__ == "__main__":
    main(array_module())
