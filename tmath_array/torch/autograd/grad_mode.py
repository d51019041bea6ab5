"""``torch.no_grad``, ``enable_grad``, ``inference_mode``, ``set_grad_enabled``: context
managers and decorators that switch the recording of operations (per thread)."""

from __future__ import annotations

import functools
import inspect

from .. import _engine

_mode = _engine.mode


class _GradMode:
    """Base: ``with no_grad():``, ``@no_grad()`` and ``@no_grad`` all work."""

    _enable = False

    def __init__(self, orig_func=None) -> None:
        self._orig = orig_func if callable(orig_func) else None
        self._prev = []
        if self._orig is not None:
            functools.update_wrapper(self, self._orig)

    def __enter__(self):
        self._prev.append(_mode.enabled)
        _mode.enabled = self._enable
        return None

    def __exit__(self, *exc) -> bool:
        _mode.enabled = self._prev.pop()
        return False

    def clone(self):
        return self.__class__()

    def __call__(self, *args, **kwargs):
        if self._orig is not None:
            with self.clone():
                return self._orig(*args, **kwargs)
        if len(args) != 1 or kwargs or not callable(args[0]):
            raise TypeError(f"{type(self).__name__}() as a decorator takes one function")
        fn = args[0]
        maker = self.clone
        if inspect.isgeneratorfunction(fn):
            @functools.wraps(fn)
            def gen(*a, **k):
                with maker():
                    yield from fn(*a, **k)
            return gen

        @functools.wraps(fn)
        def wrapper(*a, **k):
            with maker():
                return fn(*a, **k)
        return wrapper


class no_grad(_GradMode):  # noqa: N801 - PyTorch's name
    """Operations inside do not record for autograd (``with torch.no_grad():``)."""

    _enable = False


class enable_grad(_GradMode):  # noqa: N801
    """Operations inside record for autograd again (inside a ``no_grad`` block)."""

    _enable = True


class inference_mode(_GradMode):  # noqa: N801
    """``no_grad`` (``inference_mode(False)`` records).

    Note: PyTorch also marks tensors made inside as inference tensors (refused later by
    autograd); here they are ordinary tensors that do not require grad.
    """

    def __init__(self, mode=True) -> None:
        if callable(mode):
            super().__init__(mode)
            self._flag = True
        else:
            super().__init__(None)
            self._flag = bool(mode)
        self._enable = not self._flag

    def clone(self):
        return inference_mode(self._flag)


class set_grad_enabled(_GradMode):  # noqa: N801
    """Switch grad mode now (``torch.set_grad_enabled(False)``) or for a block."""

    def __init__(self, mode: bool) -> None:
        super().__init__(None)
        self._flag = bool(mode)
        self._enable = self._flag
        self._prev.append(_mode.enabled)
        _mode.enabled = self._flag

    def __enter__(self):
        return None

    def __exit__(self, *exc) -> bool:
        _mode.enabled = self._prev.pop() if self._prev else True
        return False

    def clone(self):
        # Note: set_grad_enabled sets the mode when made; a clone for a decorator must not.
        prev = _mode.enabled
        c = set_grad_enabled(self._flag)
        c._prev = [prev]
        return c


def is_inference_mode_enabled() -> bool:
    return not _mode.enabled
