"""k-means clustering (Lloyd's algorithm), written NumPy-style.

    python examples/kmeans.py              # NumPy
    python examples/kmeans.py tmath_array  # the same code on MLX

The data come from NumPy's seeded generator on both backends, so both runs cluster the
same points; the algorithm below only uses ``np``.
"""

from __future__ import annotations

import numpy
from _backend import array_module


def make_blobs(n_per_cluster=200, centers=((0, 0), (5, 5), (0, 6), (6, -1)), seed=0):
    """Gaussian blobs around ``centers`` (a NumPy array; the data set, not the algorithm)."""
    rng = numpy.random.default_rng(seed)
    pts = [rng.normal(c, 0.8, size=(n_per_cluster, 2)) for c in centers]
    return numpy.concatenate(pts).astype(numpy.float32)


def kmeans(np, X, k, iters=50):
    """Cluster the rows of ``X`` into ``k`` groups; returns (centroids, labels, inertia)."""
    X = np.asarray(X)
    # Deterministic farthest-point initialisation.
    centroids = X[:1]
    for _ in range(1, k):
        d2 = ((X[:, np.newaxis, :] - centroids[np.newaxis, :, :]) ** 2).sum(axis=2)
        far = np.argmax(d2.min(axis=1))
        centroids = np.concatenate([centroids, X[far][np.newaxis]], axis=0)
    for _ in range(iters):
        d2 = ((X[:, np.newaxis, :] - centroids[np.newaxis, :, :]) ** 2).sum(axis=2)
        labels = np.argmin(d2, axis=1)
        new = np.stack([X[labels == j].mean(axis=0) for j in range(k)])
        if np.allclose(new, centroids):
            break
        centroids = new
    inertia = float(np.sum(np.min(d2, axis=1)))
    return centroids, labels, inertia


def main(np):
    X = make_blobs()
    centroids, labels, inertia = kmeans(np, X, k=4)
    order = np.argsort(centroids[:, 0] * 100 + centroids[:, 1])
    print("centroids:\n", centroids[order])
    print("cluster sizes:", [int(np.sum(labels == j)) for j in range(4)])
    print(f"inertia: {inertia:.3f}")
    return centroids, labels, inertia


if __name__ == "__main__":
    main(array_module())
