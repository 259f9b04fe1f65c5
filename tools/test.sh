#!/usr/bin/env bash
# The whole test suite, set-up included (the README's test command and what CI runs).
#
#   tools/test.sh                 # bazel test //...
#   tools/test.sh --config=asan   # the same under AddressSanitizer + UBSan (C++ tests)
#
# Extra arguments go to `bazel test`.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo/tools/setup.sh"
source "$repo/tools/bazel_env.sh"
cd "$repo"
bazel test "${ACAODE_BAZEL_FLAGS[@]}" "$@" //...
