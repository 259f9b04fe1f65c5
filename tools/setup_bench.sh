#!/usr/bin/env bash
# Creates .venv-bench with the peer libraries for side-by-side benchmarks (PyPI wheels:
# torch links a tuned BLAS, unlike Debian's python3-torch) plus the acaode wheel built here.
# Benchmark-only: the library and its tests never need these.
#
#   tools/setup_bench.sh && .venv-bench/bin/python experiments/benchmarks/bench.py [--quick]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo/tools/setup.sh"
venv="$repo/.venv-bench"
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
req="$repo/tools/bench_requirements.txt"
want=$(sha256sum "$req" | cut -d' ' -f1)
if [[ "$want" != "$(cat "$venv/.requirements.sha256" 2>/dev/null || true)" ]]; then
  echo "setup_bench: installing peers into $venv (large: torch)" >&2
  "$venv/bin/python" -m pip install -q -r "$req"
  echo "$want" >"$venv/.requirements.sha256"
fi
source "$repo/tools/bazel_env.sh"
export PYTHON_BIN_PATH="$venv/bin/python"
cd "$repo"
bazel build "${ACAODE_BAZEL_FLAGS[@]}" //bindings:wheel
"$venv/bin/python" -m pip install -q --force-reinstall --no-deps "$(bazel info bazel-bin 2>/dev/null)"/bindings/acaode-*.whl
