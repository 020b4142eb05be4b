#!/usr/bin/env bash
# Search index benchmark: generates N articles from the shared BBC corpus, measures the
# index alone (time, memory, size, bytes a browser fetches per query) and the whole build
# with and without search. Mind other jobs on the machine: compare CPU times too.
#   bench/search.sh [N] [WORKDIR]      (defaults: 10000, a temporary folder)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
WORK=${2:-$(mktemp -d)}
SHARED=${SHARED:-../shared}
SITE="$WORK/site-$N"

if [ ! -d "$SITE/content" ]; then
  python3 "$SHARED/bench/gen.py" "$N" "$SITE" broadsheet "$SHARED/corpus/bbc"
fi
config() {
  printf 'title = "Search bench"\nbase_url = "https://example.org/"\nper_page = 20\nsearch = %s\n\n[ingest]\nfold_duplicates = false\n' "$1" > "$SITE/site.toml"
}
config true

cargo build --release --quiet --example search_bench --bin broadsheet
echo "== index alone ($N articles)"
target/release/examples/search_bench "$SITE"
# Whole builds from an empty output folder, with and without search.
for search in true false; do
  config "$search"
  rm -rf "$SITE/public"
  echo "== whole build, search = $search ($N articles)"
  /usr/bin/time -f "wall %e s, user %U s, sys %S s, max RSS %M KB" \
    target/release/broadsheet build --root "$SITE" --quiet
done
config true
