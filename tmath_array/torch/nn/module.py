"""``torch.nn.Module`` and ``Parameter``: PyTorch's registration, traversal and state.

Attribute assignment registers what it assigns, as PyTorch's ``Module.__setattr__`` does:
a :class:`Parameter` goes into ``_parameters``, a Module into ``_modules``, a tensor passed
to :meth:`Module.register_buffer` into ``_buffers``. Everything else (``parameters()``,
``named_modules()``, ``state_dict()``, ``train()``/``eval()``, ``to()``, ``apply``,
``zero_grad``) walks those three dicts in insertion order, so names and orders match
PyTorch's and a PyTorch ``state_dict`` (through NumPy) loads by name.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

import mlx.core as mx

from ..._array import views as _views
from ..._array.array import Array
from .._tensor import Tensor, commit, from_mx


class Parameter(Tensor):
    """A tensor that a Module registers as a parameter (``requires_grad=True`` by default)."""

    def __new__(cls, data=None, requires_grad: bool = True):
        if data is None:
            data = from_mx(mx.zeros((0,)), *_float_default())
        if not isinstance(data, Array):
            raise TypeError(f"Parameter takes a tensor, got {type(data).__name__}")
        p = object.__new__(cls)
        p._array = data._array
        p._dtype = data._dtype
        p._device = data._device
        if requires_grad:
            p.requires_grad_(True)
        return p

    def __init__(self, data=None, requires_grad: bool = True) -> None:
        pass

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    def __reduce_ex__(self, protocol):
        raise TypeError("Parameters are saved with torch.save(module.state_dict(), f)")


def _float_default():
    from ..._array.devices import CPU
    from .. import _types

    return _types.get_default_dtype(), CPU


class Module:
    """Base class of every layer and model: subclass it, assign layers and Parameters in
    ``__init__``, compute in ``forward``; call the module to run ``forward``."""

    training: bool
    _version = 1
    call_super_init = False

    def __init__(self, *args, **kwargs) -> None:
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() takes no arguments")
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_non_persistent_buffers_set", set())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())

    def forward(self, *args, **kwargs):
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required '
                                  '"forward" function')

    def __call__(self, *args, **kwargs):
        for hook in self.__dict__.get("_forward_pre_hooks", {}).values():
            res = hook(self, args)
            if res is not None:
                args = res if isinstance(res, tuple) else (res,)
        out = self.forward(*args, **kwargs)
        for hook in self.__dict__.get("_forward_hooks", {}).values():
            res = hook(self, args, out)
            if res is not None:
                out = res
        return out

    def register_forward_hook(self, hook):
        return _Handle(self._forward_hooks, hook)

    def register_forward_pre_hook(self, hook):
        return _Handle(self._forward_pre_hooks, hook)

    # --- registration ----------------------------------------------------------------
    def _check_init(self) -> None:
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign before Module.__init__() call")

    def __setattr__(self, name: str, value) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            self._check_init()
            _remove_from(d, name, self._buffers, self._modules)
            params[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as parameter "
                                f"'{name}' (torch.nn.Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Module):
            self._check_init()
            _remove_from(d, name, self._parameters, self._buffers)
            self._modules[name] = value
        elif d.get("_modules") is not None and name in d["_modules"]:
            if value is not None:
                raise TypeError(f"cannot assign '{type(value).__name__}' as child module "
                                f"'{name}' (torch.nn.Module or None expected)")
            self._modules[name] = None
        elif d.get("_buffers") is not None and name in d["_buffers"]:
            if value is not None and not isinstance(value, Array):
                raise TypeError(f"cannot assign '{type(value).__name__}' as buffer '{name}' "
                                "(torch.Tensor or None expected)")
            self._buffers[name] = value
        else:
            object.__setattr__(self, name, value)

    def __getattr__(self, name: str):
        d = self.__dict__
        for store in ("_parameters", "_buffers", "_modules"):
            s = d.get(store)
            if s is not None and name in s:
                return s[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        for store in (self._parameters, self._buffers, self._modules):
            if name in store:
                del store[name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers)
                      | set(self._modules))

    def register_parameter(self, name: str, param) -> None:
        self._check_init()
        _check_name(name, self, "parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"cannot assign '{type(param).__name__}' object to parameter "
                            f"'{name}' (torch.nn.Parameter or None required)")
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor, persistent: bool = True) -> None:
        self._check_init()
        _check_name(name, self, "buffer")
        if tensor is not None and not isinstance(tensor, Array):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer "
                            f"'{name}' (torch Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module) -> None:
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        self._check_init()
        _check_name(name, self, "module", dots_ok=False)
        self._modules[name] = module

    register_module = add_module

    def get_submodule(self, target: str) -> Module:
        mod = self
        for item in target.split(".") if target else []:
            if item not in mod._modules:
                raise AttributeError(f"{type(mod).__name__} has no attribute `{item}`")
            mod = mod._modules[item]
        return mod

    def get_parameter(self, target: str) -> Parameter:
        mod_path, _, name = target.rpartition(".")
        mod = self.get_submodule(mod_path)
        if name not in mod._parameters:
            raise AttributeError(f"{type(mod).__name__} has no parameter `{name}`")
        return mod._parameters[name]

    # --- traversal --------------------------------------------------------------------
    def named_modules(self, memo=None, prefix: str = "", remove_duplicate: bool = True):
        if memo is None:
            memo = set()
        if self in memo and remove_duplicate:
            return
        if remove_duplicate:
            memo.add(self)
        yield prefix, self
        for name, m in self._modules.items():
            if m is None:
                continue
            yield from m.named_modules(memo, prefix + ("." if prefix else "") + name,
                                       remove_duplicate)

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_children(self):
        seen = set()
        for name, m in self._modules.items():
            if m is not None and m not in seen:
                seen.add(m)
                yield name, m

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def _named_members(self, store: str, prefix: str, recurse: bool, remove_duplicate=True):
        seen = set()
        mods = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) \
            if recurse else [(prefix, self)]
        for mp, m in mods:
            for name, v in getattr(m, store).items():
                if v is None or (remove_duplicate and id(v) in seen):
                    continue
                seen.add(id(v))
                yield mp + ("." if mp else "") + name, v

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True):
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True):
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True):
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    # --- modes, gradients, devices ------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.parameters():
            if p._grad is None:
                continue
            if set_to_none:
                p._grad = None
            else:
                g = p._grad
                p._grad = from_mx(mx.zeros_like(g._array), g._dtype, g._device)

    def apply(self, fn) -> Module:
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    def _apply_tensors(self, convert) -> Module:
        for m in self.modules():
            for store in (m._parameters, m._buffers):
                for t in store.values():
                    if t is not None:
                        new = convert(t)
                        if new is not t:
                            _replace_data(t, new)
        return self

    def to(self, *args, **kwargs) -> Module:
        """Move/cast parameters and buffers in place: ``to(device)``, ``to(dtype)``
        (floating-point tensors only, as PyTorch), ``to(tensor)``."""
        def convert(t):
            return t.to(*args, **kwargs) if t.is_floating_point() or not _has_dtype(args,
                                                                                       kwargs) \
                else t.to(*(a for a in args if not _is_dtype(a)),
                          **{k: v for k, v in kwargs.items() if k != "dtype"})
        return self._apply_tensors(convert)

    def cpu(self) -> Module:
        return self.to("cpu")

    def cuda(self, device=None) -> Module:
        return self.to("cuda" if device is None else device)

    def float(self) -> Module:
        return self._apply_tensors(lambda t: t.float() if t.is_floating_point() else t)

    def double(self) -> Module:
        return self._apply_tensors(lambda t: t.double() if t.is_floating_point() else t)

    def half(self) -> Module:
        return self._apply_tensors(lambda t: t.half() if t.is_floating_point() else t)

    def bfloat16(self) -> Module:
        return self._apply_tensors(lambda t: t.bfloat16() if t.is_floating_point() else t)

    # --- state ------------------------------------------------------------------------
    def state_dict(self, *args, destination=None, prefix: str = "", keep_vars: bool = False):
        """Parameters and persistent buffers by dotted name (detached, unless keep_vars)."""
        out = OrderedDict() if destination is None else destination
        for mp, m in self.named_modules(prefix=prefix.rstrip("."), remove_duplicate=False):
            pre = mp + "." if mp else ""
            for name, p in m._parameters.items():
                if p is not None:
                    out[pre + name] = p if keep_vars else p.detach()
            for name, b in m._buffers.items():
                if b is not None and name not in m._non_persistent_buffers_set:
                    out[pre + name] = b if keep_vars else (b.detach() if hasattr(b, "detach")
                                                           else b)
        return out

    def load_state_dict(self, state_dict, strict: bool = True, assign: bool = False):
        """Copy values by name (shapes must match); returns ``(missing_keys,
        unexpected_keys)`` as PyTorch's named tuple; ``strict`` raises on either."""
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        for k, target in own.items():
            if k not in state_dict:
                continue
            src = state_dict[k]
            if not isinstance(src, Array):
                src = _as_tensor(src)
            if tuple(src.shape) != tuple(target.shape):
                errors.append(f"size mismatch for {k}: copying a param with shape "
                              f"{_size(src.shape)} from checkpoint, the shape in current model "
                              f"is {_size(target.shape)}.")
                continue
            a = src._array
            if a.dtype != target._array.dtype:
                a = a.astype(target._array.dtype)
            commit(target, a)
        if strict and (missing or unexpected):
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in unexpected) + ". ")
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in missing) + ". ")
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:\n\t"
                               + "\n\t".join(errors))
        return _IncompatibleKeys(missing, unexpected)

    # --- printing ---------------------------------------------------------------------
    def extra_repr(self) -> str:
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def __repr__(self) -> str:
        extra = self.extra_repr()
        lines = extra.split("\n") if extra else []
        for name, m in self._modules.items():
            r = repr(m).replace("\n", "\n  ")
            lines.append(f"({name}): {r}")
        main = self._get_name() + "("
        if lines:
            if len(lines) == 1 and not self._modules:
                main += lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"

    def __setstate__(self, state):
        self.__dict__.update(state)


