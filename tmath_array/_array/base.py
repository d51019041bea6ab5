"""The base class of Array, for the array-model modules that Array's own module imports.

``indexing`` must recognise Arrays inside keys, and ``array`` imports ``indexing``: testing
``isinstance(k, ArrayBase)`` there keeps the import order one way (no circle, nothing bound
late). Only :class:`tmath_array.Array` (and its subclasses) derive from it.
"""


class ArrayBase:
    __slots__ = ()
