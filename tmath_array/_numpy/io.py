"""NumPy's file I/O: ``save``, ``load``, ``savez``, ``savez_compressed``, ``savetxt``,
``loadtxt``, ``genfromtxt``, ``fromfile``.

Files are read and written by NumPy on the host (the formats are NumPy's own:
``.npy``, ``.npz``, text). Writing reads the arrays once (one sync point for all
of them, counted as a conversion); what is read lands in MLX through ``asarray``
(NumPy's float64 stays float64 on the CPU, complex becomes complex64). ``load``
never unpickles objects unless asked (``allow_pickle=False``, NumPy's default),
and object, string and structured data (which MLX cannot hold) raise TypeError.
See docs/numpy.md.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

import mlx.core as mx
import numpy as np

from .._array import core as _core
from .._array import dtypes as _d
from .._interop.numpy_dlpack import numpy_dtype
from .._runtime import lazy as _lazy
from .._standard.creation import asarray
from .._standard.data_types import astype
from .array_methods import _dtype as _numpy_dtype_arg

if TYPE_CHECKING:
    from .._array.array import Array


# --- out: Arrays to NumPy ---------------------------------------------------------------

def _to_host(name: str, values: list) -> list:
    """Arrays (and array-likes) as NumPy arrays: one counted sync for all the Arrays.

    Note: bfloat16 has no NumPy dtype (without ml_dtypes): it is written as float32,
    exactly.
    """
    arrays = []
    for v in values:
        if not isinstance(v, _core.Array):
            try:
                v = asarray(v)
            except TypeError as exc:
                raise TypeError(f"{name}: {exc}") from None
        arrays.append(v)
    mxs = [a._array.astype(mx.float32) if a._dtype is _d.bfloat16 else a._array
           for a in arrays]
    if mxs:
        _lazy.materialize(_lazy.CONVERSION, *mxs)
    return [np.array(m, copy=True) for m in mxs]


def save(file, arr, allow_pickle: bool = True) -> None:
    """Write ``arr`` to a NumPy ``.npy`` file (NumPy adds ``.npy`` to a name without it).

    ``allow_pickle`` is accepted for NumPy's signature; arrays of numbers never need it.
    """
    (host,) = _to_host("save", [arr])
    np.save(file, host, allow_pickle=False)


def savez(file, *args, allow_pickle: bool = True, **kwds) -> None:
    """Write several arrays into one uncompressed ``.npz`` file (``arr_0``, ... for
    positional ones, the keyword names for the others)."""
    _savez(np.savez, "savez", file, args, kwds)


def savez_compressed(file, *args, allow_pickle: bool = True, **kwds) -> None:
    """As :func:`savez`, compressed (zip deflate)."""
    _savez(np.savez_compressed, "savez_compressed", file, args, kwds)


def _savez(fn, name: str, file, args, kwds) -> None:
    hosts = _to_host(name, [*args, *kwds.values()])
    pos, named = hosts[:len(args)], dict(zip(kwds, hosts[len(args):]))
    fn(file, *pos, allow_pickle=False, **named)


def savetxt(fname, X, fmt="%.18e", delimiter=" ", newline="\n", header="",  # noqa: N803
            footer="", comments="# ", encoding=None) -> None:
    """Write a 1-d or 2-d array to a text file, as NumPy's savetxt (same arguments)."""
    (host,) = _to_host("savetxt", [X])
    np.savetxt(fname, host, fmt=fmt, delimiter=delimiter, newline=newline, header=header,
               footer=footer, comments=comments, encoding=encoding)


# --- in: NumPy data to Arrays -----------------------------------------------------------

def _land(name: str, nd) -> Array:
    """NumPy data read from a file as an Array, or TypeError for what MLX cannot hold."""
    if isinstance(nd, np.ma.MaskedArray):
        raise TypeError(f"{name}: masked arrays (usemask=True) have no MLX equivalent: read "
                        "with NumPy, or leave usemask out (missing values become NaN)")
    nd = np.asarray(nd)
    if nd.dtype.names is not None:
        raise TypeError(f"{name}: the file gives a structured array (named or mixed-type "
                        f"columns: {nd.dtype}), which MLX cannot hold; read the numeric "
                        "columns with usecols= and a numeric dtype")
    if nd.dtype.kind in "OSUVMm":
        raise TypeError(f"{name}: the file holds {nd.dtype} data, which MLX cannot hold (MLX "
                        "arrays hold numbers only): keep it in NumPy")
    return asarray(nd)


