#!/bin/bash
# Start to ready, RSS and the list timings of the store issue (13) in
# PostgreSQL mode: pg-lists.sh POSTGRESQL_URL PORT PORTAL_BINARY, against a
# database loaded by `dashboard-bench gen` through `portal db serve
# --postgresql-url` and an official `benchoff` made with `portal user add`
# (password bench-pass-2026-x). Each request signs in afresh (a slow list
# outlives an access token).
set -u
PG=$1; PORT=$2; BIN=$3; OUT=$(mktemp -d)
SECRET=bench-secret-0123456789abcdef0123456789abcdef
t0=$(date +%s.%N)
$BIN serve --postgresql-url "$PG" --addr 127.0.0.1:$PORT --jwt-secret $SECRET > $OUT/serve.out 2> $OUT/serve.err &
PID=$!
until grep -q listening $OUT/serve.out 2>/dev/null; do sleep 0.1; done
t1=$(date +%s.%N)
echo "start to ready: $(echo "$t1 - $t0" | bc) s; RSS at ready: $(grep VmRSS /proc/$PID/status)"
B=http://127.0.0.1:$PORT/api/v1
for path in "complaints?limit=50" "complaints?limit=50&status=submitted" "complaints/public"; do
  TOK=$(curl -s -X POST -H 'Content-Type: application/json' -d '{"username":"benchoff","password":"bench-pass-2026-x"}' $B/auth/login | python3 -c 'import sys,json; print(json.load(sys.stdin)["access_token"])')
  curl -s -o $OUT/body.json -w "$path: %{http_code} %{time_total} s " -H "Authorization: Bearer $TOK" "$B/$path"
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("items", len(d.get("items",[])))' $OUT/body.json
  echo "  RSS $(grep -E 'VmRSS|VmHWM' /proc/$PID/status | tr '\n' ' ') load $(cut -d' ' -f1-3 /proc/loadavg)"
done
kill -INT $PID; wait $PID
