#!/usr/bin/env bash
# The main job (README): the gradient-accuracy experiment, set-up included.
#
#   tools/demo.sh            # full run: table on stdout, PNG under experiments/out/
#   tools/demo.sh --quick    # the same on a coarser grid (about a minute)
#
# Builds the acaode wheel with Bazel, installs it into the project's .venv, then runs
# experiments/gradient_accuracy.py (ACA vs adjoint vs naive against the analytic gradient,
# and the van der Pol reverse-reconstruction error of the ACA paper's Appendix D.1). Extra
# arguments go to the script.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo/tools/setup.sh"
source "$repo/tools/bazel_env.sh"
cd "$repo"
bazel build --noshow_progress --ui_event_filters=-info "${ACAODE_BAZEL_FLAGS[@]}" //bindings:wheel
wheel=$(ls "$(bazel info bazel-bin 2>/dev/null)"/bindings/acaode-*.whl)
"$repo/.venv/bin/python" -m pip install -q --force-reinstall --no-deps "$wheel"
MPLBACKEND=Agg exec "$repo/.venv/bin/python" "$repo/experiments/gradient_accuracy.py" --out "$repo/experiments/out" "$@"
