#!/usr/bin/env bash
# The main job: set up a virtual environment in .venv (first run only) and run the
# benchmark report (benchmarks/report.py), which writes benchmarks/results/report.{md,json,png}.
#   bash scripts/main.sh [--quick] [other options of python -m benchmarks.report]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
PIP=(.venv/bin/python -m pip install -q --disable-pip-version-check)
# The bench extra brings matplotlib (the plot); the test extra brings PyTorch, one of
# the backends compared. Without PyTorch the report still runs, minus its columns.
if ! "${PIP[@]}" -e ".[bench,test]"; then
    echo "main.sh: could not install PyTorch; the report runs without its columns" >&2
    "${PIP[@]}" -e ".[bench]"
fi
exec .venv/bin/python -m benchmarks.report "$@"
