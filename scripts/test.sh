#!/usr/bin/env bash
# Set up a virtual environment in .venv (first run only) and run the test suite.
#   bash scripts/test.sh [pytest args...]
# Without arguments it runs the whole suite, then a short second pass with
# TMATH_ARRAY_DEVICE_PATHS=multi (see docs/architecture.md, "Testing the multi-device paths").
# TEST_WORKERS=N runs the tests in N processes (pytest-xdist); the default is 2, the CI
# machine's cores: serial pytest keeps one core busy (MLX's CPU kernels and the g++ compiles
# of new fused kernels are single-threaded). TEST_WORKERS=0 runs them in this process. On
# the shared development machine at load 5-8 there was no free core and -n 2 gained nothing
# (cold full run 22:53 with -n 2, 22:41 serial).
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
# --dist loadgroup: tests marked xdist_group (the distributed jobs) share one worker.
PYTEST=(.venv/bin/python -m pytest -q -p no:cacheprovider -p no:benchmark -n "${TEST_WORKERS:-2}"
        --dist loadgroup)
"${PYTEST[@]}" "$@"
# With arguments (a file, -k ...) the caller chose what to run: no second pass.
if [ "$#" -gt 0 ]; then
    exit 0
fi
# Second pass: the multi-device code paths (stream= branches, device-keyed compiled
# composites) that MLX's CPU-only build otherwise never takes; check_multi_device_paths.py
# fails the pass if the switch did not take effect. About a minute on 2 cores.
echo "--- second pass: TMATH_ARRAY_DEVICE_PATHS=multi"
TMATH_ARRAY_DEVICE_PATHS=multi "${PYTEST[@]}" tests/check_multi_device_paths.py \
    tests/test_array_operators.py tests/test_elementwise.py tests/test_compile.py \
    tests/test_devices.py tests/test_indexing.py tests/test_device_paths.py
