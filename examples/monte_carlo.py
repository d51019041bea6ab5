"""Monte-Carlo pricing of a European call and an Asian call, written NumPy-style.

    python examples/monte_carlo.py              # NumPy
    python examples/monte_carlo.py tmath_array  # the same code on MLX

Simulates geometric Brownian motion paths with ``np.random.default_rng``; the European
price is checked against the Black-Scholes formula. The two backends draw different
random numbers (different generators), so they agree statistically, not bit for bit.
"""

from __future__ import annotations

import math

from _backend import array_module


def black_scholes_call(s0, strike, rate, sigma, t):
    """The closed-form Black-Scholes price of a European call."""
    d1 = (math.log(s0 / strike) + (rate + 0.5 * sigma**2) * t) / (sigma * math.sqrt(t))
    d2 = d1 - sigma * math.sqrt(t)
    cdf = lambda v: 0.5 * (1.0 + math.erf(v / math.sqrt(2.0)))  # noqa: E731
    return s0 * cdf(d1) - strike * math.exp(-rate * t) * cdf(d2)


def simulate(np, n_paths=100_000, n_steps=64, s0=100.0, strike=105.0, rate=0.03,
             sigma=0.25, t=1.0, seed=7):
    """Price both options; returns {name: (price, standard error)}."""
    rng = np.random.default_rng(seed)
    dt = t / n_steps
    z = rng.standard_normal((n_paths, n_steps), dtype=np.float32)
    log_paths = np.cumsum((rate - 0.5 * sigma**2) * dt + sigma * math.sqrt(dt) * z, axis=1)
    paths = s0 * np.exp(log_paths)
    discount = math.exp(-rate * t)
    payoffs = {
        "european": np.maximum(paths[:, -1] - strike, 0.0),
        "asian": np.maximum(paths.mean(axis=1) - strike, 0.0),
    }
    out = {}
    for name, pay in payoffs.items():
        price = discount * np.mean(pay)
        stderr = discount * np.std(pay) / math.sqrt(n_paths)
        out[name] = (float(price), float(stderr))
    return out


def main(np):
    res = simulate(np)
    exact = black_scholes_call(100.0, 105.0, 0.03, 0.25, 1.0)
    for name, (price, se) in res.items():
        print(f"{name:9s} {price:8.4f} +- {se:.4f}")
    print(f"Black-Scholes european {exact:.4f}")
    return res, exact


if __name__ == "__main__":
    main(array_module())
