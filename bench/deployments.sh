#!/usr/bin/env bash
# Deployments: GET /v1/deployments/{id} throughput against the static endpoint of the same app, and
# scale latency (request -> the replicas ready in the simulated cluster).
#
#   bash bench/deployments.sh [jar] [rounds]     # defaults: standalone/target/shipyard-local.jar, 3
#
# Starts the local platform (its simulated cluster on BENCH_CLUSTER_PORT, 16443 by default) on a
# fresh temporary data dir with rate limits off, registers a user and creates one deployment
# (image registry.example/bench/app:1, 1 replica) and waits until it is running. Then:
#  1. Throughput, ROUNDS rounds, interleaved (wrk -t THREADS -c CONNECTIONS -d DURATION after WARMUP,
#     after WARMUP_ALL on both first):
#       static       GET /api/health/live         (no credential)
#       deployment   GET /v1/deployments/{id}      with the bearer token (PostgreSQL: the row, its
#                                                  run, the sealed environment opened)
#     req/s median and the ratio to static of the same round.
#  2. Scale latency, SCALES times: PATCH /v1/deployments/{id}/scale to 2, 3, 2, 3, ...; the time
#     from sending the request to the Deployment in the simulated cluster reporting that many ready
#     replicas (read from its API server every 5 ms: the observed state, not the API's answer), and
#     the time of the PATCH answer alone. The next scale waits until the API says running again
#     (not counted). p50/p90/p99/max.
# Writes bench/results/deployments-<date>[-<label>].csv. Only 127.0.0.1 is contacted.
#
# Environment (optional): LABEL, THREADS (2), CONNECTIONS (16), DURATION (10s), WARMUP (5s),
# WARMUP_ALL (10s), SCALES (40), JAVA_OPTS, BENCH_*_PORT (BENCH_CLUSTER_PORT 16443).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
JAR="${1:-$REPO_ROOT/standalone/target/shipyard-local.jar}"
ROUNDS="${2:-3}"
NAME=deployments
LABEL="${LABEL:-}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-5s}"
WARMUP_ALL="${WARMUP_ALL:-10s}"
SCALES="${SCALES:-40}"
CLUSTER_PORT="${BENCH_CLUSTER_PORT:-16443}"
CLUSTER="http://127.0.0.1:$CLUSTER_PORT"
for tool in wrk jq curl java; do
  command -v "$tool" >/dev/null || { echo "$NAME: $tool is required" >&2; exit 1; }
done
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || { echo "$NAME: rounds must be a positive integer" >&2; exit 1; }
EXTRA_ENV=(RATE_LIMIT_ENABLED=false LOCAL_CLUSTER_PORT="$CLUSTER_PORT")
# shellcheck source=bench/lib-platform.sh
. "$SCRIPT_DIR/lib-platform.sh"
OUT="$REPO_ROOT/bench/results/deployments-$(date -u +%F)${LABEL:+-$LABEL}.csv"
[ -e "$OUT" ] && OUT="${OUT%.csv}-$(date -u +%H%M%S).csv"

start_platform
auth=(-H "Authorization: Bearer $TOKEN")
now_ms() { date +%s%3N; }

created="$(curl --noproxy '*' -fs -X POST "$API/v1/deployments" "${auth[@]}" -H 'Content-Type: application/json' \
  -d '{"app_name":"bench","image":"registry.example/bench/app:1","port":8080,"replicas":1,"env_vars":{"GREETING":"hello"}}')" ||
  die "POST /v1/deployments failed: $(tail -n 20 "$LOG")"
ID="$(jq -r .id <<<"$created")"
[ -n "$ID" ] && [ "$ID" != null ] || die "no deployment id in $created"

status_of() { curl --noproxy '*' -fs "$API/v1/deployments/$ID" "${auth[@]}" | jq -r .status; }
wait_running() { # seconds
  local s=""
  for _ in $(seq 1 $(($1 * 20))); do
    s="$(status_of)"
    [ "$s" = running ] && return 0
    [ "$s" = failed ] && die "the deployment failed"
    sleep 0.05
  done
  die "the deployment is $s, not running, after $1 s"
}
wait_running 120
NS="shipyard-$USER_ID"
ready_replicas() {
  curl --noproxy '*' -fs "$CLUSTER/apis/apps/v1/namespaces/$NS/deployments/bench" | jq -r '.status.readyReplicas // 0'
}
[ "$(ready_replicas)" = 1 ] || die "the simulated cluster does not show 1 ready replica of bench in $NS"

