#!/usr/bin/env bash
# One-time (and idempotent) set-up of a machine for building and testing acaode.
#
#   tools/setup.sh          # installs what is missing; quiet and fast when nothing is
#
# 1. Debian packages: Bazel 4.2.3 (bazel-bootstrap) and @platforms, Eigen, Abseil,
#    clang-format (tools/lint.sh),
#    GoogleTest/GoogleMock, pybind11, a C++ compiler. Installed only when missing.
# 2. Bazel's disk cache pruned to its size limit (tools/prune_disk_cache.sh).
# 3. A Python virtual environment in .venv with the pinned tools/requirements.txt,
#    reinstalled only when that file changes (a hash is kept in .venv).
# The CUDA toolkit is used where present (/usr/local/cuda or $CUDA_PATH), never installed.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { echo "setup: $*" >&2; }

# --- 1. Debian packages -------------------------------------------------------------
packages=(bazel-bootstrap bazel-platforms g++ libeigen3-dev libabsl-dev libgtest-dev libdnnl-dev
  libgmock-dev pybind11-dev python3-venv dataset-fashion-mnist clang-format openmpi-bin
  libopenmpi-dev)
missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  say "installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# --- 2. Disk: Bazel's disk cache bounded, and a warning when the disk is nearly full --
"$repo/tools/prune_disk_cache.sh"
free_gb=$(df -P -BG "$repo" | awk 'NR == 2 { sub("G", "", $4); print $4 }')
if ((free_gb < 8)); then
  say "warning: only ${free_gb} GiB free on the disk holding $repo; a cold build and test" \
    "(tools/test.sh, both configurations) needs about 8 GiB for Bazel's outputs and cache"
fi

# --- 3. Python virtual environment --------------------------------------------------
# (skipped with ACAODE_SKIP_VENV=1: `pip install .` needs only the system packages)
[[ "${ACAODE_SKIP_VENV:-0}" == 1 ]] && exit 0
venv="$repo/.venv"
python=${ACAODE_PYTHON:-$(command -v python3)}
if [[ ! -x "$venv/bin/python" ]]; then
  say "creating $venv with $python"
  "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -q --upgrade pip
fi
req="$repo/tools/requirements.txt"
want=$(sha256sum "$req" | cut -d' ' -f1)
have=$(cat "$venv/.requirements.sha256" 2>/dev/null || true)
if [[ "$want" != "$have" ]]; then
  say "installing Python requirements into $venv"
  "$venv/bin/python" -m pip install -q -r "$req"
  echo "$want" >"$venv/.requirements.sha256"
fi
