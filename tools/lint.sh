#!/usr/bin/env bash
# The style rules, enforced (run by CI before the tests):
#  1. clang-format (.clang-format: Google style, 100 columns) on every C++ and CUDA source
#     of the project (third_party/ excluded);
#  2. ruff (pyproject.toml [tool.ruff]: pycodestyle + pyflakes, 100 columns) on the Python
#     package, the experiments (notebooks included), the tests and the tools;
#  3. tools/check_build_files.py on the Bazel BUILD and .bzl files: buildifier's ordering of
#     label lists, no label or argument twice. buildifier itself is neither a Debian package
#     nor on PyPI, so its formatting of BUILD files is not enforced.
#
#   tools/lint.sh           # check: lists every file that breaks a rule, exits non-zero
#   tools/lint.sh --fix     # rewrite the files in place (clang-format -i, ruff --fix, sorted
#                           # label lists)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
"$repo/tools/setup.sh"
cd "$repo"
fix=0
[[ "${1:-}" == "--fix" ]] && fix=1

mapfile -t cpp < <(git ls-files '*.h' '*.cc' '*.cu' '*.cuh' | grep -v '^third_party/')
status=0
if ((fix)); then
  clang-format -i "${cpp[@]}"
else
  bad=()
  for f in "${cpp[@]}"; do
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || bad+=("$f")
  done
  if ((${#bad[@]})); then
    echo "lint: ${#bad[@]} C++ file(s) not clang-formatted (run tools/lint.sh --fix):" >&2
    printf '  %s\n' "${bad[@]}" >&2
    status=1
  fi
fi

python_dirs=(bindings/python experiments tests tools)
if ((fix)); then
  .venv/bin/ruff check --fix "${python_dirs[@]}"
elif ! .venv/bin/ruff check "${python_dirs[@]}"; then
  echo "lint: ruff found problems (tools/lint.sh --fix fixes some)" >&2
  status=1
fi
if ! .venv/bin/python tools/check_build_files.py $( ((fix)) && echo --fix); then
  echo "lint: BUILD files break buildifier's ordering (tools/lint.sh --fix sorts them)" >&2
  status=1
fi
exit $status
