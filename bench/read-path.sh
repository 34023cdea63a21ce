#!/usr/bin/env bash
# Throughput of the authenticated read path against the static endpoint, in one go.
#
#   bash bench/read-path.sh [jar] [rounds]     # defaults: standalone/target/shipyard-local.jar, 3
#
# Starts the local platform on a fresh temporary data dir (ports 18080/18081/17233/25432/19000 or
# BENCH_*_PORT) with rate limits off (RATE_LIMIT_ENABLED=false), registers a user, generates one
# capsule (offline engine), warms the JIT up on every endpoint (WARMUP_ALL, 15s each), then runs wrk
# (THREADS 2, CONNECTIONS 16, DURATION 10s after WARMUP 5s per endpoint) on four endpoints,
# interleaved, ROUNDS times:
#   static        GET /api/health/live                  (no credential)
#   static+token  GET /api/health/live                  with the bearer token (authentication only)
#   profile       GET /v1/user/profile                  with the bearer token
#   capsule       GET /capsule/{id}                     with the bearer token
# and prints req/s per endpoint (median over the rounds) and its ratio to the static endpoint of
# the SAME round (the machine is shared, so only ratios compare across runs). Every response must be
# 200: a round with non-2xx responses or socket errors fails the script.
# It also records the CPU time the platform spent per request: the platform JVM (API, worker and
# Temporal test server share it) plus the PostgreSQL server processes, from /proc (utime + stime)
# before and after each measurement. On a busy host req/s follows how much CPU the other processes
# leave; CPU per request does not, so "cpu_ratio" (static's CPU per request / the endpoint's) is the
# throughput ratio the endpoint would reach against static when CPU-bound, measured robustly.
# Writes bench/results/read-path-<date>[-<label>].csv. Only 127.0.0.1 is contacted.
#
# Environment (optional): LABEL (e.g. before/after; goes into the CSV and its name), THREADS (2),
# CONNECTIONS (16), DURATION (10s), WARMUP (5s), WARMUP_ALL (15s), JFR=<file.jfr> (record the whole run with Java
# Flight Recorder, profile settings, into that file), JAVA_OPTS (extra JVM flags), and the ports
# BENCH_API_PORT 18080, BENCH_WORKER_PORT 18081, BENCH_TEMPORAL_PORT 17233, BENCH_POSTGRES_PORT
# 25432, BENCH_S3_PORT 19000.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
JAR="${1:-$REPO_ROOT/standalone/target/shipyard-local.jar}"
ROUNDS="${2:-3}"
LABEL="${LABEL:-}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-16}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-5s}"
WARMUP_ALL="${WARMUP_ALL:-15s}"
API_PORT="${BENCH_API_PORT:-18080}"
API="http://127.0.0.1:$API_PORT"

die() { echo "read-path: $*" >&2; exit 1; }
[ -f "$JAR" ] || die "no $JAR: build first (./mvnw -B -q -DskipTests package)"
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "rounds must be a positive integer, got '$ROUNDS'"
for tool in wrk jq curl java; do
  command -v "$tool" >/dev/null || die "$tool is required (wrk: apt-get install -y wrk)"
done

WORK="$(mktemp -d "${TMPDIR:-/tmp}/shipyard-read-path.XXXXXX")"
LOG="$WORK/console.log"
mkdir -p "$REPO_ROOT/bench/results"
OUT="$REPO_ROOT/bench/results/read-path-$(date -u +%F)${LABEL:+-$LABEL}.csv"
[ -e "$OUT" ] && OUT="${OUT%.csv}-$(date -u +%H%M%S).csv"

