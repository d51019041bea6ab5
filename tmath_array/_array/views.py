"""Views: arrays that share their elements with another array, over immutable MLX arrays.

MLX arrays are values; NumPy's and PyTorch's users expect a write through ``x[1:]``,
``x.T``, ``row = A[i]`` to reach ``x``. A view here is an ordinary :class:`Array` (its
``_array`` is read directly, as every array's is) that is registered with its **root**
(the array that owns the elements) and a **recipe** saying how the view reads the root:

* a recipe is a tuple of *stages*; a stage is ``(transforms, strided)``: elementwise
  reinterpretations of the stage's input (``real``, ``imag``, a dtype view), then a
  :class:`Strided` layout (offset, shape and strides in elements over the C-ordered
  elements of the transformed input), which is what NumPy's strides say, so basic
  indexing, transposes, ``diagonal`` and NumPy's reshape-without-copy rule compose into
  one layout: a view of a view is one stage over the root, never a chain.
* A write to a view (``__setitem__``, in-place operators, ``fill``, ``sort``...) computes
  the view's new value as for any array, then :func:`commit` turns it into a lazy update
  of the root (``slice_update`` when the layout is a slice or a contiguous run of the
  root, else a scatter at the layout's flat positions), and every live view of the root
  re-derives its ``_array`` from the new root (a push: reads stay one attribute access).
  A write to a root refreshes its live views the same way; :func:`write_basic` writes
  ``v[key] = value`` straight into the root. Nothing is evaluated.
* Every in-place write of the package goes through :func:`commit` (or
  :func:`write_basic`): never assign an array's ``_array`` directly to change its value.

Making a view only queues it (:func:`derived`); it is registered (a weak reference with
its root and recipe) when something needs the registry, and its recipe is worked out on
first use. ``host_cache`` holds the host copies of evaluated vectors that element reads
use (``array.host_element``); a write drops them. See docs/views.md.
"""

from __future__ import annotations

import builtins
import math
import sys
import threading
import weakref

import mlx.core as mx

from .._runtime import lazy as _lazy
from .indexing import fit_value, is_basic

# id(view) -> its _Ref; id(root) -> {id(view): _Ref} of its live views.
_VIEWS: dict[int, _Ref] = {}
# id(array) -> (weak reference to it, its MLX array, a NumPy view of that evaluated array):
# element reads of evaluated vectors (array.host_element); a write drops the entry.
host_cache: dict[int, tuple] = {}
_ROOTS: dict[int, dict[int, _Ref]] = {}
# Writes that go through a root (write-through and refresh) are serialised.
_lock = threading.RLock()


class Strided:
    """A layout over the C-ordered elements of an array of shape ``in_shape``."""

    __slots__ = ("in_shape", "offset", "shape", "strides", "_key", "_mode")

    def __init__(self, in_shape, offset, shape, strides):
        self.in_shape = tuple(in_shape)
        self.offset = offset
        self.shape = tuple(shape)
        self.strides = tuple(strides)
        self._key = False  # not worked out yet
        self._mode = None

    def mode(self) -> str:
        """How to read and write the layout: "whole" (all of the input, reshaped),
        "block" (one contiguous run), "key" (a basic index) or "strided"."""
        m = self._mode
        if m is None:
            if self.block():
                whole = self.offset == 0 and math.prod(self.shape) == math.prod(self.in_shape)
                m = "whole" if whole else "block"
            else:
                m = "key" if self.key() is not None else "strided"
            self._mode = m
        return m

    @staticmethod
    def identity(shape) -> Strided:
        return Strided(shape, 0, shape, c_strides(shape))

    def is_identity(self) -> bool:
        return self.shape == self.in_shape and self.offset == 0 and \
            all(n == 1 or s == c for n, s, c in zip(self.shape, self.strides,
                                                    c_strides(self.shape)))

    def block(self) -> bool:
        """Whether the layout is one contiguous run of the input's elements, in order."""
        return all(n == 1 or s == c for n, s, c in zip(self.shape, self.strides,
                                                       c_strides(self.shape)))

    def key(self):
        """The basic index of the input that selects this layout (a tuple of ints and
        slices, one per input axis), or None when there is none (a transpose, a diagonal)."""
        if self._key is False:
            self._key = _key_of(self)
        return self._key


