#!/usr/bin/env bash
# Run the Array API conformance suite (2025.12) against tmath_array.
#   usage: run.sh [pytest args...]   e.g. run.sh array_api_tests/test_creation_functions.py
# Env: ARRAY_API_TESTS_DIR (suite checkout, default /tmp/array-api-tests),
#      ARRAY_API_TESTS_MODULE (default tmath_array), ARRAY_API_TESTS_VERSION (default 2025.12),
#      MAX_EXAMPLES (default 100), HYPOTHESIS_SEED (optional).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/.." && pwd)"
suite="${ARRAY_API_TESTS_DIR:-/tmp/array-api-tests}"
if [ ! -f "$suite/conftest.py" ] || [ ! -d "$suite/array-api/src/array_api_stubs" ]; then
    echo "array-api-tests not found in $suite (see $here/README.md; setup.sh fetches it)" >&2
    exit 2
fi

export ARRAY_API_TESTS_MODULE="${ARRAY_API_TESTS_MODULE:-tmath_array}"
export ARRAY_API_TESTS_VERSION="${ARRAY_API_TESTS_VERSION:-2025.12}"
export PYTHONPATH="$repo_root${PYTHONPATH:+:$PYTHONPATH}"

# The suite's own pytest.ini and rootdir: the xfails/skips paths point into this repository,
# whose pyproject.toml configuration (filterwarnings = error) must not apply to the suite.
# --disable-deadline: hypothesis' 800 ms per-example deadline times the suite's own
# element-by-element Python checks (each element read is a sync point, ~20 us here, the
# same as raw MLX's item()); on a loaded 2-core machine an example occasionally passes
# 1 s and fails on time alone. Timings belong in benchmarks/, not in conformance.
args=(-c "$suite/pytest.ini" --rootdir "$suite" --disable-deadline --max-examples "${MAX_EXAMPLES:-100}"
      --xfails-file "$here/xfails.txt" --skips-file "$here/skips.txt" -rxXfE)
if [ -n "${HYPOTHESIS_SEED:-}" ]; then args+=(--hypothesis-seed "$HYPOTHESIS_SEED"); fi

# Without an explicit test path, run the whole suite (but not its meta_tests/).
has_path=false
for a in "$@"; do case "$a" in array_api_tests*) has_path=true ;; esac; done
if ! $has_path; then set -- "$@" array_api_tests/; fi

cd "$suite"
exec python -m pytest "${args[@]}" "$@"
