"""``torch.nn.parallel.DistributedDataParallel``: data-parallel training over the ranks of
the default process group (``tmath_array.torch.distributed``).

Every rank runs the same model on its part of the batch. At construction the wrapper gives
every rank rank 0's parameters and buffers; after each ``loss.backward()`` every
parameter's ``.grad`` holds the mean over the ranks, so the ranks take the same optimizer
step. The averaging is hooked into the face's autograd engine: each parameter's
post-accumulate-grad hook marks it ready, and the first one queues a callback that runs when
the backward has accumulated every leaf: it averages all the gradients in one fused
all-reduce (:func:`tmath_array.distributed.average_gradients`). Nothing is evaluated there:
the all-reduce is a node of the lazy graph, computed at the loop's next sync point together
with the optimizer step.

Differences from PyTorch (docs/distributed.md): ``device_ids``, ``output_device`` and
``dim`` are accepted and ignored (MLX has one device per process; no module is copied
across devices); there are no buckets (``bucket_cap_mb`` is ignored: one fused all-reduce
per dtype, built when the backward ends, instead of buckets overlapped with the backward);
a parameter that got no gradient is reported at the end of that backward rather than at
the next forward; with ``find_unused_parameters=True`` a parameter unused on every rank gets
a zero ``.grad`` rather than keeping None.
"""

from __future__ import annotations

import warnings
import weakref
import zlib
from contextlib import contextmanager

import mlx.core as mx

from .... import distributed as _dist
from ...._array import core as _core
from ...._array import dtypes as _d
from ...._runtime import lazy as _lazy
from ... import _engine
from ... import distributed as _tdist
from ..._tensor import commit, from_mx
from ..module import Module

__all__ = ["DistributedDataParallel"]

_NAME = "DistributedDataParallel"