def c_strides(shape) -> tuple[int, ...]:
    strides = []
    s = 1
    for n in reversed(tuple(shape)):
        strides.append(s)
        s *= builtins.max(n, 1)
    return tuple(reversed(strides))


def _key_of(st: Strided):
    if 0 in st.shape or 0 in st.in_shape:
        return None
    r = c_strides(st.in_shape)
    starts = []
    rest = st.offset
    for rj in r:
        q, rest = divmod(rest, rj)
        starts.append(q)
    if any(not 0 <= q < n for q, n in zip(starts, st.in_shape)):
        return None
    key: list = list(starts)
    j = -1
    for n, s in zip(st.shape, st.strides):
        if n == 1:
            continue
        for jj in range(j + 1, len(r)):
            m = st.in_shape[jj]
            if m == 1 or s % r[jj]:
                continue
            step = s // r[jj]
            last = starts[jj] + step * (n - 1)
            if step and 0 <= last < m:
                stop = last + (1 if step > 0 else -1)
                key[jj] = slice(starts[jj], None if stop < 0 else stop, step)
                j = jj
                break
        else:
            return None
    return tuple(key)


# --- layouts of the view-making operations ----------------------------------------

def _apply_key(st: Strided, key: tuple) -> Strided:
    """The layout of ``x[key]`` for a validated basic key (ints in range, slices, None, ...)."""
    ndim = len(st.shape)
    n_index = sum(1 for k in key if k is not None and k is not Ellipsis)
    offset = st.offset
    shape, strides = [], []
    axis = 0
    for k in key:
        if k is None:
            shape.append(1)
            strides.append(0)
        elif k is Ellipsis:
            for _ in range(ndim - n_index):
                shape.append(st.shape[axis])
                strides.append(st.strides[axis])
                axis += 1
        elif isinstance(k, slice):
            n = st.shape[axis]
            start, stop, step = k.indices(n)
            m = len(range(start, stop, step))
            if m:
                offset += start * st.strides[axis]
            shape.append(m)
            strides.append(st.strides[axis] * step)
            axis += 1
        else:
            i = int(k)
            n = st.shape[axis]
            offset += (i + n if i < 0 else i) * st.strides[axis]
            axis += 1
    shape.extend(st.shape[axis:])
    strides.extend(st.strides[axis:])
    return Strided(st.in_shape, offset, shape, strides)


def _apply_perm(st: Strided, perm) -> Strided:
    return Strided(st.in_shape, st.offset, [st.shape[i] for i in perm],
                   [st.strides[i] for i in perm])


def _apply_diagonal(st: Strided, offset: int, a1: int, a2: int) -> Strided:
    n1, n2 = st.shape[a1], st.shape[a2]
    s1, s2 = st.strides[a1], st.strides[a2]
    if offset >= 0:
        n = builtins.max(0, builtins.min(n1, n2 - offset))
        start = offset * s2
    else:
        n = builtins.max(0, builtins.min(n1 + offset, n2))
        start = -offset * s1
    keep = [i for i in range(len(st.shape)) if i not in (a1, a2)]
    return Strided(st.in_shape, st.offset + (start if n else 0),
                   [st.shape[i] for i in keep] + [n], [st.strides[i] for i in keep] + [s1 + s2])


def _apply_expand(st: Strided, shape) -> Strided:
    """The layout of ``x`` broadcast to ``shape`` (PyTorch's ``expand``: stride 0 on the
    axes it repeats)."""
    lead = len(shape) - len(st.shape)
    strides = [0] * lead
    for n, m, s in zip(st.shape, shape[lead:], st.strides):
        strides.append(s if n == m else 0)
    return Strided(st.in_shape, st.offset, shape, strides)


def overlaps(stages) -> bool:
    """Whether two elements of a view with these stages are one element of its root (an
    expanded view: PyTorch refuses in-place writes to it)."""
    return any(0 not in st.shape and any(n > 1 and s == 0 for n, s in zip(st.shape, st.strides))
               for _, st in stages)


