# Sourced by the tools/*.sh entry points: the environment every Bazel call of theirs uses.
#
# PYTHON_BIN_PATH tells third_party/python/python_configure.bzl to use the project's venv.
# The disk cache lets a fresh clone on the same machine reuse earlier build outputs.
export PYTHON_BIN_PATH="$repo/.venv/bin/python"
# tools/prune_disk_cache.sh keeps it under a size limit (run by tools/setup.sh).
ACAODE_DISK_CACHE=${ACAODE_DISK_CACHE:-$HOME/.cache/acaode/bazel-disk-cache}
ACAODE_BAZEL_FLAGS=(--disk_cache="$ACAODE_DISK_CACHE")