cleanup() {
  if [ -n "${PID:-}" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    wait "$PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A private copy of the jar: a rebuild during the run must not change it under the JVM.
cp "$JAR" "$WORK/shipyard-local.jar"
JAR_SHA="$(sha256sum "$WORK/shipyard-local.jar" | cut -c1-12)"
JVM_FLAGS=(${JAVA_OPTS:-})
if [ -n "${JFR:-}" ]; then
  JVM_FLAGS+=("-XX:StartFlightRecording=settings=profile,filename=$JFR,dumponexit=true")
fi

env SHIPYARD_DATA_DIR="$WORK/data" PORT="$API_PORT" WORKER_PORT="${BENCH_WORKER_PORT:-18081}" \
  LOCAL_TEMPORAL_PORT="${BENCH_TEMPORAL_PORT:-17233}" \
  LOCAL_POSTGRES_PORT="${BENCH_POSTGRES_PORT:-25432}" LOCAL_S3_PORT="${BENCH_S3_PORT:-19000}" \
  RATE_LIMIT_ENABLED=false CODEGEN_ENGINE=offline CAPSULE_SYNC_WAIT=600s \
  java "${JVM_FLAGS[@]}" -jar "$WORK/shipyard-local.jar" >"$LOG" 2>&1 </dev/null &
PID=$!
ready=""
for _ in $(seq 1 300); do
  if curl --noproxy '*' -fs -o /dev/null --max-time 5 "$API/api/health/ready"; then
    ready=yes
    break
  fi
  kill -0 "$PID" 2>/dev/null || { tail -n 30 "$LOG" >&2; die "the platform exited"; }
  sleep 1
done
[ -n "$ready" ] || { tail -n 30 "$LOG" >&2; die "the platform was not ready within 300 s"; }

PASSWORD="Read-path-$(date +%s)-bench"
USERNAME="bench-$$"
TOKEN="$(curl --noproxy '*' -fs -X POST "$API/v1/auth/register" -H 'Content-Type: application/json' \
  -d "{\"username\":\"$USERNAME\",\"email\":\"$USERNAME@example.test\",\"password\":\"$PASSWORD\",\"confirm_password\":\"$PASSWORD\"}" |
  jq -r .access_token)"
[ -n "$TOKEN" ] && [ "$TOKEN" != null ] || die "registration failed"
CAPSULE="$(curl --noproxy '*' -fs -X POST "$API/generate/robust-capsule" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' \
  -d '{"description":"Create a FastAPI microservice for user management","requirements":"authentication, CRUD"}' |
  jq -r .capsule_id)"
[ -n "$CAPSULE" ] && [ "$CAPSULE" != null ] || die "capsule generation failed"
curl --noproxy '*' -fs -o /dev/null "$API/capsule/$CAPSULE" -H "Authorization: Bearer $TOKEN" ||
  die "GET /capsule/$CAPSULE failed"

ENDPOINTS=(static static+token profile capsule)
declare -A PATH_OF=([static]=/api/health/live [static+token]=/api/health/live
  [profile]=/v1/user/profile [capsule]="/capsule/$CAPSULE")
declare -A AUTH_OF=([static]=no [static+token]=yes [profile]=yes [capsule]=yes)

run_wrk() { # endpoint duration -> wrk's output
  local e="$1" args=(-t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency)
  [ "${AUTH_OF[$e]}" = yes ] && args+=(-H "Authorization: Bearer $TOKEN")
  wrk "${args[@]}" "$API${PATH_OF[$e]}"
}

echo "# Shipyard read path: $ROUNDS round(s), $(date -u -Iseconds)${LABEL:+, $LABEL}"
echo
echo "jar sha256 $JAR_SHA, host: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), wrk -t$THREADS -c$CONNECTIONS -d$DURATION (after $WARMUP_ALL on every endpoint, then $WARMUP before each measurement), rate limits off"
echo "java: $(java -version 2>&1 | head -n1), JVM flags: ${JVM_FLAGS[*]:-none}"
echo
echo "timestamp,label,round,endpoint,path,requests_per_s,latency_avg_ms,latency_p50_ms,latency_p99_ms,requests,non_2xx,socket_errors,ratio_to_static,loadavg1,platform_cpu_ms,cpu_us_per_request,cpu_ratio" >"$OUT"

CLK_TCK="$(getconf CLK_TCK)"
ticks_of() { # pid -> CPU ticks (user + system) used so far, 0 if gone
  local line="" f
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || { echo 0; return 0; }
  read -r -a f <<<"${line##*) }"
  echo $((f[11] + f[12]))
}
platform_ticks() { # the platform JVM + the postmaster and its children (the backends)
  local total pm p
  total="$(ticks_of "$PID")"
  pm="$(head -n1 "$WORK/data/postgres/postmaster.pid" 2>/dev/null || true)"
  if [[ "$pm" =~ ^[0-9]+$ ]]; then
    total=$((total + $(ticks_of "$pm")))
    for p in $(ps -o pid= --ppid "$pm" 2>/dev/null); do total=$((total + $(ticks_of "$p"))); done
  fi
  echo "$total"
}

to_ms() { # wrk latency (e.g. 1.23ms, 450.00us, 1.02s) -> ms
  awk -v v="$1" 'BEGIN {
    if (v ~ /us$/) { sub(/us$/, "", v); printf "%.3f", v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); printf "%.3f", v }
    else if (v ~ /m$/) { sub(/m$/, "", v); printf "%.3f", v * 60000 }
    else if (v ~ /s$/) { sub(/s$/, "", v); printf "%.3f", v * 1000 }
    else print "NA" }'
}

