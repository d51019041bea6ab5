"""The optimizers: PyTorch's update rules (its documented algorithms), on MLX arrays.

Each ``_update`` is the "for t = 1 to ..." body of PyTorch's documentation for one
parameter, written with MLX operations: lazy, no sync point. Step counts are float32 MLX
scalars in the state (as PyTorch keeps ``state["step"]`` as a tensor), so a compiled
training step (``torch.compile``) carries them as state instead of freezing them;
hyper-parameters are read from the group at each step, so schedulers and
``param_groups[i]["lr"] = ...`` take effect as in PyTorch.
"""

from __future__ import annotations

import mlx.core as mx

from .optimizer import Optimizer, _float


def _py(group: dict, key: str):
    """A hyper-parameter's Python value, for a decision (``if momentum:``): under
    ``torch.compile`` the group holds traced scalars and the Python values in ``__py__``."""
    return group.get("__py__", group)[key]


def _next_step(state: dict) -> mx.array:
    step = state.get("step")
    step = mx.array(1.0, dtype=mx.float32) if step is None else step + 1.0
    state["step"] = step
    return step


def _decayed(p: mx.array, g: mx.array, group: dict) -> mx.array:
    """``g`` with L2 weight decay and ``maximize`` applied (PyTorch's first lines)."""
    if group.get("maximize"):
        g = -g
    if _py(group, "weight_decay"):
        g = g + group["weight_decay"] * p
    return g


class SGD(Optimizer):
    """Stochastic gradient descent with momentum, dampening, Nesterov and weight decay."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False) -> None:
        _float("learning rate", lr)
        _float("momentum", momentum)
        _float("weight_decay", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, {"lr": lr, "momentum": momentum, "dampening": dampening,
                                  "weight_decay": weight_decay, "nesterov": nesterov,
                                  "maximize": maximize})

    def _update(self, p, g, state, group):
        g = _decayed(p, g, group)
        mom = group["momentum"]
        if _py(group, "momentum"):
            buf = state.get("momentum_buffer")
            buf = g if buf is None else mom * buf + (1 - group["dampening"]) * g
            state["momentum_buffer"] = buf
            g = g + mom * buf if group["nesterov"] else buf
        return p - group["lr"] * g


class Adam(Optimizer):
    """Adam (Kingma and Ba), with PyTorch's bias correction, ``amsgrad`` and weight decay."""

    _decoupled = False

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, maximize=False) -> None:
        _float("learning rate", lr)
        _float("epsilon", eps)
        _float("weight_decay", weight_decay)
        b1, b2 = betas
        if not 0.0 <= b1 < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {b1}")
        if not 0.0 <= b2 < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {b2}")
        super().__init__(params, {"lr": lr, "betas": tuple(betas), "eps": eps,
                                  "weight_decay": weight_decay, "amsgrad": amsgrad,
                                  "maximize": maximize})

    def _update(self, p, g, state, group):
        lr = group["lr"]
        if self._decoupled:
            if group.get("maximize"):
                g = -g
            p = p * (1 - lr * group["weight_decay"])
        else:
            g = _decayed(p, g, group)
        b1, b2 = group["betas"]
        step = _next_step(state)
        m = state.get("exp_avg")
        v = state.get("exp_avg_sq")
        m = (1 - b1) * g if m is None else b1 * m + (1 - b1) * g
        v = (1 - b2) * (g * g) if v is None else b2 * v + (1 - b2) * (g * g)
        state["exp_avg"], state["exp_avg_sq"] = m, v
        bc1 = (1 - mx.power(b1, step)).astype(p.dtype)
        bc2_sqrt = mx.sqrt(1 - mx.power(b2, step)).astype(p.dtype)
        if group["amsgrad"]:
            vmax = state.get("max_exp_avg_sq")
            vmax = v if vmax is None else mx.maximum(vmax, v)
            state["max_exp_avg_sq"] = vmax
            denom = mx.sqrt(vmax) / bc2_sqrt + group["eps"]
        else:
            denom = mx.sqrt(v) / bc2_sqrt + group["eps"]
        return p - (lr / bc1) * (m / denom)


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov and Hutter); PyTorch's default 0.01."""

    _decoupled = True

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False) -> None:
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad, maximize=maximize)


class RMSprop(Optimizer):
    """RMSprop (Hinton), with PyTorch's ``centered``, ``momentum`` and weight decay."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, *, maximize=False) -> None:
        _float("learning rate", lr)
        _float("epsilon", eps)
        _float("momentum", momentum)
        _float("weight_decay", weight_decay)
        _float("alpha", alpha)
        super().__init__(params, {"lr": lr, "alpha": alpha, "eps": eps,
                                  "weight_decay": weight_decay, "momentum": momentum,
                                  "centered": centered, "maximize": maximize})

    def _update(self, p, g, state, group):
        g = _decayed(p, g, group)
        alpha = group["alpha"]
        sq = state.get("square_avg")
        sq = (1 - alpha) * (g * g) if sq is None else alpha * sq + (1 - alpha) * (g * g)
        state["square_avg"] = sq
        _next_step(state)
        if group["centered"]:
            ga = state.get("grad_avg")
            ga = (1 - alpha) * g if ga is None else alpha * ga + (1 - alpha) * g
            state["grad_avg"] = ga
            avg = mx.sqrt(sq - ga * ga) + group["eps"]
        else:
            avg = mx.sqrt(sq) + group["eps"]
        mom = group["momentum"]
        if _py(group, "momentum") > 0:
            buf = state.get("momentum_buffer")
            buf = g / avg if buf is None else mom * buf + g / avg
            state["momentum_buffer"] = buf
            return p - group["lr"] * buf
        return p - group["lr"] * (g / avg)


class Adagrad(Optimizer):
    """Adagrad (Duchi et al.), with PyTorch's ``lr_decay`` and initial accumulator."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0,
                 initial_accumulator_value=0, eps=1e-10, *, maximize=False) -> None:
        _float("learning rate", lr)
        _float("lr_decay", lr_decay)
        _float("weight_decay", weight_decay)
        _float("initial_accumulator_value", initial_accumulator_value)
        _float("epsilon", eps)
        super().__init__(params, {"lr": lr, "lr_decay": lr_decay, "weight_decay": weight_decay,
                                  "initial_accumulator_value": initial_accumulator_value,
                                  "eps": eps, "maximize": maximize})

    def _update(self, p, g, state, group):
        g = _decayed(p, g, group)
        step = _next_step(state)
        acc = state.get("sum")
        if acc is None:
            acc = mx.full(p.shape, group["initial_accumulator_value"], dtype=p.dtype)
        acc = acc + g * g
        state["sum"] = acc
        clr = (group["lr"] / (1 + (step - 1) * group["lr_decay"])).astype(p.dtype)
        return p - clr * (g / (mx.sqrt(acc) + group["eps"]))
