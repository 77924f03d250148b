#!/usr/bin/env bash
# Stats benchmark: R's survey package against `portal stats estimate` on the
# same 1,000,000-interview file, each timed as a whole process with
# /usr/bin/time -v (wall seconds, peak RSS), then their per-district
# results compared.
#
#   bench/stats/run.sh            # from the repository root
#   PORTAL=/path/to/portal bench/stats/run.sh
#
# Needs Go, R with the survey and jsonlite packages, and GNU time.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${WORK:-/tmp/bench_stats}
PORTAL=${PORTAL:-$WORK/portal}
mkdir -p "$WORK"
CSV=$WORK/bench_stats.csv

[ -s "$CSV" ] || go run ./bench/stats/gen -out "$CSV"
[ -x "$PORTAL" ] || go build -o "$PORTAL" ./cmd/portal

ARGS=(stats estimate --data "$CSV" --weight weight --strata district --cluster community
      --indicator satisfied --indicator aware --by district --ci logit)

measure() { # name, command...
  local name=$1; shift
  /usr/bin/time -v "$@" >"$WORK/$name.out" 2>"$WORK/$name.time"
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$WORK/$name.time" |
         awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/$name.time")
  echo "$wall $rss"
}

read -r p_wall p_rss < <(measure portal "$PORTAL" "${ARGS[@]}")
read -r r_wall r_rss < <(measure r Rscript bench/stats/bench.R "$CSV" "$WORK/r_results.csv")
size=$(stat -c %s "$CSV")

awk -v pw="$p_wall" -v pr="$p_rss" -v rw="$r_wall" -v rr="$r_rss" -v sz="$size" 'BEGIN {
  mb = 1024 * 1024
  printf "CSV: %d rows + header, %.1f MB\n\n", 1000000, sz / mb
  printf "| run    | seconds | peak RSS (MB) | RSS / CSV size |\n"
  printf "|--------|--------:|--------------:|---------------:|\n"
  printf "| R      | %7.2f | %13.1f | %14.2f |\n", rw, rr / 1024, rr * 1024 / sz
  printf "| portal | %7.2f | %13.1f | %14.2f |\n", pw, pr / 1024, pr * 1024 / sz
  printf "\nportal is %.0fx faster than R\n", rw / pw
}'
Rscript bench/stats/compare.R "$WORK/r_results.csv" "$WORK/portal.out"