def _read_dtype(name: str, dtype):
    """A dtype argument as ``(what NumPy reads with, the tmath dtype to cast to or None)``."""
    if dtype is None:
        return None, None
    dt = _d.as_dtype(dtype)
    if dt is None:
        try:
            nd = np.dtype(dtype)
        except TypeError:
            raise TypeError(f"{name}: {dtype!r} is not a dtype") from None
        if nd.names is not None or nd.kind in "OSUVMm":
            return nd, None  # read as NumPy does; _land refuses the result
        dt = _numpy_dtype_arg(name, dtype)
    if dt is _d.bfloat16:
        return np.dtype(np.float32), dt
    return numpy_dtype(dt), None


def _cast(x: Array, dt) -> Array:
    return x if dt is None else astype(x, dt)


class NpzFile(Mapping):
    """The arrays of an ``.npz`` file, read on access, as NumPy's NpzFile: ``f["a"]``,
    ``f.files``, ``"a" in f``, iteration over the names, ``close()``, ``with``."""

    def __init__(self, npz) -> None:
        self._npz = npz
        self.files = list(npz.files)

    def __getitem__(self, key: str) -> Array:
        return _land("load", self._npz[key])

    def __iter__(self) -> Iterator[str]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    def __contains__(self, key) -> bool:
        return key in self.files

    def close(self) -> None:
        self._npz.close()

    def __enter__(self) -> NpzFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"NpzFile({self.files})"


def load(file, mmap_mode=None, allow_pickle: bool = False, fix_imports: bool = True,
         encoding: str = "ASCII", *, max_header_size: int = 10000):
    """Read a NumPy ``.npy`` (an Array) or ``.npz`` file (an :class:`NpzFile` of Arrays).

    As NumPy's, ``allow_pickle=False`` (the default) refuses pickled objects
    (ValueError). ``mmap_mode`` maps the file; its data is then copied into MLX.

    Raises:
        TypeError: for object, string or structured data, which MLX cannot hold.
    """
    out = np.load(file, mmap_mode=mmap_mode, allow_pickle=allow_pickle,
                  fix_imports=fix_imports, encoding=encoding, max_header_size=max_header_size)
    if isinstance(out, np.lib.npyio.NpzFile):
        return NpzFile(out)
    return _land("load", out)


def loadtxt(fname, dtype=float, comments="#", delimiter=None, converters=None, skiprows=0,
            usecols=None, unpack=False, ndmin=0, encoding=None, max_rows=None, *,
            quotechar=None, like=None) -> Array:
    """Read a text file of numbers, as NumPy's loadtxt (same arguments).

    The default ``dtype=float`` reads float64, as NumPy does (float32 on a GPU device).
    """
    if like is not None:
        raise TypeError("loadtxt: like= is not supported (results are tmath_array arrays)")
    nd, cast = _read_dtype("loadtxt", dtype)
    out = np.loadtxt(fname, dtype=nd, comments=comments, delimiter=delimiter,
                     converters=converters, skiprows=skiprows, usecols=usecols, unpack=unpack,
                     ndmin=ndmin, encoding=encoding, max_rows=max_rows, quotechar=quotechar)
    if isinstance(out, list):  # unpack of a structured dtype
        return [_cast(_land("loadtxt", o), cast) for o in out]
    return _cast(_land("loadtxt", out), cast)


def genfromtxt(fname, dtype=float, *args, like=None, **kwargs) -> Array:
    """Read a text file with missing values, as NumPy's genfromtxt (same arguments;
    missing values become NaN, or ``filling_values``).

    Raises:
        TypeError: where NumPy's result is a structured array (``names=``, or mixed
            column types with ``dtype=None``) or a masked one (``usemask=True``).
    """
    if like is not None:
        raise TypeError("genfromtxt: like= is not supported (results are tmath_array arrays)")
    nd, cast = _read_dtype("genfromtxt", dtype)
    out = np.genfromtxt(fname, nd, *args, **kwargs)
    if isinstance(out, list):
        return [_cast(_land("genfromtxt", o), cast) for o in out]
    return _cast(_land("genfromtxt", out), cast)


def fromfile(file, dtype=float, count: int = -1, sep: str = "", offset: int = 0, *,
             like=None) -> Array:
    """Read binary (or ``sep``-separated text) data from a file, as NumPy's fromfile
    (default dtype float64, as NumPy reads it)."""
    if like is not None:
        raise TypeError("fromfile: like= is not supported (results are tmath_array arrays)")
    nd, cast = _read_dtype("fromfile", dtype)
    return _cast(_land("fromfile", np.fromfile(file, dtype=nd, count=count, sep=sep,
                                               offset=offset)), cast)
