#!/usr/bin/env bash
# Type checks (run by CI after the tests):
#  1. the checked-in stubs of the C++ extension (bindings/python/acaode/_core/**.pyi) are
#     what pybind11-stubgen generates from the extension built now;
#  2. mypy passes on the package, the experiments and the Python tests.
#
#   tools/check_types.sh            # check
#   tools/check_types.sh --update   # regenerate the stubs after changing the bindings
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo/tools/setup.sh"
source "$repo/tools/bazel_env.sh"
cd "$repo"
bazel build "${ACAODE_BAZEL_FLAGS[@]}" //bindings:python/acaode/_core.so
bin=$(bazel info bazel-bin 2>/dev/null)
# The package as Python sees it: the sources with the freshly built extension beside them.
pkg=$(mktemp -d /tmp/acaode-types.XXXXXX)
trap 'rm -rf "$pkg"' EXIT
cp -r bindings/python/acaode "$pkg/acaode"
cp "$bin/bindings/python/acaode/_core.so" "$pkg/acaode/"
echo '__version__ = "0.0.0"' >"$pkg/acaode/_version.py"
# The stubs print build_info's values: pin the ones chosen at run time (the kernel variant
# of this CPU, the convolution backend) so that the stubs do not depend on the machine.
ACAODE_CPU_ISA=baseline ACAODE_CONV=auto PYTHONPATH="$pkg" \
  .venv/bin/pybind11-stubgen acaode._core -o "$pkg/stubs" >/dev/null
if [[ "${1:-}" == "--update" ]]; then
  rm -rf bindings/python/acaode/_core
  cp -r "$pkg/stubs/acaode/_core" bindings/python/acaode/_core
  echo "check_types: stubs regenerated in bindings/python/acaode/_core"
elif ! diff -r "$pkg/stubs/acaode/_core" bindings/python/acaode/_core; then
  echo "check_types: the stubs of acaode._core are out of date; run tools/check_types.sh --update" >&2
  exit 1
fi
.venv/bin/mypy bindings/python/acaode experiments tests/python tests/experiments