def reshape_strides(shape, strides, new_shape):
    """The strides of ``new_shape`` over the same elements without a copy, or None.

    NumPy's ``_attempt_nocopy_reshape``: a reshape is a view exactly when this succeeds.
    """
    new_shape = tuple(new_shape)
    if math.prod(shape) == 0:
        return c_strides(new_shape)
    old = [(n, s) for n, s in zip(shape, strides) if n != 1]
    new_strides = [0] * len(new_shape)
    oi, oj, ni, nj = 0, 1, 0, 1
    old_n, new_n = len(old), len(new_shape)
    while ni < new_n and oi < old_n:
        np_, op = new_shape[ni], old[oi][0]
        while np_ != op:
            if np_ < op:
                np_ *= new_shape[nj]
                nj += 1
            else:
                op *= old[oj][0]
                oj += 1
        for ok in range(oi, oj - 1):
            if old[ok][1] != old[ok + 1][0] * old[ok + 1][1]:
                return None
        new_strides[nj - 1] = old[oj - 1][1]
        for nk in range(nj - 1, ni, -1):
            new_strides[nk - 1] = new_strides[nk] * new_shape[nk]
        ni, nj, oi, oj = nj, nj + 1, oj, oj + 1
    last = new_strides[ni - 1] if ni else 1
    for nk in range(ni, new_n):
        new_strides[nk] = last
    return tuple(new_strides)


def _apply_reshape(st: Strided, new_shape) -> Strided | None:
    strides = reshape_strides(st.shape, st.strides, new_shape)
    if strides is None:
        return None
    return Strided(st.in_shape, st.offset, new_shape, strides)


# --- transforms (elementwise reinterpretations) ------------------------------------

def _complex(re: mx.array, im: mx.array) -> mx.array:
    # Note: re + 1j * im turns an infinite part into NaNs (complex multiplication);
    # viewing the two planes side by side as complex64 is exact.
    pair = mx.stack([re.astype(mx.float32), im.astype(mx.float32)], axis=-1)
    return mx.reshape(pair.view(mx.complex64), re.shape)


def _derive_transform(tf, a: mx.array) -> mx.array:
    kind = tf[0]
    if kind == "real":
        return mx.real(a)
    if kind == "imag":
        return mx.imag(a)
    return a.view(tf[2])  # ("dtype", from, to)


def _put_transform(tf, a: mx.array, value: mx.array, exact: bool = True) -> mx.array:
    kind = tf[0]
    if kind in ("real", "imag") and not exact:
        # (differentiable: MLX has no derivative of a dtype view; an infinite part may
        # turn the other part into NaN, which only a replay for gradients sees)
        re, im = (value, mx.imag(a)) if kind == "real" else (mx.real(a), value)
        return re.astype(mx.complex64) + 1j * im.astype(mx.complex64)
    if kind == "real":
        return _complex(value, mx.imag(a))
    if kind == "imag":
        return _complex(mx.real(a), value)
    return value.view(tf[1])


# --- recipes ------------------------------------------------------------------------

class _Pending:
    """A recipe not worked out yet: ``op`` applied to ``parent`` (a recipe, or None for
    the root as it is)."""

    __slots__ = ("parent", "op", "done")

    def __init__(self, parent, op):
        self.parent = parent
        self.op = op
        self.done = None


def _resolve(recipe, root_shape) -> tuple | None:
    """The stages of a recipe (None: the operation cannot be a view, see :func:`derived`)."""
    if recipe.__class__ is not _Pending:
        return recipe
    if recipe.done is not None:
        return recipe.done
    parent = ((), Strided.identity(root_shape)) if recipe.parent is None else None
    stages = (parent,) if parent is not None else _resolve(recipe.parent, root_shape)
    if stages is None:
        return None
    out = apply_op(stages, recipe.op)
    recipe.done = out
    return out


