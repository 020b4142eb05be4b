#!/usr/bin/env bash
# A/B of two broadsheet binaries on one rebuild after an edit: each round appends a line
# to one article, waits, and times a rebuild with each binary, alternating which goes
# first. Each binary builds into its own output folder (and so its own cache), so each
# rebuild is an incremental one after one edit. Prints wall time, CPU (user+system),
# peak memory and page faults per rebuild.
#
#   bench/ab.sh NEW_BINARY OLD_BINARY SITE_DIR ARTICLE [ROUNDS] [PAUSE]
#
# SITE_DIR is a generated site (bench/run.py keeps them in /tmp/broadsheet-bench); the
# outputs go to /dev/shm (into memory) unless OUT is set. ARTICLE is a content file,
# relative to SITE_DIR. PAUSE (default 5 s) is the wait between the edit and the rebuild:
# on a virtual machine that hands free memory back to its host, a rebuild right after
# another costs less than one a user makes (see bench/README.md, stop 27).
set -euo pipefail
new=$(realpath "$1") old=$(realpath "$2") site=$3 article=$4
rounds=${5:-4} pause=${6:-5} out=${OUT:-/dev/shm}
cd "$site"
[ -f "$article" ] || { echo "no such article: $site/$article" >&2; exit 1; }
for name in new old; do
    # A first build with each binary (a full one if its cache is of another binary).
    "${!name}" build -q --output-dir "$out/ab-$name" >/dev/null 2>&1
done
for i in $(seq 1 "$rounds"); do
    order="new old"
    [ $((i % 2)) = 0 ] && order="old new"
    for name in $order; do
        echo "Line $i $name." >> "$article"
        sleep "$pause"
        /usr/bin/time -f "$name %e s wall, %U+%S s CPU, %M KB peak, %R faults" \
            "${!name}" build -q --output-dir "$out/ab-$name" 2>&1 >/dev/null | tail -1
    done
done