echo "# Shipyard deployments: $ROUNDS round(s), $SCALES scales, $(date -u -Iseconds)${LABEL:+, $LABEL}"
echo "jar sha256 $JAR_SHA, host: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), wrk -t$THREADS -c$CONNECTIONS -d$DURATION, rate limits off"
echo "timestamp,label,kind,round,name,value,unit,ratio_to_static,loadavg1" >"$OUT"

declare -A PATH_OF=([static]=/api/health/live [deployment]="/v1/deployments/$ID")
run_wrk() { # endpoint duration
  local args=(-t"$THREADS" -c"$CONNECTIONS" -d"$2")
  [ "$1" = deployment ] && args+=("${auth[@]}")
  wrk "${args[@]}" "$API${PATH_OF[$1]}"
}
for e in static deployment; do run_wrk "$e" "$WARMUP_ALL" >/dev/null; done
for round in $(seq 1 "$ROUNDS"); do
  static_rps=""
  for e in static deployment; do
    run_wrk "$e" "$WARMUP" >/dev/null
    out="$(run_wrk "$e" "$DURATION")"
    rps="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
    bad="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")"
    [ -z "$bad" ] || { echo "$out" >&2; die "round $round, $e: $bad non-2xx responses"; }
    [ "$e" = static ] && static_rps="$rps"
    ratio="$(awk -v a="$rps" -v b="$static_rps" 'BEGIN { printf "%.2f", a / b }')"
    echo "$(date -u -Iseconds),$LABEL,throughput,$round,$e,$rps,req/s,$ratio,$(cut -d' ' -f1 /proc/loadavg)" >>"$OUT"
    echo "round $round: $e ${PATH_OF[$e]/$ID/\{id\}}: $rps req/s, ${ratio}x static"
  done
done

for i in $(seq 1 "$SCALES"); do
  target=$((2 + i % 2))
  t0="$(now_ms)"
  code="$(curl --noproxy '*' -s -o /dev/null -w '%{http_code}' -X PATCH "$API/v1/deployments/$ID/scale" "${auth[@]}" \
    -H 'Content-Type: application/json' -d "{\"replicas\":$target}")"
  t1="$(now_ms)"
  [ "$code" = 200 ] || die "scale $i to $target answered $code"
  until [ "$(ready_replicas)" = "$target" ]; do
    [ $(($(now_ms) - t0)) -lt 60000 ] || die "scale $i: $target replicas not ready within 60 s"
    sleep 0.005
  done
  t2="$(now_ms)"
  echo "$(date -u -Iseconds),$LABEL,scale,$i,request_to_ready,$((t2 - t0)),ms,,$(cut -d' ' -f1 /proc/loadavg)" >>"$OUT"
  echo "$(date -u -Iseconds),$LABEL,scale,$i,answer,$((t1 - t0)),ms,,$(cut -d' ' -f1 /proc/loadavg)" >>"$OUT"
  wait_running 60
done

pct() { sort -n | awk -v p="$1" '{ v[NR] = $1 } END { i = int((NR - 1) * p / 100) + 1; print v[i] }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
echo "| measure | median | ratio to static (median) |"
echo "|---|---:|---:|"
for e in static deployment; do
  echo "| \`GET ${PATH_OF[$e]/$ID/\{id\}}\` req/s | $(awk -F, -v e="$e" '$3 == "throughput" && $5 == e { print $6 }' "$OUT" | median) | $(awk -F, -v e="$e" '$3 == "throughput" && $5 == e { print $8 }' "$OUT" | median) |"
done
echo
echo "| scale ($SCALES) | p50 ms | p90 ms | p99 ms | max ms |"
echo "|---|---:|---:|---:|---:|"
for m in request_to_ready answer; do
  vals="$(awk -F, -v m="$m" '$3 == "scale" && $5 == m { print $6 }' "$OUT")"
  echo "| $m | $(pct 50 <<<"$vals") | $(pct 90 <<<"$vals") | $(pct 99 <<<"$vals") | $(pct 100 <<<"$vals") |"
done
echo
echo "Raw figures: ${OUT#"$REPO_ROOT"/}"