def apply_op(stages: tuple, op) -> tuple | None:
    """``stages`` followed by one view-making operation (None when it needs a copy).

    A bare int or slice is ``("key", (op,))`` (what ``x[i]`` and ``x[a:b]`` queue)."""
    if op.__class__ is not tuple:
        op = ("key", (op,))
    kind = op[0]
    tfs, st = stages[-1]
    if kind == "key":
        st = _apply_key(st, op[1])
    elif kind == "perm":
        st = _apply_perm(st, op[1])
    elif kind == "reshape":
        st = _apply_reshape(st, op[1])
        if st is None:
            return None
    elif kind == "diag":
        st = _apply_diagonal(st, *op[1:])
    elif kind == "expand":
        st = _apply_expand(st, op[1])
    elif kind in ("real", "imag"):
        # Elementwise: it commutes with the layout, so it joins this stage.
        return stages[:-1] + ((tfs + ((kind,),), st),)
    elif kind == "dtype":
        _, frm, to, same_size, new_shape = op
        if same_size:
            return stages[:-1] + ((tfs + (("dtype", frm, to),), st),)
        # Another itemsize: a new stage over this view's elements.
        return stages + (((("dtype", frm, to),), Strided.identity(new_shape)),)
    else:  # pragma: no cover - every op kind is listed above
        raise AssertionError(kind)
    return stages[:-1] + ((tfs, st),)


def _read(st: Strided, a: mx.array) -> mx.array:
    """The elements of layout ``st`` of ``a`` (lazily)."""
    if st.mode() == "whole":
        return mx.reshape(a, st.shape)
    # Note: MLX's as_strided needs row-contiguous input (a broadcast is not);
    # ``contiguous`` copies only then. The cheapest read (one node, no copy).
    return mx.as_strided(mx.contiguous(a), st.shape, st.strides, st.offset)


def derive(root: mx.array, stages: tuple) -> mx.array:
    """The value a view with these stages reads from ``root`` (lazily)."""
    a = root
    for tfs, st in stages:
        for tf in tfs:
            a = _derive_transform(tf, a)
        a = _read(st, a)
    return a


def _put_strided(st: Strided, a: mx.array, value: mx.array) -> mx.array:
    """``a`` with the elements of layout ``st`` replaced by ``value`` (of ``st.shape``)."""
    if 0 in st.shape:
        return a
    mode = st.mode()
    if mode == "whole":
        return mx.reshape(value, a.shape)
    if mode == "block":
        flat = mx.reshape(a, (-1,))
        flat[st.offset:st.offset + math.prod(st.shape)] = mx.reshape(value, (-1,))
        return mx.reshape(flat, a.shape)
    if mode == "key":
        key = st.key()
        target = tuple(n for n in st.shape if n != 1)
        v = mx.reshape(value, target) if tuple(value.shape) != target else value
        if tuple(a.shape) != st.in_shape:  # the root changed shape since (x.shape = ...)
            b = mx.reshape(a, st.in_shape)
            b[key] = v
            return mx.reshape(b, a.shape)
        # (``a`` is updated in place, as Array.__setitem__ updates its own data.)
        a[key] = v
        return a
    # Note: no single slice of ``a`` is this layout (a transpose, a diagonal): the
    # elements go in at their flat positions, one scatter.
    idt = mx.int32 if a.size < 2**31 else mx.int64
    pos = mx.array(st.offset, dtype=idt)
    nd = len(st.shape)
    for i, (n, s) in enumerate(zip(st.shape, st.strides)):
        shape = [1] * nd
        shape[i] = n
        pos = pos + mx.reshape(mx.arange(n, dtype=idt) * s, shape)
    flat = mx.reshape(a, (-1,))
    flat[mx.reshape(pos, (-1,))] = mx.reshape(mx.broadcast_to(value, st.shape), (-1,))
    return mx.reshape(flat, a.shape)


def put(root: mx.array, stages: tuple, value: mx.array, exact: bool = True) -> mx.array:
    """``root`` after writing ``value`` (the view's new value) through ``stages``
    (``exact=False``: a form MLX can differentiate, for autograd's replays)."""
    chain = []  # (stage input, its transformed values) for each stage
    a = root
    for i, (tfs, st) in enumerate(stages):
        ins = [a]
        for tf in tfs:
            a = _derive_transform(tf, a)
            ins.append(a)
        chain.append(ins)
        if i + 1 < len(stages):
            a = _read(st, a)
    for (tfs, st), ins in zip(reversed(stages), reversed(chain)):
        value = _put_strided(st, ins[-1], value)
        for tf, prev in zip(reversed(tfs), reversed(ins[:-1])):
            value = _put_transform(tf, prev, value, exact)
    return value