class _Handle:
    _next = 0

    def __init__(self, store: dict, hook) -> None:
        _Handle._next += 1
        self.id = _Handle._next
        self._store = store
        store[self.id] = hook

    def remove(self) -> None:
        self._store.pop(self.id, None)


class _IncompatibleKeys(tuple):
    def __new__(cls, missing, unexpected):
        return super().__new__(cls, (missing, unexpected))

    @property
    def missing_keys(self):
        return self[0]

    @property
    def unexpected_keys(self):
        return self[1]

    def __repr__(self) -> str:
        if not self[0] and not self[1]:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self[0]}, unexpected_keys={self[1]})"


def _remove_from(d, name, *stores) -> None:
    for s in stores:
        if s is not None and name in s:
            del s[name]
    d.pop(name, None)


def _check_name(name, module, what: str, dots_ok: bool = False) -> None:
    if not isinstance(name, str):
        raise TypeError(f"{what} name should be a string. Got {type(name).__name__}")
    if not name:
        raise KeyError(f'{what} name can\'t be empty string ""')
    if "." in name and not dots_ok:
        raise KeyError(f'{what} name can\'t contain "."')
    if "." in name:
        raise KeyError(f'{what} name can\'t contain "."')
    if hasattr(module, name) and name not in module._parameters and \
            name not in module._buffers and name not in module._modules:
        raise KeyError(f"attribute '{name}' already exists")


def _size(shape) -> str:
    return f"torch.Size([{', '.join(str(s) for s in shape)}])"


def _as_tensor(x):
    import tmath_array.torch as torch

    return torch.as_tensor(x)


def _is_dtype(a) -> bool:
    from ..._array.dtypes import DType

    return isinstance(a, DType)


def _has_dtype(args, kwargs) -> bool:
    return "dtype" in kwargs or any(_is_dtype(a) for a in args)


def _replace_data(t, new) -> None:
    """Give ``t`` (a parameter or buffer, kept by identity) ``new``'s data, dtype, device
    (new storage: views of the old one keep it, as in PyTorch)."""
    _views.release(t)
    t._array = new._array
    t._dtype = new._dtype
    t._device = new._device
    t._version = getattr(t, "_version", 0) + 1
