#!/usr/bin/env bash
# tools/prune_disk_cache.sh keeps the most recently used entries of the disk cache within
# the limit and deletes the rest, judging use by the later of access and modification time.
set -euo pipefail
script=$(readlink -f tools/prune_disk_cache.sh)
cache="$TEST_TMPDIR/cache"
mkdir -p "$cache/cas/aa" "$cache/ac"
make_entry() { # path, MiB, date of last use
  head -c $(($2 * 1024 * 1024)) /dev/zero >"$cache/$1"
  touch -m -d "$3" "$cache/$1"
  touch -a -d "$3" "$cache/$1"
}
make_entry cas/aa/oldest 1 "2026-01-01"
make_entry cas/aa/old 1 "2026-02-01"
make_entry cas/aa/new 1 "2026-03-01"
make_entry ac/newest 1 "2026-04-01"
# Read long ago, but written recently: the later time counts.
make_entry cas/aa/rewritten 1 "2025-01-01"
touch -m -d "2026-05-01" "$cache/cas/aa/rewritten"

fail() { echo "FAIL: $*" >&2; exit 1; }
ACAODE_DISK_CACHE="$cache" ACAODE_DISK_CACHE_MB=3 "$script"
for kept in cas/aa/rewritten ac/newest cas/aa/new; do
  [[ -f "$cache/$kept" ]] || fail "$kept was deleted, but it is among the 3 MiB used last"
done
for gone in cas/aa/old cas/aa/oldest; do
  [[ ! -e "$cache/$gone" ]] || fail "$gone was kept, but the cache is over its 3 MiB limit"
done

# Within the limit nothing goes.
ACAODE_DISK_CACHE="$cache" ACAODE_DISK_CACHE_MB=100 "$script"
[[ $(find "$cache" -type f | wc -l) == 3 ]] || fail "a cache within its limit lost entries"

# A limit that is not a number is refused, naming the variable.
if msg=$(ACAODE_DISK_CACHE="$cache" ACAODE_DISK_CACHE_MB=lots "$script" 2>&1); then
  fail "ACAODE_DISK_CACHE_MB=lots was accepted"
fi
[[ "$msg" == *ACAODE_DISK_CACHE_MB* ]] || fail "the error does not name the variable: $msg"
[[ $(find "$cache" -type f | wc -l) == 3 ]] || fail "a refused run deleted entries"
echo PASS
