#!/usr/bin/env bash
# The GPU check, run on the GPU machine from the bundle tools/gpu_bundle.sh built (it
# lives beside this script as bin/ and lib/): every CUDA test binary, the GPU benchmark
# (aca/benchmarks/gpu_step_bench.cc: ACA training steps on CPU and GPU and a float64
# GPU-vs-CPU gradient check) and the PyTorch reference, then one summary line. Within
# 5 minutes on one GPU. docs/gpu.md gives the device call.
#
#   build/gpu_bundle/gpu_run.sh          # on the GPU machine: exit 0 when every test
#                                        # passed, none skipped, and the check agreed
#   build/gpu_bundle/gpu_run.sh --here   # anywhere: run, report skips, exit 0
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
on_gpu=1
[[ "${1:-}" == "--here" ]] && on_gpu=0
export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
# Libraries the bundle carries compressed (oneDNN): unpacked into a temporary directory.
if compgen -G "$here/lib/*.gz" >/dev/null; then
  unpacked=$(mktemp -d)
  trap 'rm -rf "$unpacked"' EXIT
  for gz in "$here"/lib/*.gz; do
    gunzip -c "$gz" >"$unpacked/$(basename "$gz" .gz)"
  done
  export LD_LIBRARY_PATH="$unpacked:$LD_LIBRARY_PATH"
fi

# cuBLAS (Note [cuBLAS at run time]): the toolkit's, or the nvidia-cublas wheel's.
if [[ -z "${ACAODE_CUBLAS_LIBRARY:-}" ]]; then
  for py in python3 python; do
    dir=$($py -c 'import nvidia.cublas, os; print(os.path.join(list(nvidia.cublas.__path__)[0], "lib"))' 2>/dev/null) || continue
    lib=$(ls "$dir"/libcublas.so.* 2>/dev/null | head -1)
    if [[ -n "$lib" ]]; then
      export ACAODE_CUBLAS_LIBRARY=$lib
      export LD_LIBRARY_PATH="$dir:$LD_LIBRARY_PATH"  # its libcublasLt beside it
      break
    fi
  done
fi
# NCCL (Note [NCCL at run time]): the nvidia-nccl wheel's, or the loader path's.
if [[ -z "${ACAODE_NCCL_LIBRARY:-}" ]]; then
  for py in python3 python; do
    dir=$($py -c 'import nvidia.nccl, os; print(os.path.join(list(nvidia.nccl.__path__)[0], "lib"))' 2>/dev/null) || continue
    if [[ -f "$dir/libnccl.so.2" ]]; then
      export ACAODE_NCCL_LIBRARY=$dir/libnccl.so.2
      break
    fi
  done
fi
echo "== GPU"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total \
  --format=csv,noheader
echo "cuBLAS: ${ACAODE_CUBLAS_LIBRARY:-libcublas.so.13 from the loader path}"
echo "NCCL: ${ACAODE_NCCL_LIBRARY:-libnccl.so.2 from the loader path}"

passed=0 failed=0 skipped=0 no_gpu=0
for t in "$here"/bin/*_test; do
  name=$(basename "$t")
  log=$(mktemp)
  timeout 120 "$t" --gtest_brief=1 >"$log" 2>&1
  rc=$?
  # gtest's closing summary: "[  PASSED  ] N tests.", "[  SKIPPED ] N tests, listed
  # below:", "[  FAILED  ] N tests, listed below:".
  count() { sed -n "s/^\[  $1 *\] \([0-9]*\) tests\?[.,].*/\1/p" "$log" | tail -1; }
  p=$(count PASSED); s=$(count SKIPPED); f=$(count FAILED)
  p=${p:-0}; s=${s:-0}; f=${f:-0}
  g=$(grep -c 'no CUDA device' "$log")  # skipped for want of a GPU
  ((rc != 0 && f == 0)) && f=1  # crashed or timed out
  passed=$((passed + p)); skipped=$((skipped + s)); failed=$((failed + f)); no_gpu=$((no_gpu + g))
  echo "$name: $p passed, $s skipped ($g for want of a GPU), $f failed (exit $rc)"
  grep -E 'no CUDA device|Failure|FAILED  \]' "$log" | sort -u | head -5 | sed 's/^/    /'
  rm -f "$log"
done

echo "== benchmark"
timeout 180 "$here/bin/gpu_step_bench"
bench_rc=$?
timeout 120 python3 "$here/gpu_torch_step.py"

echo "== summary: $passed passed, $skipped skipped ($no_gpu for want of a GPU), $failed failed;" \
  "benchmark exit $bench_rc (0 = the GPU ran and agreed, 1 = disagreed, 2 = no GPU)"
if ((on_gpu)); then
  # On the GPU machine nothing may skip for want of a device (the tests written for
  # machines without a GPU skip there, by design).
  ((failed == 0 && no_gpu == 0 && bench_rc == 0)) || exit 1
fi
exit 0