# --- the registry ---------------------------------------------------------------------

class _Ref(weakref.ref):
    """A weak reference to a view, holding its root (alive as long as the view is) and
    its recipe."""

    __slots__ = ("vid", "root", "recipe")


def _forget(ref: _Ref) -> None:
    vid = ref.vid
    _VIEWS.pop(vid, None)
    rid = id(ref.root)
    views = _ROOTS.get(rid)
    if views is not None:
        views.pop(vid, None)
        if not views:
            _ROOTS.pop(rid, None)
    ref.root = None


def _sole(ref: _Ref) -> bool:
    """Whether the view of ``ref`` is the only holder of its root (nothing else can see
    the root's elements: the view can own them)."""
    # (the _Ref's slot and getrefcount's argument)
    return sys.getrefcount(ref.root) == 2


# Views made since the last flush, as (view, x, op): registering a view costs more than
# making it, and most views die young (the operands of ``Z[:-2] + Z[2:]``). They are
# registered when anything needs the registry (a write, base, shares_memory...), and at
# most BATCH at a time wait (they keep their arrays alive until then).
_NEW: list = []
BATCH = 16


def derived(res, x, op):
    """Make ``res`` (a new Array, ``op`` applied to ``x``) a view of ``x``'s root.

    ``op`` is ``("key", basic_key)``, ``("perm", axes)``, ``("reshape", shape)``,
    ``("diag", offset, axis1, axis2)``, ``("expand", shape)``, ``("real",)``, ``("imag",)`` or
    ``("dtype", from_mx, to_mx, same_size, new_shape)``. Returns ``res``.
    """
    if len(_NEW) >= BATCH:
        flush()
    _NEW.append((res, x, op))
    return res


def flush() -> None:
    """Register the views made since the last flush that are still alive."""
    getrefcount = sys.getrefcount
    with _lock:
        n = len(_NEW)
        # (a dead view is held by its tuple and getrefcount's argument only)
        alive = [e for e in _NEW[:n] if getrefcount(e[0]) > 2]
        del _NEW[:n]
        alive.reverse()
        while alive:
            # (one at a time: a registered entry no longer holds its arrays, so a view
            # of a temporary is seen to be the temporary's only holder)
            entry = alive.pop()
            _register(*entry)
            entry = None


def _register(res, x, op) -> None:
    parent = _VIEWS.get(id(x))
    if parent is not None and _sole(parent):
        # x is a view of an array nothing else holds (xp.arange(12).reshape(3, 4)):
        # x now owns the elements.
        _forget(parent)
        parent = None
    if parent is None:
        root, recipe = x, _Pending(None, op)
    else:
        root, recipe = parent.root, _Pending(parent.recipe, op)
    ref = _Ref(res, _forget)
    vid = id(res)
    ref.vid = vid
    ref.root = root
    ref.recipe = recipe
    _VIEWS[vid] = ref
    rid = id(root)
    views = _ROOTS.get(rid)
    if views is None:
        _ROOTS[rid] = {vid: ref}
    else:
        views[vid] = ref


def reshape_is_view(x, new_shape) -> bool:
    """Whether NumPy's reshape of ``x`` to ``new_shape`` is a view (else it copies)."""
    if _NEW:
        flush()
    ref = _VIEWS.get(id(x))
    if ref is None:
        return True
    stages = stages_of(ref)
    if stages is None:
        return False
    _, st = stages[-1]
    return reshape_strides(st.shape, st.strides, new_shape) is not None


def stages_of(ref: _Ref):
    """The resolved recipe of a view."""
    recipe = ref.recipe
    if recipe.__class__ is _Pending:
        recipe = _resolve(recipe, tuple(ref.root._array.shape))
        if recipe is not None:
            ref.recipe = recipe
    return recipe


def root_of(x):
    """``x``'s root (the array owning its elements), or None when ``x`` is not a view."""
    if _NEW:
        flush()
    ref = _VIEWS.get(id(x))
    return None if ref is None else ref.root


def is_view(x) -> bool:
    """Whether ``x`` shares its elements with a base (that something else still holds)."""
    if _NEW:
        flush()
    ref = _VIEWS.get(id(x))
    if ref is None:
        return False
    if _sole(ref):
        _forget(ref)
        return False
    return True


