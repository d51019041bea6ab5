#!/usr/bin/env bash
# scikit-learn's own array-API tests with tmath_array as a namespace (needs scikit-learn
# installed: pip install scikit-learn). Extra arguments go to pytest, e.g. a module:
#   bash tools/consumers/run_sklearn.sh --pyargs sklearn.metrics
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
PY="${PYTHON:-.venv/bin/python}"
[ $# -gt 0 ] || set -- --pyargs sklearn
SCIPY_ARRAY_API=1 PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}" exec "$PY" -m pytest -q \
    -p no:cacheprovider -p tools.consumers.sklearn_plugin -k tmath_array \
    -W ignore -o filterwarnings= --no-header -rf "$@"
