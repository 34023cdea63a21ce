#!/usr/bin/env bash
# Capsule generation time per stack and per refinement round, on the one-command local platform.
#
#   bash bench/capsule-generation.sh [jar] [runs]     # defaults: standalone/target/shipyard-local.jar, 3
#
# Starts the local platform on a fresh temporary data dir (ports 18080/18081/17233/25432/19000 or
# BENCH_*_PORT), creates a first admin, then for each stack (python-fastapi, java-spring-boot,
# node-express) and run: POST /generate/robust-capsule with the "user management" request of
# capsules-api.md and records
#   - request_ms: wall clock of the synchronous request (plan + generate + validate + refine rounds
#     + store), from curl;
#   - rounds, and per round: its phase, score and round_ms (the workflow's own clock, from the start
#     of the generate/refine step to the end of its validation; GET /capsule/{id}/generation).
# Writes bench/results/capsule-generation-<date>.csv and prints a Markdown summary. Only 127.0.0.1
# is contacted. The offline engine is used (CODEGEN_ENGINE=offline).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
JAR="${1:-$REPO_ROOT/standalone/target/shipyard-local.jar}"
RUNS="${2:-3}"
API_PORT="${BENCH_API_PORT:-18080}"
API="http://127.0.0.1:$API_PORT"
DATA="$(mktemp -d)"
LOG="$DATA/console.log"
OUT="$REPO_ROOT/bench/results/capsule-generation-$(date -u +%F).csv"
ADMIN_EMAIL="bench@shipyard.local"
ADMIN_PASSWORD="Timing-run-$(date +%s)-x"

[ -f "$JAR" ] || { echo "No $JAR: build first (./mvnw -B -q -DskipTests package)" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq is required" >&2; exit 1; }

cleanup() {
  if [ -n "${PID:-}" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"; wait "$PID" 2>/dev/null || true
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT

SHIPYARD_DATA_DIR="$DATA/data" PORT="$API_PORT" WORKER_PORT="${BENCH_WORKER_PORT:-18081}" \
  LOCAL_TEMPORAL_PORT="${BENCH_TEMPORAL_PORT:-17233}" LOCAL_POSTGRES_PORT="${BENCH_POSTGRES_PORT:-25432}" \
  LOCAL_S3_PORT="${BENCH_S3_PORT:-19000}" SHIPYARD_ADMIN_EMAIL="$ADMIN_EMAIL" \
  SHIPYARD_ADMIN_PASSWORD="$ADMIN_PASSWORD" CODEGEN_ENGINE=offline CAPSULE_SYNC_WAIT=600s \
  RATE_LIMIT_HEAVY=1000 java -jar "$JAR" >"$LOG" 2>&1 &
PID=$!
for _ in $(seq 1 180); do
  curl -fs "$API/api/health/ready" >/dev/null 2>&1 && break
  kill -0 "$PID" 2>/dev/null || { echo "The platform exited:" >&2; tail -20 "$LOG" >&2; exit 1; }
  sleep 1
done
TOKEN=$(curl -fs -X POST "$API/v1/auth/login" -H 'Content-Type: application/json' \
  -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" | jq -r .access_token)

echo "stack,run,request_ms,rounds,files,score,round,phase,round_score,round_ms" >"$OUT"
declare -A CONSTRAINTS=(
  [python-fastapi]='{"language":"python","framework":"fastapi","database":"postgresql"}'
  [java-spring-boot]='{"language":"java","framework":"spring-boot","database":"postgresql"}'
  [node-express]='{"language":"javascript","framework":"express","database":"postgresql"}'
)
for stack in python-fastapi java-spring-boot node-express; do
  for run in $(seq 1 "$RUNS"); do
    body=$(jq -n --arg id "bench-$stack-$run-$$" --argjson c "${CONSTRAINTS[$stack]}" '{
      id: $id,
      description: "Create a microservice for user management",
      requirements: "Must include authentication, CRUD operations, and Docker deployment",
      constraints: $c, metadata: {target_score: 0.9}}')
    resp=$(curl -fs -o "$DATA/resp.json" -w '%{time_total}' -X POST "$API/generate/robust-capsule" \
      -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$body")
    ms=$(awk -v t="$resp" 'BEGIN { printf "%d", t * 1000 }')
    id=$(jq -r .capsule_id "$DATA/resp.json")
    score=$(jq -r .validation.score "$DATA/resp.json")
    files=$(jq -r .files_generated "$DATA/resp.json")
    curl -fs "$API/capsule/$id/generation" -H "Authorization: Bearer $TOKEN" >"$DATA/gen.json"
    rounds=$(jq '.iterations | length' "$DATA/gen.json")
    jq -r --arg s "$stack" --arg r "$run" --arg ms "$ms" --arg n "$rounds" --arg f "$files" --arg sc "$score" \
      '.iterations[] | [$s, $r, $ms, $n, $f, $sc, .number, .phase, .score, .millis] | @csv' \
      "$DATA/gen.json" | tr -d '"' >>"$OUT"
    echo "$stack run $run: ${ms} ms, $rounds round(s), $files files, score $score"
  done
done

echo
echo "| stack | runs | request ms (median) | round-1 ms (median) | rounds | score |"
echo "|---|---|---|---|---|---|"
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for stack in python-fastapi java-spring-boot node-express; do
  first=$(awk -F, -v s="$stack" '$1 == s && $7 == 1' "$OUT")
  n=$(echo "$first" | grep -c . || true)
  req=$(echo "$first" | cut -d, -f3 | median)
  r1=$(echo "$first" | cut -d, -f10 | median)
  rounds=$(echo "$first" | cut -d, -f4 | sort -u | paste -sd/ -)
  score=$(echo "$first" | cut -d, -f6 | sort -u | paste -sd/ -)
  echo "| $stack | $n | $req | $r1 | $rounds | $score |"
done
echo
echo "Raw figures: $OUT"
