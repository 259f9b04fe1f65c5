#!/usr/bin/env bash
# One command for a machine with one GPU: builds and runs every GPU test (the Bazel tests
# tagged "cuda": kernels vs CPU ops, device round trips, Python cuda tests) and a short
# benchmark (tools/gpu_bench.py: an ACA training step of a conv ODE block, acaode GPU vs
# CPU vs PyTorch GPU, plus acaode's GPU-vs-CPU gradient check), then prints a summary.
# Budget: under 8 minutes on a 16-core machine with one GPU (builds only what the GPU
# tests need; the benchmark runs in --quick mode).
#
#   tools/gpu_check.sh            # exit 0: all GPU tests passed (none skipped) and the
#                                 # benchmark's gradient check agreed
#
# A GPU test that SKIPS here is a failure: on a GPU machine nothing may skip for want of
# a device. Where no GPU is usable the script says why and exits 2.
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
start=$(date +%s)
# The same set-up as tools/test.sh (packages, .venv); fast when nothing is missing.
if ! timeout 120 tools/setup.sh; then
  echo "tools/setup.sh failed; continuing with what is installed"
fi
if [[ -x .venv/bin/python ]]; then
  source tools/bazel_env.sh
else
  ACAODE_BAZEL_FLAGS=()
fi
log=$(mktemp -d)/gpu_check
mkdir -p "$log"

echo "== GPU"
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
else
  echo "nvidia-smi not found"
fi

echo "== bazel test (tag cuda)"
timeout 330 bazel test "${ACAODE_BAZEL_FLAGS[@]}" --test_tag_filters=cuda \
  --test_output=errors //tests/... 2>&1 | tee "$log/bazel_test.txt" | tail -25
tests_rc=${PIPESTATUS[0]}

# Skips mean the tests did not see the GPU.
skipped=$(grep -l "SKIPPED\|skipped" bazel-testlogs/tests/autograd/cuda/*/test.log \
  bazel-testlogs/tests/python/test_cuda/test.log 2>/dev/null | xargs -r grep -h "no CUDA device" | sort -u)
if [[ -n "$skipped" ]]; then
  echo "GPU tests skipped: $skipped"
fi

echo "== benchmark"
timeout 150 bazel run "${ACAODE_BAZEL_FLAGS[@]}" //tools:gpu_bench -- --quick \
  --json "$log/bench.json" 2>&1 | tee "$log/bench.txt" | grep -v "^INFO\|^Loading\|^Analyzing\|^\[" | tail -12
bench_rc=${PIPESTATUS[0]}

elapsed=$(( $(date +%s) - start ))
echo
echo "== summary (${elapsed}s; logs in $log)"
grep -E "^//tests/.* (PASSED|FAILED|NO STATUS|TIMEOUT)" "$log/bazel_test.txt" | sed 's/^/  /'
echo "  bazel test exit: $tests_rc; benchmark exit: $bench_rc (0 ok, 1 gradient mismatch, 2 no GPU)"
grep -E "acaode|PyTorch|gradients" "$log/bench.txt" | sed 's/^/  /'
if [[ $tests_rc -ne 0 || $bench_rc -ne 0 || -n "$skipped" ]]; then
  echo "GPU CHECK FAILED"
  [[ $bench_rc -eq 2 ]] && exit 2
  exit 1
fi
echo "GPU CHECK PASSED"
