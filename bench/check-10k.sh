#!/usr/bin/env bash
# How long `runbook check` takes on the generated 10,000-document corpus (the same corpus as
# bench/build-vs-hugo.sh), next to `runbook build --no-search` on it: median of several runs.
# Usage: bench/check-10k.sh   (needs hyperfine; builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."
work=${BENCH_WORK:-/tmp/bench-work/runbook}
corpus="$work/runbook-src-10000"
if [[ ! -d "$corpus" ]]; then
  echo "no corpus at $corpus: run bench/build-vs-hugo.sh once (it generates it)" >&2
  exit 1
fi
make release >/dev/null
bin=.build/release/runbook
out="$work/check-bench-site"
hyperfine --warmup 1 --runs "${RUNS:-7}" --ignore-failure \
  --prepare "rm -rf '$out'" \
  "$bin check --source '$corpus'" \
  "$bin build --no-search --quiet --source '$corpus' --out '$out'" \
  --export-json "$work/check-10000.json" | grep -E "Time|±|faster|Benchmark"
