#!/usr/bin/env bash
# Builds the GPU check for a lent GPU machine, which has no network and no Bazel
# (docs/gpu.md): the CUDA test binaries and the GPU benchmark, linked statically (the CUDA
# runtime included; cuBLAS is loaded at run time) except for glibc, libstdc++, Debian's
# Abseil and oneDNN, whose libraries are copied beside them, into build/gpu_bundle/ (under 64 MiB),
# with tools/gpu_run.sh and the PyTorch reference. Here, without a GPU, every binary is run
# once to show that it skips (or fails) with the reason.
#
#   tools/gpu_bundle.sh        # -> build/gpu_bundle/{bin,lib,gpu_run.sh,gpu_torch_step.py}
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo/tools/setup.sh"
source "$repo/tools/bazel_env.sh"
cd "$repo"
tests=(
  //tests/autograd/cuda:device_test
  //tests/autograd/cuda:kernels_test
  //tests/autograd/cuda:ops_test
  //tests/autograd/cuda:index_test
  //tests/autograd/cuda:caching_allocator_test
  //tests/aca:cuda_test
  //tests/autograd/cuda:nccl_test
)
bench=//aca/benchmarks:gpu_step_bench
bazel build "${ACAODE_BAZEL_FLAGS[@]}" "${tests[@]}" "$bench" >&2
bin_dir=$(bazel info bazel-bin 2>/dev/null)

out=build/gpu_bundle
rm -rf "$out"
mkdir -p "$out/bin" "$out/lib"
for target in "${tests[@]}" "$bench"; do
  path=${target#//}
  path=${path/://}
  cp "$bin_dir/$path" "$out/bin/"
done
# The shared libraries the binaries need that a bare machine may lack (Debian's Abseil and
# oneDNN with its OpenMP runtime and OpenCL loader), copied under their soname. oneDNN
# (about 40 MB) travels gzip-compressed (11 MB) to stay under the limit; gpu_run.sh
# unpacks it.
for f in "$out"/bin/*; do
  ldd "$f" | awk '/lib(absl_|dnnl|gomp|OpenCL)/ {print $1, $3}'
done | sort -u | while read -r soname lib; do cp -L "$lib" "$out/lib/$soname"; done
for lib in "$out"/lib/*; do
  (($(stat -c %s "$lib") > 8 * 1024 * 1024)) && gzip -6 "$lib"
done
cp tools/gpu_run.sh tools/gpu_torch_step.py "$out/"
size=$(du -sb "$out" | cut -f1)
limit=$((64 * 1024 * 1024))
echo "gpu_bundle: $out, $((size / 1024 / 1024)) MiB ($(ls "$out/bin" | wc -l) binaries," \
  "$(ls "$out/lib" | wc -l) libraries)"
if ((size >= limit)); then
  echo "gpu_bundle: over the 64 MiB that travels with the working tree" >&2
  exit 1
fi
# Here (no GPU, as a rule): each binary runs and says why it skips.
"$out/gpu_run.sh" --here || true