def has_views(x) -> bool:
    if _NEW:
        flush()
    return id(x) in _ROOTS


def commit(x, arr: mx.array) -> None:
    """Make ``arr`` (of ``x``'s shape and dtype) the value of ``x``, in place.

    A root's live views follow; for a view, the value goes to its root (and so to
    every view of that root). Lazy: nothing is evaluated.
    """
    if _NEW:
        flush()
    xid = id(x)
    ref = _VIEWS.get(xid)
    if ref is not None and _sole(ref):
        _forget(ref)
        ref = None
    if ref is None:
        _lazy.forget(arr)  # (it may be x's evaluated array, updated in place)
        host_cache.pop(xid, None)
        x._array = arr
        if xid in _ROOTS:
            with _lock:
                refresh(x)
        return
    with _lock:
        stages = stages_of(ref)
        root = ref.root
        _untouched(root)
        root._array = put(root._array, stages, arr)
        refresh(root)


def _untouched(root) -> None:
    """``root``'s MLX array may be updated in place next: not evaluated, no host copy."""
    _lazy.forget(root._array)
    host_cache.pop(id(root), None)


def refresh(root) -> None:
    """Re-derive the data of every live view of ``root`` from its current data."""
    views = _ROOTS.get(id(root))
    if not views:
        return
    a = root._array
    for ref in list(views.values()):
        v = ref()
        if v is not None:
            recipe = ref.recipe
            v._array = derive(a, recipe if recipe.__class__ is not _Pending else stages_of(ref))


def before_root_reshape(x) -> None:
    """Work out the recipes of ``x``'s views before ``x`` changes shape (they are
    relative to the shape it had when they were made)."""
    if _NEW:
        flush()
    for ref in list(_ROOTS.get(id(x), {}).values()):
        stages_of(ref)


def set_recipe(x, stages) -> None:
    if _NEW:
        flush()
    ref = _VIEWS[id(x)]
    ref.recipe = stages


# --- memory overlap -----------------------------------------------------------------

def _positions(x):
    """The set of (flat position, part) of the root's elements ``x`` reads ("all" for a
    root), or None when that is not worked out (several stages, or too many elements)."""
    ref = _VIEWS.get(id(x))
    if ref is None:
        return "all"
    stages = stages_of(ref)
    if stages is None or len(stages) != 1 or x.size > 1 << 16:
        return None
    tfs, st = stages[0]
    # (in one stage, dtype views keep the itemsize: only real/imag pick a part)
    kinds = [t[0] for t in tfs]
    parts: tuple[int, ...] = (0,) if "real" in kinds else (1,) if "imag" in kinds else (0, 1)
    pos = [st.offset]
    for n, s in zip(st.shape, st.strides):
        pos = [p + i * s for p in pos for i in range(n)]
    return {(p, q) for p in pos for q in parts}


def shares_memory(a, b, exact: bool) -> bool:
    """Whether ``a`` and ``b`` read elements of the same root (and, ``exact``, a common one)."""
    ra = root_of(a)
    rb = root_of(b)
    ra = a if ra is None else ra
    rb = b if rb is None else rb
    if ra is not rb:
        return False
    if a.size == 0 or b.size == 0:
        return False
    if not exact:
        return True
    pa, pb = _positions(a), _positions(b)
    if pa is None or pb is None or pa == "all" or pb == "all":
        return True
    return not pa.isdisjoint(pb)


def checked_shape(size: int, value) -> tuple[int, ...]:
    """``value`` (an int or a sequence of ints, one of them may be -1) as a shape of
    ``size`` elements; NumPy's errors otherwise."""
    import operator

    if isinstance(value, (list, tuple)):
        shape = [operator.index(n) for n in value]
    else:
        shape = [operator.index(value)]
    unknown = [i for i, n in enumerate(shape) if n == -1]
    if len(unknown) > 1:
        raise ValueError("can only specify one unknown dimension")
    if any(n < -1 for n in shape):
        raise ValueError("negative dimensions not allowed")
    known = math.prod(n for n in shape if n != -1)
    if unknown:
        if known == 0 or size % known:
            raise ValueError(f"cannot reshape array of size {size} into shape "
                             f"{tuple(shape)}")
        shape[unknown[0]] = size // known
    elif known != size:
        raise ValueError(f"cannot reshape array of size {size} into shape {tuple(shape)}")
    return tuple(shape)


