#!/usr/bin/env bash
# Keeps Bazel's disk cache (tools/bazel_env.sh) under a size limit, least recently used
# entries first. Bazel 4.2 never deletes from a disk cache itself, and every rebuild of the
# sanitizer tests adds gigabytes to it, so without this the cache fills the disk.
#
#   tools/prune_disk_cache.sh     # limit: $ACAODE_DISK_CACHE_MB, default 10240 (MiB)
#
# The cache's location is $ACAODE_DISK_CACHE (tools/bazel_env.sh).
#
# Run by tools/setup.sh. A deleted entry is only a cache miss: Bazel rebuilds it.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$repo/tools/bazel_env.sh"
limit_mb=${ACAODE_DISK_CACHE_MB:-10240}
[[ "$limit_mb" =~ ^[0-9]+$ ]] || {
  echo "prune_disk_cache: ACAODE_DISK_CACHE_MB must be a whole number of MiB, got '$limit_mb'" >&2
  exit 2
}
[[ -d "$ACAODE_DISK_CACHE" ]] || exit 0
limit_bytes=$((limit_mb * 1024 * 1024))
# Newest first by last use (the later of access and modification time: the disk is mounted
# relatime, so access times lag by up to a day); everything past the limit goes.
find "$ACAODE_DISK_CACHE" -type f -printf '%A@ %T@ %s %p\n' |
  awk '{ used = ($1 > $2) ? $1 : $2; print used, $3, $4 }' |
  sort -k1,1 -g -r |
  awk -v limit="$limit_bytes" '{ total += $2; if (total > limit) print $3 }' |
  xargs -r rm -f
