#!/usr/bin/env bash
# Latency of POST /api/build/ against a bare WorkflowClient.start of the same BuildWorkflow on the
# same Temporal server, at a fixed rate.
#
#   bash bench/build-create.sh [jar]     # default: standalone/target/shipyard-local.jar
#
# Starts the local platform on a fresh temporary data dir (ports 18080/18081/17233/25432/19000 or
# BENCH_*_PORT) with the heavy rate class raised (RATE_LIMIT_HEAVY=1000000), registers a user, then
# runs bench/java/BuildCreateBench.java (Java's source launcher, classpath: the platform jar's own
# classes and libraries) which, open loop at RATE starts per second (a scheduler fires every 1/RATE
# s; latency counts from the scheduled instant, so nothing is hidden by waiting), issues:
#   api   POST /api/build/ (HTTP/1.1, bearer token): validation, authentication, rate limit, the
#         builds row insert, WorkflowClient.start inside the API; answered 202
#   bare  WorkflowClient.start of BuildWorkflow with the same WorkflowOptions as the API's
#         BuildRuns.start, from the bench JVM to the platform's Temporal server
# WARMUP s of each first (not recorded), then ROUNDS rounds of DURATION s per mode, alternating the
# order. Every build it starts is TERMINATED right after its start answered (outside the measured
# time, by two threads of the bench JVM), so no real build runs; the worker may still pick up the
# first workflow task of some of them. Prints p50/p90/p99 per mode and the ratio api/bare, and
# writes bench/results/build-create-<date>.csv. Only 127.0.0.1 is contacted.
#
# Environment (optional): RATE (5), DURATION (60), ROUNDS (1), WARMUP (15), JAVA_OPTS (platform JVM
# flags), BENCH_*_PORT.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
JAR="${1:-$REPO_ROOT/standalone/target/shipyard-local.jar}"
NAME=build-create
RATE="${RATE:-5}"
DURATION="${DURATION:-60}"
ROUNDS="${ROUNDS:-1}"
WARMUP="${WARMUP:-15}"
for tool in jq curl java unzip; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
EXTRA_ENV=(RATE_LIMIT_HEAVY=1000000)
# shellcheck source=bench/lib-platform.sh
. "$SCRIPT_DIR/lib-platform.sh"

OUT="$REPO_ROOT/bench/results/build-create-$(date -u +%F).csv"
[ -e "$OUT" ] && OUT="${OUT%.csv}-$(date -u +%H%M%S).csv"

LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
start_platform
CP="$(platform_classpath)"

echo "# Shipyard build creation: POST /api/build/ vs bare WorkflowClient.start, $(date -u -Iseconds)"
echo
echo "jar sha256 $JAR_SHA, host: $(nproc) CPUs, load at start $LOAD_START, $RATE/s open loop, ${WARMUP}s warm-up per mode, $ROUNDS x ${DURATION}s per mode"
echo

java -cp "$CP" "$SCRIPT_DIR/java/BuildCreateBench.java" "$API" "$TOKEN" "$TEMPORAL_TARGET" \
  default "$TENANT_ID" "$USER_ID" "$USERNAME" "$RATE" "$WARMUP" "$DURATION" "$ROUNDS" \
  >"$WORK/bench.out" 2>"$WORK/bench.err" || { cat "$WORK/bench.err" >&2; die "the bench JVM failed"; }
grep -v '^\(ROW\|TERMINATE\)' "$WORK/bench.err" | grep -i 'exception\|error\|HTTP' | head -5 >&2 || true

LOAD_END="$(cut -d' ' -f1 /proc/loadavg)"
echo "timestamp,round,mode,rate_per_s,seconds,requests,errors,p50_ms,p90_ms,p99_ms,max_ms,mean_ms,achieved_rate_per_s,loadavg_start,loadavg1_end" >"$OUT"
grep '^ROW,' "$WORK/bench.out" | while IFS= read -r row; do
  echo "$(date -u -Iseconds),${row#ROW,},${LOAD_START%% *},$LOAD_END" >>"$OUT"
done

echo "| round | mode | requests | errors | p50 ms | p90 ms | p99 ms | max ms | achieved /s |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
awk -F, 'NR > 1 { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $2, $3, $6, $7, $8, $9, $10, $11, $13 }' "$OUT"
echo
awk -F, 'NR > 1 && $2 == "all" { p50[$3] = $8; p99[$3] = $10 }
  END { printf "ratio api/bare: p50 %.2fx (%s vs %s ms), p99 %.2fx (%s vs %s ms)\n",
        p50["api"] / p50["bare"], p50["api"], p50["bare"], p99["api"] / p99["bare"], p99["api"], p99["bare"] }' "$OUT"
grep '^TERMINATE_ERRORS' "$WORK/bench.out" | sed 's/TERMINATE_ERRORS,/builds the bench could not terminate: /'
echo "load average at end: $LOAD_END"
echo
echo "Raw figures: ${OUT#"$REPO_ROOT"/}"
