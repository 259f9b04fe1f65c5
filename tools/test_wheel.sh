#!/usr/bin/env bash
# Checks the portable wheel (tools/build_wheel.sh) as a user gets it, in a fresh virtual
# environment with only NumPy, pytest and Hypothesis beside it (called by .ci/run after tools/test.sh):
#  1. `auditwheel show` accepts it under a manylinux tag;
#  2. its extension needs no CUDA library, no Debian Abseil or oneDNN (both bundled) and no
#     run path into the build machine (readelf);
#  3. it imports and solves with the CUDA libraries hidden from the loader (ld.so
#     --inhibit-cache ignores the ld.so cache, where the toolkit's lib directory is listed);
#  4. the Python tests pass against the installed package (not the source tree).
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
wheel=$("$repo/tools/build_wheel.sh" | tail -n 1)
echo "test_wheel: $wheel"

show=$("$repo/build/wheel-tools/bin/auditwheel" show "$wheel")
if ! grep -q 'consistent with the following platform tag: *"manylinux_' <<<"$(tr '\n' ' ' <<<"$show")"; then
  echo "test_wheel: auditwheel does not accept the wheel under a manylinux tag:" >&2
  echo "$show" >&2
  exit 1
fi

env_dir=$(mktemp -d /tmp/acaode-wheel-test.XXXXXX)
trap 'rm -rf "$env_dir"' EXIT
python3 - "$wheel" "$env_dir" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    wheel.extractall(sys.argv[2], [n for n in wheel.namelist() if n.startswith("acaode/_core")])
PY
dynamic=$(readelf -d "$env_dir"/acaode/_core*.so)
if grep -E 'NEEDED.*\[(libcu|libnv)' <<<"$dynamic" \
   || grep -E 'NEEDED.*\[libabsl_[a-z_]+\.so' <<<"$dynamic" \
   || grep -E 'NEEDED.*\[lib(dnnl|gomp)\.so' <<<"$dynamic" \
   || grep -E '(RUNPATH|RPATH).*\[/' <<<"$dynamic"; then
  echo "test_wheel: the extension needs a CUDA library, Debian's Abseil or oneDNN, or a build path:" >&2
  echo "$dynamic" >&2
  exit 1
fi

python3 -m venv "$env_dir/venv"
pins=$(grep -E '^(numpy|pytest|hypothesis)==' "$repo/tools/requirements.txt")
"$env_dir/venv/bin/python" -m pip install -q $pins "$wheel"
cd "$env_dir"  # so that `import acaode` can only find the installed wheel
env -u LD_LIBRARY_PATH /lib64/ld-linux-x86-64.so.2 --inhibit-cache "$env_dir/venv/bin/python" - <<'PY'
import ctypes
try:
    ctypes.CDLL("libcublas.so.13")
    raise SystemExit("test_wheel: cuBLAS is still visible to the loader; the check would prove nothing")
except OSError:
    pass
import acaode
from acaode import nn
print("testing installed acaode", acaode.__version__, "from", acaode.__file__,
      "| cuda available:", acaode.cuda.is_available())
func = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2))
z0 = acaode.randn(8, 2)
ys = acaode.odeint(func, z0, [0.0, 0.5, 1.0], rtol=1e-6, atol=1e-8)
(ys ** 2).mean().backward()
assert all(p.grad is not None for p in func.parameters())
print("imported and solved without the CUDA libraries on the loader path")
PY
"$env_dir/venv/bin/python" -m pytest -q -p no:cacheprovider -m "not bazel_only" "$repo/tests/python"