for e in "${ENDPOINTS[@]}"; do # the JIT compiles every path before anything is measured
  run_wrk "$e" "$WARMUP_ALL" >/dev/null
done

for round in $(seq 1 "$ROUNDS"); do
  declare -A RPS=() CPU=()
  for e in "${ENDPOINTS[@]}"; do
    run_wrk "$e" "$WARMUP" >/dev/null
    t0="$(platform_ticks)"
    out="$(run_wrk "$e" "$DURATION")"
    t1="$(platform_ticks)"
    rps="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
    requests="$(awk '/requests in/ { print $1 }' <<<"$out")"
    avg="$(to_ms "$(awk '$1 == "Latency" && NF >= 4 { print $2; exit }' <<<"$out")")"
    p50="$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")"
    p99="$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")"
    non2xx="$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")"
    errors="$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' <<<"$out")"
    non2xx="${non2xx:-0}"
    errors="${errors:-0}"
    if [ "$non2xx" != 0 ] || [ "$errors" != 0 ]; then
      echo "$out" >&2
      die "round $round, $e: $non2xx non-2xx responses, $errors socket errors"
    fi
    RPS[$e]="$rps"
    ratio="$(awk -v a="$rps" -v b="${RPS[static]}" 'BEGIN { printf "%.2f", a / b }')"
    cpu_ms=$(((t1 - t0) * 1000 / CLK_TCK))
    CPU[$e]="$(awk -v c="$cpu_ms" -v n="$requests" 'BEGIN { printf "%.1f", c * 1000 / n }')"
    cpu_ratio="$(awk -v a="${CPU[static]}" -v b="${CPU[$e]}" 'BEGIN { printf "%.2f", a / b }')"
    echo "$(date -u -Iseconds),$LABEL,$round,$e,${PATH_OF[$e]/$CAPSULE/\{id\}},$rps,$avg,$p50,$p99,$requests,$non2xx,$errors,$ratio,$(cut -d' ' -f1 /proc/loadavg),$cpu_ms,${CPU[$e]},$cpu_ratio" >>"$OUT"
    echo "round $round: $e ${PATH_OF[$e]/$CAPSULE/\{id\}}: $rps req/s (p50 $p50 ms, p99 $p99 ms), ${ratio}x static; ${CPU[$e]} us CPU per request, cpu ratio ${cpu_ratio}"
  done
  unset RPS CPU
done

echo
echo "| endpoint | path | req/s (median of $ROUNDS) | req/s ratio to static (median) | platform CPU us per request (median) | CPU ratio to static (median) |"
echo "|---|---|---:|---:|---:|---:|"
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
for e in "${ENDPOINTS[@]}"; do
  rps="$(awk -F, -v e="$e" 'NR > 1 && $4 == e { print $6 }' "$OUT" | median)"
  ratio="$(awk -F, -v e="$e" 'NR > 1 && $4 == e { print $13 }' "$OUT" | median)"
  cpu="$(awk -F, -v e="$e" 'NR > 1 && $4 == e { print $16 }' "$OUT" | median)"
  cpu_ratio="$(awk -F, -v e="$e" 'NR > 1 && $4 == e { print $17 }' "$OUT" | median)"
  echo "| $e | \`$(awk -F, -v e="$e" 'NR > 1 && $4 == e { print $5; exit }' "$OUT")\` | $rps | $ratio | $cpu | $cpu_ratio |"
done
echo
echo "Raw figures: ${OUT#"$REPO_ROOT"/}"
