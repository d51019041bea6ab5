#!/usr/bin/env bash
# Fetch the Array API conformance suite at the commits pinned in COMMITS.
# Manual use only: CI must not run this script.
#   usage: setup.sh [DIR]   (DIR defaults to /tmp/array-api-tests)
#   ARRAY_API_TESTS_REPO / ARRAY_API_SPEC_REPO: path or URL of the two repos (default: GitHub).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="${1:-/tmp/array-api-tests}"
tests_src="${ARRAY_API_TESTS_REPO:-https://github.com/data-apis/array-api-tests}"
spec_src="${ARRAY_API_SPEC_REPO:-https://github.com/data-apis/array-api}"
pinned() { awk -v r="$1" '$1 == r { print $2 }' "$here/COMMITS"; }
tests_sha="$(pinned data-apis/array-api-tests)"
spec_sha="$(pinned data-apis/array-api)"

checkout() { # SRC DIR SHA
    [ -d "$2/.git" ] || git clone --quiet --no-checkout "$1" "$2"
    git -C "$2" cat-file -e "$3^{commit}" 2>/dev/null || git -C "$2" fetch --quiet "$1" "$3"
    git -C "$2" checkout --quiet --detach "$3"
}

checkout "$tests_src" "$dest" "$tests_sha"
rmdir "$dest/array-api" 2>/dev/null || true # empty submodule placeholder
checkout "$spec_src" "$dest/array-api" "$spec_sha"
echo "array-api-tests $tests_sha + array-api $spec_sha ready in $dest"
