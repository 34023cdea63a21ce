#!/usr/bin/env bash
# S3 delivery of a streamed archive (POST /capsule/{id}/deliver, mode s3) against the AWS CLI
# uploading the same bytes to the same S3 server, on the one-command local platform started with
# JAVA_OPTS (default -Xmx256m -XX:+UseSerialGC; a GC log is added). For each size:
#   - a file set of SIZE MB of mixed files (half text, half incompressible binary, in a tree) is
#     stored as blobs + a FileManifest (bench/java/StoreFileSet.java) and recorded as a version of a
#     freshly generated capsule (a capsule_versions row, by psql);
#   - a full GC (jcmd GC.run), then the delivery to a second bucket of the S3 server (tar.gz): wall
#     time of the POST (the workflow streams the archive through a pipe into a multipart upload,
#     then reads the object back to verify its SHA-256, then presigns a URL); the GC log lines of
#     the delivery's window give the heap high-water mark of the platform JVM (API and worker);
#   - the same archive (GET /capsule/{id}/stream, to a file) uploaded by `aws s3 cp` to the same
#     bucket, timed; the delivered object is downloaded with `aws s3 cp` and compared with it.
# Usage: bash bench/delivery-s3.sh [small_mb] [large_mb]   (defaults 40 400)
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
JAR="${JAR:-$REPO_ROOT/standalone/target/shipyard-local.jar}"
NAME=delivery-s3
SMALL_MB="${1:-40}"
LARGE_MB="${2:-400}"
S3_ACCESS="bench-access-$$"
S3_SECRET="bench-secret-$(date +%s)-$$"
S3_PORT="${BENCH_S3_PORT:-19000}"
S3_JAR="$REPO_ROOT/local-s3/target/shipyard-local-s3.jar"
[ -f "$S3_JAR" ] || { echo "no $S3_JAR: build first" >&2; exit 1; }
command -v aws >/dev/null || { echo "the AWS CLI is required (Debian: awscli)" >&2; exit 1; }
# Our own S3 server, which the worker may reach (OUTBOUND_ALLOWED names it by address and port).
EXTRA_ENV=(S3_ENDPOINT="http://127.0.0.1:$S3_PORT" S3_BUCKET=shipyard S3_ACCESS_KEY="$S3_ACCESS"
  S3_SECRET_KEY="$S3_SECRET" CAPSULE_SYNC_WAIT=600s DELIVERY_WAIT=1800s RATE_LIMIT_HEAVY=1000
  OUTBOUND_ALLOWED="127.0.0.1:$S3_PORT")
# shellcheck source=lib-platform.sh
source "$SCRIPT_DIR/lib-platform.sh"
S3_PID=""
bench_cleanup() {
  if [ -n "${PID:-}" ] && kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    wait "$PID" 2>/dev/null || true
  fi
  if [ -n "$S3_PID" ] && kill -0 "$S3_PID" 2>/dev/null; then
    exec 3>&- # closing its stdin stops the server
    for _ in $(seq 1 50); do kill -0 "$S3_PID" 2>/dev/null || break; sleep 0.1; done
    kill "$S3_PID" 2>/dev/null || true
  fi
  cleanup
}
trap bench_cleanup EXIT
mkfifo "$WORK/s3-stdin"
S3_ACCESS_KEY="$S3_ACCESS" S3_SECRET_KEY="$S3_SECRET" java -Xmx256m -XX:+UseSerialGC -jar "$S3_JAR" \
  "$S3_PORT" "$WORK/s3" shipyard <"$WORK/s3-stdin" >"$WORK/s3.log" 2>&1 &
S3_PID=$!
exec 3>"$WORK/s3-stdin"
for _ in $(seq 1 600); do
  grep -q '^READY ' "$WORK/s3.log" 2>/dev/null && break
  kill -0 "$S3_PID" 2>/dev/null || { cat "$WORK/s3.log" >&2; die "the S3 server exited"; }
  sleep 0.1
done
grep -q '^READY ' "$WORK/s3.log" || die "the S3 server did not start"
JAVA_OPTS="${JAVA_OPTS:--Xmx256m -XX:+UseSerialGC} -Xlog:gc:file=$WORK/gc.log:uptime"
GC_LOG="$WORK/gc.log"
command -v jcmd >/dev/null || die "jcmd is required"
command -v psql >/dev/null || die "psql is required"
awsc() {
  AWS_ACCESS_KEY_ID="$S3_ACCESS" AWS_SECRET_ACCESS_KEY="$S3_SECRET" AWS_DEFAULT_REGION=us-east-1 \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    aws --endpoint-url "http://127.0.0.1:$S3_PORT" "$@"
}
awsc s3api create-bucket --bucket deliveries >/dev/null

start_platform
echo "platform up (pid $PID, JAVA_OPTS=$JAVA_OPTS)"
CP="$(platform_classpath)"
sql() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d shipyard -At -c "$1" || die "psql failed: $1"; }

resp="$(curl --noproxy '*' -sS -X POST "$API/generate/robust-capsule" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' \
  -d '{"description":"Create a FastAPI microservice for bench deliveries","constraints":{"language":"python","framework":"fastapi"}}')"
CAPSULE="$(jq -r .capsule_id <<<"$resp")"
[ -n "$CAPSULE" ] && [ "$CAPSULE" != null ] || die "generation failed: $resp"
for _ in $(seq 1 300); do
  V1="$(sql "SELECT id FROM capsule_versions WHERE capsule_id = '$CAPSULE' AND number = 1")"
  [ -n "$V1" ] && break
  sleep 1
done
[ -n "$V1" ] || die "capsule $CAPSULE has no version 1"

