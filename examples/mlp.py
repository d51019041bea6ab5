"""A two-layer MLP trained by hand-written backpropagation, written NumPy-style.

    python examples/mlp.py              # NumPy
    python examples/mlp.py tmath_array  # the same code on MLX

No autograd: forward pass, softmax cross-entropy, gradients and SGD with momentum are
all spelled out with array operations, as in a classic NumPy tutorial. Data and initial
weights come from NumPy's seeded generator so both backends train the same network.
"""

from __future__ import annotations

import numpy
from _backend import array_module


def make_spirals(n_per_class=100, classes=3, seed=2):
    """The classic spiral data set: (points float32 [n, 2], labels int [n])."""
    rng = numpy.random.default_rng(seed)
    X, y = [], []
    for c in range(classes):
        r = numpy.linspace(0.0, 1.0, n_per_class)
        t = numpy.linspace(c * 4.0, (c + 1) * 4.0, n_per_class) + rng.normal(0, 0.2, n_per_class)
        X.append(numpy.stack([r * numpy.sin(t), r * numpy.cos(t)], axis=1))
        y.append(numpy.full(n_per_class, c))
    return numpy.concatenate(X).astype(numpy.float32), numpy.concatenate(y).astype(numpy.int32)


def init_params(d_in=2, hidden=64, d_out=3, seed=3):
    rng = numpy.random.default_rng(seed)
    return {
        "W1": (rng.normal(size=(d_in, hidden)) * numpy.sqrt(2.0 / d_in)).astype(numpy.float32),
        "b1": numpy.zeros(hidden, dtype=numpy.float32),
        "W2": (rng.normal(size=(hidden, d_out)) * numpy.sqrt(2.0 / hidden)).astype(numpy.float32),
        "b2": numpy.zeros(d_out, dtype=numpy.float32),
    }


def train(np, X, y, params, steps=300, lr=0.5, momentum=0.9, weight_decay=1e-4):
    """Full-batch SGD with momentum; returns (params, losses, accuracy)."""
    X, y = np.asarray(X), np.asarray(y)
    p = {k: np.asarray(v) for k, v in params.items()}
    vel = {k: np.zeros_like(v) for k, v in p.items()}
    n, classes = X.shape[0], p["b2"].shape[0]
    onehot = (y[:, None] == np.arange(classes)[None, :]).astype(np.float32)
    losses = []
    for _ in range(steps):
        # forward
        h_pre = X @ p["W1"] + p["b1"]
        h = np.maximum(h_pre, 0.0)
        logits = h @ p["W2"] + p["b2"]
        logits = logits - logits.max(axis=1, keepdims=True)
        e = np.exp(logits)
        probs = e / e.sum(axis=1, keepdims=True)
        loss = -np.mean(np.sum(onehot * np.log(probs + 1e-9), axis=1))
        losses.append(loss)
        # backward
        d_logits = (probs - onehot) / n
        grads = {
            "W2": h.T @ d_logits + weight_decay * p["W2"],
            "b2": d_logits.sum(axis=0),
        }
        d_h = (d_logits @ p["W2"].T) * (h_pre > 0)
        grads["W1"] = X.T @ d_h + weight_decay * p["W1"]
        grads["b1"] = d_h.sum(axis=0)
        for k in p:
            vel[k] = momentum * vel[k] - lr * grads[k]
            p[k] = p[k] + vel[k]
    h = np.maximum(X @ p["W1"] + p["b1"], 0.0)
    pred = np.argmax(h @ p["W2"] + p["b2"], axis=1)
    accuracy = float(np.mean(pred == y))
    return p, [float(v) for v in losses], accuracy


def main(np):
    X, y = make_spirals()
    _, losses, accuracy = train(np, X, y, init_params())
    print(f"loss: start {losses[0]:.4f}  step 100 {losses[100]:.4f}  end {losses[-1]:.4f}")
    print(f"training accuracy: {accuracy:.3f}")
    return losses, accuracy


if __name__ == "__main__":
    main(array_module())
