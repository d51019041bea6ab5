"""``torch.optim.Optimizer``: parameter groups, state, ``zero_grad``, ``state_dict``.

An optimizer's ``step()`` updates each parameter in place with one lazy MLX expression of
its gradient and state (no sync point: nothing is evaluated until the loop reads a value,
typically ``loss.item()``). The update runs on the parameters' MLX arrays directly, outside
autograd (as PyTorch's ``step`` runs under ``no_grad``), and bumps each parameter's
version counter, so a graph that saved the old value refuses a later ``backward`` as
PyTorch does.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import mlx.core as mx

from .._tensor import Tensor, commit, from_mx

_required = object()


class _RequiredParameter:
    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _check_params(params) -> list:
    if isinstance(params, Tensor):
        raise TypeError("params argument given to the optimizer should be an iterable of "
                        "Tensors or dicts, but got " + type(params).__name__)
    if isinstance(params, dict):
        raise TypeError("params argument given to the optimizer should be an iterable of "
                        "Tensors or dicts, but got dict")
    params = list(params)
    if not params:
        raise ValueError("optimizer got an empty parameter list")
    return params


class Optimizer:
    """Base class of the optimizers (PyTorch's ``torch.optim.Optimizer``).

    Subclasses set ``defaults`` and implement :meth:`_update`, a function of one
    parameter's MLX arrays (value, gradient, state) returning the new value and state.
    """

    def __init__(self, params: Iterable, defaults: dict) -> None:
        self.defaults = dict(defaults)
        self.state: dict = {}
        self.param_groups: list[dict] = []
        groups = _check_params(params)
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def __repr__(self) -> str:
        lines = [type(self).__name__ + " ("]
        for i, g in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for k in sorted(g):
                if k != "params":
                    lines.append(f"    {k}: {g[k]}")
        lines.append(")")
        return "\n".join(lines)

    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters with its own options (the defaults fill the rest)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        group = dict(param_group)
        params = group["params"]
        params = [params] if isinstance(params, Tensor) else list(params)
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params "
                                "is " + type(p).__name__)
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        group["params"] = params
        for k, v in self.defaults.items():
            if v is required and k not in group:
                raise ValueError(f"parameter group didn't specify a value of required "
                                 f"optimization parameter {k}")
            group.setdefault(k, v)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        if len({id(p) for p in params}) != len(params):
            raise ValueError("optimizer contains a parameter group with duplicate parameters")
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group: dict) -> None:
        lr = group.get("lr")
        if isinstance(lr, (int, float)) and lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear every parameter's gradient (``None``, or zeros with ``set_to_none=False``)."""
        for g in self.param_groups:
            for p in g["params"]:
                if p._grad is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    gr = p._grad
                    p._grad = from_mx(mx.zeros_like(gr._array), gr._dtype, gr._device)

    def step(self, closure=None):
        """One update of every parameter that has a gradient; returns ``closure()``'s loss."""
        loss = None
        if closure is not None:
            from .._engine import mode

            was = mode.enabled
            mode.enabled = True
            try:
                loss = closure()
            finally:
                mode.enabled = was
        for group in self.param_groups:
            for p in group["params"]:
                grad = p._grad
                if grad is None:
                    continue
                state = self.state.setdefault(p, {})
                new = self._update(p._array, grad._array, state, group)
                if new.dtype != p._array.dtype:
                    new = new.astype(p._array.dtype)
                commit(p, new)
        return loss

    def _update(self, p: mx.array, g: mx.array, state: dict, group: dict) -> mx.array:
        raise NotImplementedError  # each optimizer defines its update

    # --- state_dict ----------------------------------------------------------------------
    def state_dict(self) -> dict:
        """``{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]}`` as
        PyTorch's: parameters are numbered in group order; state tensors are Tensors."""
        index = {}
        groups = []
        for g in self.param_groups:
            ids = []
            for p in g["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            groups.append({**{k: v for k, v in g.items() if k != "params"}, "params": ids})
        state = {}
        for g in self.param_groups:
            for p in g["params"]:
                if self.state.get(p):
                    state[index[id(p)]] = {k: _export(v) for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore what :meth:`state_dict` gave (parameters matched by position)."""
        groups = state_dict["param_groups"]
        if len(groups) != len(self.param_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        for mine, theirs in zip(self.param_groups, groups):
            if len(mine["params"]) != len(theirs["params"]):
                raise ValueError("loaded state dict contains a parameter group that doesn't "
                                 "match the size of optimizer's group")
        state = {int(k): v for k, v in state_dict["state"].items()}
        self.state = {}
        for mine, theirs in zip(self.param_groups, groups):
            for p, i in zip(mine["params"], theirs["params"]):
                if i in state:
                    self.state[p] = {k: _import(v, p, k) for k, v in state[i].items()}
            for k, v in theirs.items():
                if k != "params":
                    mine[k] = v


def _export(v):
    if isinstance(v, mx.array):
        from ..._array.devices import CPU
        from .._tensor import wrap_mx

        return wrap_mx(v, CPU)
    return v


def _import(v, p: Tensor, key: str):
    if key == "step":  # a float32 count, whatever the parameter's dtype
        return mx.array(v._array if isinstance(v, Tensor) else v, dtype=mx.float32)
    if isinstance(v, Tensor):
        a = v._array
        if a.dtype != p._array.dtype and mx.issubdtype(a.dtype, mx.floating):
            a = a.astype(p._array.dtype)
        return a
    return v


def _float(name: str, value, low: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a float, got {type(value).__name__}")
    if not value >= low or math.isnan(value):
        raise ValueError(f"Invalid {name} value: {value}")
    return float(value)