class DistributedDataParallel(Module):
    """Wrap ``module`` for data-parallel training over the ranks of the process group.

    Call it as the module (``forward`` runs ``module``); ``.module`` is the wrapped module,
    and ``state_dict()`` keys start with ``module.`` as in PyTorch. After ``backward()``
    the parameters' gradients are the mean over the ranks; inside :meth:`no_sync` they
    accumulate locally.

    Raises:
        ValueError: the default process group is not initialised (and no
            ``process_group`` given); the ranks' models differ.
        RuntimeError: ``module`` has no parameter that requires a gradient.
        ValueError: an option this face does not provide (``mixed_precision``,
            ``device_mesh``, ``delay_all_reduce_named_params``...).
    """

    def __init__(self, module, device_ids=None, output_device=None, dim=0,
                 broadcast_buffers=None, init_sync=True, process_group=None,
                 bucket_cap_mb=None, find_unused_parameters=False, check_reduction=False,
                 gradient_as_bucket_view=False, static_graph=False,
                 delay_all_reduce_named_params=None, param_to_hook_all_reduce=None,
                 mixed_precision=None, device_mesh=None, skip_all_reduce_unused_params=False,
                 bucket_cap_mb_list=None, batched_grad_copy=False,
                 forward_sync_buffers=None) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"{_NAME} wraps a torch.nn.Module, got {type(module).__name__}")
        for what, value in (("mixed_precision", mixed_precision), ("device_mesh", device_mesh),
                            ("delay_all_reduce_named_params", delay_all_reduce_named_params),
                            ("param_to_hook_all_reduce", param_to_hook_all_reduce)):
            if value is not None:
                raise ValueError(f"{_NAME}: {what} is not supported by "
                                 "tmath_array.torch (docs/distributed.md)")
        group = _tdist._group(_NAME, process_group)
        params = [p for p in module.parameters() if p.requires_grad]
        if not params:
            raise RuntimeError("DistributedDataParallel is not needed when a module doesn't "
                               "have any parameter that requires a gradient.")
        if broadcast_buffers is not None:
            if forward_sync_buffers is not None:
                warnings.warn("Both `broadcast_buffers` and `forward_sync_buffers` were "
                              "specified. `broadcast_buffers` is deprecated and its value is "
                              "ignored when `forward_sync_buffers` is provided.",
                              FutureWarning, stacklevel=2)
            else:
                warnings.warn("`broadcast_buffers` is deprecated. Use `forward_sync_buffers` "
                              "instead. IMPORTANT: unlike `broadcast_buffers=False`, "
                              "`forward_sync_buffers=False` still syncs buffers at init. If "
                              "you rely on buffers NOT being synced at init (e.g. rank-local "
                              "buffers), keep using `broadcast_buffers=False` until "
                              "`init_sync_buffers` is available.", FutureWarning, stacklevel=2)
        if forward_sync_buffers is not None:
            self.forward_sync_buffers = bool(forward_sync_buffers)
            init_sync_buffers = True
        else:
            self.forward_sync_buffers = broadcast_buffers is None or bool(broadcast_buffers)
            init_sync_buffers = self.forward_sync_buffers
        if check_reduction:
            warnings.warn("The `check_reduction` argument in `DistributedDataParallel` module "
                          "is deprecated. Please avoid using it.", FutureWarning, stacklevel=2)
        self.module = module
        # Note: one MLX device per process; nothing is replicated or scattered across
        # devices, so device_ids, output_device and dim have nothing to select.
        self.device_ids = None
        self.output_device = None
        self.dim = dim
        self.process_group = group
        self.find_unused_parameters = bool(find_unused_parameters)
        self.gradient_as_bucket_view = gradient_as_bucket_view
        self.static_graph = bool(static_graph)
        self.bucket_cap_mb = bucket_cap_mb
        self.require_backward_grad_sync = True
        self.require_forward_param_sync = True
        self._params = params
        self._param_names = {id(p): n for n, p in module.named_parameters()}
        self._sync_backward = True   # whether the backward of the last forward averages
        self._ready: set = set()     # indices of the parameters whose grad this backward made
        if init_sync and group.size() > 1:
            _verify_same_model(group, params)
            sync = list(params)
            if init_sync_buffers:
                sync += [b for _, b in module.named_buffers()]
            _assign_all(sync, _dist.broadcast_tree(sync, 0, group=group))
        me = weakref.ref(self)
        self._hook_handles = [p.register_post_accumulate_grad_hook(_ready_hook(me, i))
                              for i, p in enumerate(params)]

    # --- forward ------------------------------------------------------------------------
    def forward(self, *inputs, **kwargs):
        grad_sync = _engine.is_grad_enabled() and self.require_backward_grad_sync
        if self.require_forward_param_sync and self.forward_sync_buffers:
            self._sync_buffers()
        self._sync_backward = grad_sync
        self._ready = set()
        out = self.module(*inputs, **kwargs)
        self.require_forward_param_sync = grad_sync
        return out

    def _sync_buffers(self) -> None:
        buffers = [b for _, b in self.module.named_buffers()]
        if buffers and self.process_group.size() > 1:
            _assign_all(buffers, _dist.broadcast_tree(buffers, 0, group=self.process_group))

    @contextmanager
    def no_sync(self):
        """Inside, backward passes accumulate gradients locally, without averaging; the first
        backward after it (of a forward run outside it) averages the accumulated gradients.

        ::

            with ddp.no_sync():
                for x in micro_batches[:-1]:
                    loss_fn(ddp(x)).backward()     # local accumulation
            loss_fn(ddp(micro_batches[-1])).backward()  # averages the sum
        """
        old = self.require_backward_grad_sync
        self.require_backward_grad_sync = False
        try:
            yield
        finally:
            self.require_backward_grad_sync = old

    # --- backward -------------------------------------------------------------------------
    def _grad_ready(self, index: int) -> None:
        """A parameter's ``.grad`` was accumulated by the running backward."""
        if not self._sync_backward:
            return
        if not self._ready:
            _engine.queue_callback(self._reduce)
        self._ready.add(index)

    def _reduce(self) -> None:
        """The running backward has accumulated every leaf: average the gradients."""
        ready, self._ready = self._ready, set()
        params = self._params
        if len(ready) < len(params) and not self.find_unused_parameters:
            missing = [i for i in range(len(params)) if i not in ready]
            names = ", ".join(self._param_names.get(id(params[i]), "?") for i in missing)
            raise RuntimeError(
                "Expected every parameter to receive a gradient in this backward pass. This "
                "error indicates that your module has parameters that were not used in "
                "producing loss. You can enable unused parameter detection by passing the "
                "keyword argument `find_unused_parameters=True` to "
                "`torch.nn.parallel.DistributedDataParallel`, and by making sure all "
                "`forward` function outputs participate in calculating loss. Parameter "
                f"indices which did not receive grad for rank {self.process_group.rank()}: "
                f"{' '.join(map(str, missing))} (names: {names})")
        group = self.process_group
        if group.size() == 1:
            return
        grads = []
        for p in params:
            g = p._grad
            if g is None:  # unused here (find_unused_parameters): this rank adds zeros
                g = from_mx(mx.zeros(p._array.shape, p._array.dtype), p._dtype, p._device)
            grads.append(g)
        avg = _dist.average_gradients(grads, group=group)
        for p, a in zip(params, avg):
            if p._grad is None:
                p._grad = from_mx(a._array, p._dtype, p._device)
            else:
                p._grad._array = a._array



def _ready_hook(ref, index: int):
    def hook(param) -> None:
        ddp = ref()
        if ddp is not None:
            ddp._grad_ready(index)
    return hook


def _assign_all(tensors, values) -> None:
    """Give each parameter or buffer its new value in place (its identity is kept)."""
    for t, v in zip(tensors, values):
        if v is not t:
            commit(t, v._array)


def _verify_same_model(group, params) -> None:
    """Every rank has parameters of the same shapes and dtypes, in the same order (one sync
    point; without it, a fused broadcast of mismatched sizes would wait forever)."""
    shapes = ";".join(f"{tuple(p._array.shape)}{p._array.dtype}" for p in params)
    mine = mx.array([[len(params), sum(p._array.size for p in params),
                      zlib.crc32(shapes.encode())]], dtype=mx.int64)
    allv = _dist.all_gather(_core.new(mine, _d.int64, params[0]._device), group=group)._array
    _lazy.materialize(_lazy.EXPLICIT, allv)
    rows = allv.tolist()
    r = group.rank()
    for s, row in enumerate(rows):
        if row != rows[r]:
            raise ValueError(
                f"DDP expects same model across all ranks, but Rank {r} has {rows[r][0]} "
                f"params ({rows[r][1]} elements), while rank {s} has inconsistent "
                f"{row[0]} params ({row[1]} elements)"
                + ("" if row[:2] != rows[r][:2] else " of other shapes or dtypes"))
