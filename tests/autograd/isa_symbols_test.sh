#!/usr/bin/env bash
# Checks the one-definition rule of Note [Kernels per instruction set]
# (autograd/cpu/isa/isa.h): every symbol that an instruction-set variant of the kernels
# exports (global or weak) must be its own: named inside acaode::cpu::<isa>, or carrying
# the variant's renamed Eigen namespace acaode_eigen_<isa>. Anything else (e.g. an
# out-of-line std:: template compiled with AVX-512) could be picked by the linker for
# baseline code and crash an older CPU with SIGILL.
#
#   args: the variants' archives (lib isa_<isa>.a), from Bazel's data
set -euo pipefail
status=0
checked=0
for archive in "$@"; do
  case "$archive" in *.a) ;; *) continue ;; esac
  isa=$(basename "$archive" | sed -E 's/^libisa_([a-z0-9]+)(\.pic)?\.a$/\1/')
  checked=$((checked + 1))
  strays=$(nm -C --defined-only "$archive" 2>/dev/null |
    awk 'NF >= 3 && $2 ~ /^[A-Z]$/ { $1 = ""; $2 = ""; sub(/^  /, ""); print }' |
    grep -v -e "^acaode::cpu::$isa::" -e "acaode_eigen_$isa" -e '^DW\.ref\.__gxx_personality_v0$' || true)
  if [[ -n "$strays" ]]; then
    echo "FAIL: $archive ($isa) exports symbols that other variants could share:" >&2
    echo "$strays" | head -20 >&2
    status=1
  else
    echo "ok: $archive ($isa)"
  fi
done
if ((checked < 3)); then
  echo "FAIL: expected the archives of 3 variants, got $checked: $*" >&2
  status=1
fi
exit $status
