#!/usr/bin/env bash
# Stats benchmark: R's survey package against `portal stats estimate` on the
# same 1,000,000-interview file, each timed as a whole process with
# /usr/bin/time -v (wall seconds, CPU seconds, peak RSS), side by side in one
# run, then their overall and per-district results compared.
#
#   bench/stats/run.sh            # from the repository root
#   PORTAL=/path/to/portal RUNS=3 bench/stats/run.sh
#
# The portal runs RUNS times (default 3) and its median is reported; R runs
# once (it takes half a minute). The machine's load is printed before and
# after: on a shared machine the wall-clock ratio is noisy, the CPU-time
# ratio much less so.
#
# Needs Go, R with the survey package, and GNU time.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${WORK:-/tmp/bench_stats}
PORTAL=${PORTAL:-$WORK/portal}
RUNS=${RUNS:-3}
mkdir -p "$WORK"
CSV=$WORK/bench_stats.csv

[ -s "$CSV" ] || go run ./bench/stats/gen -out "$CSV"
[ -x "$PORTAL" ] || go build -o "$PORTAL" ./cmd/portal

# One command: overall and by district, as the R script does in one run.
ARGS=(stats estimate --data "$CSV" --weight weight --strata district --cluster community
      --indicator satisfied --indicator aware --by district --ci logit)

measure() { # name, command... -> wall cpu rss
  local name=$1; shift
  /usr/bin/time -v "$@" >"$WORK/$name.out" 2>"$WORK/$name.time"
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); wall = (n == 3) ? p[1]*3600 + p[2]*60 + p[3] : p[1]*60 + p[2] }
    /User time \(seconds\)/ { cpu += $2 }
    /System time \(seconds\)/ { cpu += $2 }
    /Maximum resident set size/ { rss = $2 }
    END { print wall, cpu, rss }' "$WORK/$name.time"
}

echo "load before: $(uptime)"
: >"$WORK/portal.runs"
for _ in $(seq "$RUNS"); do measure portal "$PORTAL" "${ARGS[@]}" >>"$WORK/portal.runs"; done
read -r r_wall r_cpu r_rss < <(measure r Rscript bench/stats/bench.R "$CSV" "$WORK/r_results.csv")
for _ in $(seq "$RUNS"); do measure portal "$PORTAL" "${ARGS[@]}" >>"$WORK/portal.runs"; done
echo "load after:  $(uptime)"
# Median of the portal's runs (before and after R), by wall and by CPU;
# the largest peak RSS.
median() { cut -d' ' -f"$1" "$WORK/portal.runs" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
p_wall=$(median 1); p_cpu=$(median 2); p_rss=$(cut -d' ' -f3 "$WORK/portal.runs" | sort -g | tail -1)
size=$(stat -c %s "$CSV")

awk -v pw="$p_wall" -v pc="$p_cpu" -v pr="$p_rss" -v rw="$r_wall" -v rc="$r_cpu" -v rr="$r_rss" -v sz="$size" -v runs="$RUNS" 'BEGIN {
  mb = 1024 * 1024
  printf "CSV: %d rows + header, %.1f MB; portal: median of %d runs, peak RSS the largest\n\n", 1000000, sz / mb, 2 * runs
  printf "| run    | wall s | CPU s | peak RSS (MB) | RSS / CSV size |\n"
  printf "|--------|-------:|------:|--------------:|---------------:|\n"
  printf "| R      | %6.2f | %5.2f | %13.1f | %14.2f |\n", rw, rc, rr / 1024, rr * 1024 / sz
  printf "| portal | %6.2f | %5.2f | %13.1f | %14.2f |\n", pw, pc, pr / 1024, pr * 1024 / sz
  printf "\nportal is %.0fx faster than R by wall clock, %.0fx by CPU time\n", rw / pw, rc / (pc > 0 ? pc : 0.01)
}'
go run ./bench/stats/compare "$WORK/r_results.csv" "$WORK/portal.out"
