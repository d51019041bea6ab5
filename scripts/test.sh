#!/usr/bin/env bash
# Set up a virtual environment in .venv (first run only) and run the test suite.
#   bash scripts/test.sh [pytest args...]
# TEST_WORKERS=N runs the tests in N processes (pytest-xdist); the default, 0, runs them
# in this process. On the shared 2-core machine (load 5-8) -n 2 was not faster: a cold
# full run took 22:53 with -n 2 and 22:41 serial.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
export HYPOTHESIS_PROFILE="${HYPOTHESIS_PROFILE:-ci}"
# -p no:benchmark: pytest-benchmark (not in the test extra, but maybe in a reused
# environment) warns when xdist is active, and filterwarnings = error fails on it.
exec .venv/bin/python -m pytest -q -p no:cacheprovider -p no:benchmark \
    -n "${TEST_WORKERS:-0}" "$@"
