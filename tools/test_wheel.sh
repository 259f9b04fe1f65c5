#!/usr/bin/env bash
# Installs the Bazel-built wheel (//bindings:wheel) into a fresh virtual environment with
# only NumPy and pytest beside it, and runs the Python tests against the installed package
# (not the source tree). Called by .ci/run after tools/test.sh.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo/tools/setup.sh"
source "$repo/tools/bazel_env.sh"
cd "$repo"
bazel build "${ACAODE_BAZEL_FLAGS[@]}" //bindings:wheel
wheel=$(ls "$(bazel info bazel-bin 2>/dev/null)"/bindings/acaode-*.whl)
env_dir=$(mktemp -d /tmp/acaode-wheel-test.XXXXXX)
trap 'rm -rf "$env_dir"' EXIT
python3 -m venv "$env_dir/venv"
pins=$(grep -E '^(numpy|pytest)==' tools/requirements.txt)
"$env_dir/venv/bin/python" -m pip install -q $pins "$wheel"
cd "$env_dir"  # so that `import acaode` can only find the installed wheel
"$env_dir/venv/bin/python" -c "import acaode, sys; print('testing installed acaode', acaode.__version__, 'from', acaode.__file__)"
"$env_dir/venv/bin/python" -m pytest -q -p no:cacheprovider -m "not bazel_only" "$repo/tests/python"