make_files() { # dir mb: text (compressible) and binary (incompressible), 1 MB to 8 MB each
  local dir="$1" mb="$2" i=0 done_mb=0 size
  mkdir -p "$dir"
  while [ "$done_mb" -lt "$mb" ]; do
    size=$(( (i % 8) + 1 )); [ $((done_mb + size)) -gt "$mb" ] && size=$((mb - done_mb))
    mkdir -p "$dir/pkg$((i % 5))"
    if [ $((i % 2)) -eq 0 ]; then
      awk -v n=$((size * 1024 * 1024)) -v seed="$i" 'BEGIN { srand(seed); out = 0;
        while (out < n) { l = sprintf("def handler_%d(request, user_%d):\n    return {\"id\": %d, \"score\": %.6f}\n", out, int(rand()*1e6), out, rand());
          if (out + length(l) > n) l = substr(l, 1, n - out);
          printf "%s", l; out += length(l) } }' >"$dir/pkg$((i % 5))/module_$i.py"
    else
      head -c $((size * 1024 * 1024)) /dev/urandom >"$dir/pkg$((i % 5))/blob_$i.bin"
    fi
    done_mb=$((done_mb + size)); i=$((i + 1))
  done
}

gc_window() { # from_line -> "peak_before_mb max_after_mb collections"
  tail -n +"$(( $1 + 1 ))" "$GC_LOG" | grep -o '[0-9]*M->[0-9]*M([0-9]*M)' |
    awk -F'[M>(-]+' '{ if ($1 > b) b = $1; if ($2 > a) a = $2; n++ } END { printf "%d %d %d\n", b, a, n }'
}

OUT="$REPO_ROOT/bench/results/delivery-s3-$(date +%Y-%m-%d).csv"
[ -e "$OUT" ] && OUT="${OUT%.csv}-$(date +%H%M%S).csv"
echo "size_mb,archive_bytes,deliver_s,deliver_mb_s,aws_cli_put_s,aws_cli_mb_s,time_ratio,heap_peak_mb,heap_after_gc_max_mb,gcs,checksum_ok,object_equal" >"$OUT"
number=2
for mb in "$SMALL_MB" "$LARGE_MB"; do
  files="$WORK/files-$mb"
  make_files "$files" "$mb"
  read -r digest key count total < <(java -cp "$CP" "$SCRIPT_DIR/java/StoreFileSet.java" \
    "http://127.0.0.1:$S3_PORT" shipyard "$S3_ACCESS" "$S3_SECRET" "$files")
  rm -rf "$files"
  version="ver-bench-$mb-$$"
  sql "INSERT INTO capsule_versions (id, capsule_id, number, parent_id, branch, author, message,
       manifest_sha256, manifest_key, file_count, total_size_bytes)
       VALUES ('$version', '$CAPSULE', $number, '$V1', 'main', 'bench', 'bench $mb MB',
       '$digest', '$key', $count, $total)" >/dev/null
  number=$((number + 1))

  body="$(jq -n --arg v "$version" --arg a "$S3_ACCESS" --arg s "$S3_SECRET" \
    --arg e "http://127.0.0.1:$S3_PORT" '{version_id: $v, delivery_configs: [{mode: "s3",
      destination: "deliveries", credentials: {access_key_id: $a, secret_access_key: $s},
      options: {endpoint: $e, format: "tar.gz", prefix: "bench"}}]}')"
  jcmd "$PID" GC.run >/dev/null
  from="$(wc -l <"$GC_LOG")"
  t="$(curl --noproxy '*' -fsS -o "$WORK/delivery.json" -w '%{time_total}' -X POST \
    "$API/capsule/$CAPSULE/deliver" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$body")"
  read -r peak after gcs < <(gc_window "$from")
  [ "$(jq -r '.summary.successful' "$WORK/delivery.json")" = 1 ] || die "delivery failed: $(cat "$WORK/delivery.json")"
  url="$(jq -r '.destinations[0].url' "$WORK/delivery.json")"
  checksum="$(jq -r '.destinations[0].checksum' "$WORK/delivery.json")"

  curl --noproxy '*' -fsS -o "$WORK/stream.tar.gz" -H "Authorization: Bearer $TOKEN" \
    "$API/capsule/$CAPSULE/stream?format=tar.gz&version_id=$version"
  bytes="$(stat -c %s "$WORK/stream.tar.gz")"
  sha="$(sha256sum "$WORK/stream.tar.gz" | cut -c1-64)"
  [ "$checksum" = "sha256:$sha" ] && ok=yes || ok=no
  awsc s3 cp --quiet "$url" "$WORK/delivered.tar.gz"
  cmp -s "$WORK/stream.tar.gz" "$WORK/delivered.tar.gz" && equal=yes || equal=no
  rm -f "$WORK/delivered.tar.gz"

  tstart="$(date +%s.%N)"
  awsc s3 cp --quiet "$WORK/stream.tar.gz" "s3://deliveries/bench/aws-cli-$mb.tar.gz"
  tt="$(awk -v s="$tstart" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f", e - s }')"
  rm -f "$WORK/stream.tar.gz"

  row="$(awk -v mb="$mb" -v b="$bytes" -v t="$t" -v tt="$tt" -v p="$peak" -v a="$after" -v g="$gcs" \
    -v ok="$ok" -v e="$equal" 'BEGIN { m = b / 1048576;
      printf "%d,%d,%.3f,%.1f,%.3f,%.1f,%.2f,%d,%d,%d,%s,%s", mb, b, t, m / t, tt, m / tt, t / tt, p, a, g, ok, e }')"
  echo "$row" >>"$OUT"
  echo "$mb MB: $row"
done
echo "written $OUT"
