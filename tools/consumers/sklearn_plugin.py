"""A pytest plugin that adds tmath_array to scikit-learn's array-API test namespaces.

scikit-learn parametrises its array-API tests with
``sklearn.utils._array_api.yield_namespaces()`` ("numpy", "array_api_strict", "torch"...).
Loaded before collection (``-p tools.consumers.sklearn_plugin``), this plugin wraps that
generator so it also yields ``"tmath_array"``; scikit-learn's ``_array_api_for_tests`` then
imports ``tmath_array`` and gets its namespace through ``__array_namespace__``. Nothing else of
scikit-learn is changed. Select the cases with ``-k tmath_array``; run with
``SCIPY_ARRAY_API=1`` (scikit-learn skips array-API tests without it).
"""

from __future__ import annotations

import sklearn.utils._array_api as _aa

_original = _aa.yield_namespaces


def _with_tmath_array(include_numpy_namespaces=True):
    yield from _original(include_numpy_namespaces=include_numpy_namespaces)
    yield "tmath_array"


_aa.yield_namespaces = _with_tmath_array
