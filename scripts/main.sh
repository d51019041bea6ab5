#!/usr/bin/env bash
# Set up a virtual environment in .venv (first run only) and run the main job.
#   bash scripts/main.sh [--quick]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e .
exec .venv/bin/python examples/tour.py "$@"
