# Shared by the build benchmarks (source it): start the one-command local platform on a fresh temp
# data dir with BENCH_* ports, register a user. Expects: REPO_ROOT, JAR, NAME (for the temp dir and
# messages), EXTRA_ENV (array of VAR=value for the platform). Sets: WORK, LOG, PID, API, TOKEN,
# USER_ID, TENANT_ID, USERNAME, PASSWORD, JAR_SHA, TEMPORAL_TARGET, PG_PORT, PLATFORM_ENV.
API_PORT="${BENCH_API_PORT:-18080}"
API="http://127.0.0.1:$API_PORT"
TEMPORAL_TARGET="127.0.0.1:${BENCH_TEMPORAL_PORT:-17233}"
PG_PORT="${BENCH_POSTGRES_PORT:-25432}"

die() { echo "$NAME: $*" >&2; exit 1; }
[ -f "$JAR" ] || die "no $JAR: build first (./mvnw -B -q -DskipTests package)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/shipyard-$NAME.XXXXXX")"
LOG="$WORK/console.log"
mkdir -p "$REPO_ROOT/bench/results"

cleanup() {
  if [ -n "${PID:-}" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    wait "$PID" 2>/dev/null || true
  fi
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A private copy of the jar: a rebuild during the run must not change it under the JVM.
cp "$JAR" "$WORK/shipyard-local.jar"
JAR_SHA="$(sha256sum "$WORK/shipyard-local.jar" | cut -c1-12)"
# The platform's environment: the local platform's variables with the bench ports.
PLATFORM_ENV=(SHIPYARD_DATA_DIR="$WORK/data" PORT="$API_PORT"
  WORKER_PORT="${BENCH_WORKER_PORT:-18081}" MANAGEMENT_PORT="${BENCH_MANAGEMENT_PORT:-18090}"
  LOCAL_TEMPORAL_PORT="${BENCH_TEMPORAL_PORT:-17233}" LOCAL_POSTGRES_PORT="$PG_PORT"
  LOCAL_S3_PORT="${BENCH_S3_PORT:-19000}" CODEGEN_ENGINE=offline "${EXTRA_ENV[@]}")

start_platform() {
  env "${PLATFORM_ENV[@]}" java ${JAVA_OPTS:-} -jar "$WORK/shipyard-local.jar" >"$LOG" 2>&1 </dev/null &
  PID=$!
  local ready=""
  for _ in $(seq 1 300); do
    if curl --noproxy '*' -fs -o /dev/null --max-time 5 "$API/api/health/ready"; then
      ready=yes
      break
    fi
    kill -0 "$PID" 2>/dev/null || { tail -n 30 "$LOG" >&2; die "the platform exited"; }
    sleep 1
  done
  [ -n "$ready" ] || { tail -n 30 "$LOG" >&2; die "the platform was not ready within 300 s"; }
  PASSWORD="Bench-$(date +%s)-pass"
  USERNAME="bench-$$"
  local body
  body="$(curl --noproxy '*' -fs -X POST "$API/v1/auth/register" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$USERNAME\",\"email\":\"$USERNAME@example.test\",\"password\":\"$PASSWORD\",\"confirm_password\":\"$PASSWORD\"}")" ||
    die "registration failed"
  TOKEN="$(jq -r .access_token <<<"$body")"
  USER_ID="$(jq -r '.user.id // .user.user_id' <<<"$body")"
  TENANT_ID="$(jq -r '.user.tenant_id // "default"' <<<"$body")"
  [ -n "$TOKEN" ] && [ "$TOKEN" != null ] || die "registration gave no token"
}

# The platform jar's classes, extracted once, for the bench's own Java helpers (source launcher).
platform_classpath() {
  if [ ! -d "$WORK/jar" ]; then
    mkdir -p "$WORK/jar"
    (cd "$WORK/jar" && unzip -q "$WORK/shipyard-local.jar" 'BOOT-INF/*')
  fi
  echo "$WORK/jar/BOOT-INF/classes:$WORK/jar/BOOT-INF/lib/*"
}