def is_contiguous(x) -> bool:
    """Whether NumPy would call ``x`` C-contiguous (a root always is)."""
    if _NEW:
        flush()
    ref = _VIEWS.get(id(x))
    if ref is None:
        return True
    stages = stages_of(ref)
    if stages is None:
        return False
    tfs, st = stages[-1]
    if any(t[0] in ("real", "imag") for t in tfs):
        return False  # every other element of a complex array
    return all(n == 1 or s == c for n, s, c in zip(st.shape, st.strides, c_strides(st.shape)))


def last_axis_contiguous(x) -> bool:
    """Whether ``x``'s last axis steps one element at a time (NumPy's condition for a
    dtype view of another itemsize)."""
    if _NEW:
        flush()
    ref = _VIEWS.get(id(x))
    if ref is None:
        return True
    stages = stages_of(ref)
    if stages is None:
        return False
    tfs, st = stages[-1]
    if any(t[0] in ("real", "imag") for t in tfs):
        return False
    return not st.shape or st.shape[-1] == 1 or st.strides[-1] == 1


def write_basic(x, key: tuple, value: mx.array) -> bool:
    """``x[key] = value`` for a view ``x`` and a translated basic key, written straight
    into the root (only the selected elements move). False when ``x`` is not such a
    view (the caller then writes the whole view through :func:`commit`)."""
    if _NEW:
        flush()
    ref = _VIEWS.get(id(x))
    if ref is None or _sole(ref) or not is_basic(key):
        return False
    stages = stages_of(ref)
    if stages is None or len(stages) != 1 or stages[0][0]:
        return False
    st = _apply_key(stages[0][1], key)
    if st.mode() == "strided" and not overlaps(stages):
        return False  # (the whole view is written: one scatter either way)
    # (a view with repeated elements, PyTorch's expand: only the selected ones are written)
    value = mx.broadcast_to(fit_value(value, st.shape), st.shape)
    root = ref.root
    with _lock:
        _untouched(root)
        root._array = _put_strided(st, root._array, value)
        refresh(root)
    return True


def adopt(new, old) -> None:
    """Make ``new`` the view ``old`` is (the same root and recipe): a face that wraps a
    namespace result in its own class (the PyTorch face's Tensor) keeps the result's view
    link. Nothing happens when ``old`` is not a view."""
    q = _NEW
    for i in range(len(q) - 1, -1, -1):
        e = q[i]
        if e[0] is old:
            q[i] = (new, e[1], e[2])
            return
    ref = _VIEWS.get(id(old))
    if ref is None:
        return
    with _lock:
        nref = _Ref(new, _forget)
        vid = id(new)
        nref.vid = vid
        nref.root = ref.root
        nref.recipe = ref.recipe
        _VIEWS[vid] = nref
        _ROOTS.setdefault(id(ref.root), {})[vid] = nref


def release(x) -> None:
    """Cut ``x``'s links: when a view, it owns its current elements from now on; when a
    root, each of its live views owns its own (before ``x`` is given other data)."""
    if _NEW:
        flush()
    with _lock:
        ref = _VIEWS.get(id(x))
        if ref is not None:
            _forget(ref)
        views = _ROOTS.get(id(x))
        if views:
            for r in list(views.values()):
                _forget(r)


def view_of(x):
    """``(root, stages)`` of a view ``x`` (a live link), or None."""
    if _NEW:
        flush()
    ref = _VIEWS.get(id(x))
    if ref is None:
        return None
    if _sole(ref):
        _forget(ref)
        return None
    stages = stages_of(ref)
    if stages is None:
        return None
    return ref.root, stages


def live_views(root) -> list:
    """The live views of ``root``, each with its stages: ``[(view, stages), ...]``."""
    if _NEW:
        flush()
    out = []
    for ref in list(_ROOTS.get(id(root), {}).values()):
        v = ref()
        if v is not None:
            stages = stages_of(ref)
            if stages is not None:
                out.append((v, stages))
    return out
