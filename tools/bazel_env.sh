# Sourced by the tools/*.sh entry points: the environment every Bazel call of theirs uses.
#
# PYTHON_BIN_PATH tells third_party/python/python_configure.bzl to use the project's venv.
# The disk cache lets a fresh clone on the same machine reuse earlier build outputs.
export PYTHON_BIN_PATH="$repo/.venv/bin/python"
ACAODE_BAZEL_FLAGS=(--disk_cache="$HOME/.cache/acaode/bazel-disk-cache")
