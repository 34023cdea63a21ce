#!/usr/bin/env bash
# Streaming a capsule version as an archive (GET /capsule/{id}/stream), at two sizes an order of
# magnitude apart, on the one-command local platform started with JAVA_OPTS (default -Xmx256m
# -XX:+UseSerialGC; a GC log is added). For each size:
#   - a file set of SIZE MB of mixed files (half text, half incompressible binary, in a tree) is
#     written to disk, stored as content-addressed blobs + a FileManifest (bench/java/StoreFileSet.java)
#     and recorded as version 2 of a freshly generated capsule (a capsule_versions row, by psql);
#   - a full GC (jcmd GC.run), then the stream is fetched with curl (tar.gz, chunk_size CHUNK):
#     wall time and MB/s; the GC log lines of the stream's window give the heap high-water mark
#     (largest heap in use before a collection) and the largest heap after a collection;
#   - the archive is extracted with tar and compared with the files (diff -r), its sha256 against a
#     second stream (reproducible), and `tar czf` of the same files is timed (ratio).
# Usage: bash bench/capsule-stream.sh [small_mb] [large_mb]   (defaults 40 400)
set -euo pipefail
SCRIPT_DIR="$(cd "$(dirname "$0")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
JAR="${JAR:-$REPO_ROOT/standalone/target/shipyard-local.jar}"
NAME=capsule-stream
SMALL_MB="${1:-40}"
LARGE_MB="${2:-400}"
CHUNK="${CHUNK:-65536}"
S3_ACCESS="bench-access-$$"
S3_SECRET="bench-secret-$(date +%s)-$$"
S3_PORT="${BENCH_S3_PORT:-19000}"
S3_JAR="$REPO_ROOT/local-s3/target/shipyard-local-s3.jar"
[ -f "$S3_JAR" ] || { echo "no $S3_JAR: build first" >&2; exit 1; }
# Our own S3 server (the local platform's embedded one has fresh secret credentials each run, and
# the bench writes blobs itself): the platform uses it as a configured S3_ENDPOINT.
EXTRA_ENV=(S3_ENDPOINT="http://127.0.0.1:$S3_PORT" S3_BUCKET=shipyard S3_ACCESS_KEY="$S3_ACCESS"
  S3_SECRET_KEY="$S3_SECRET" CAPSULE_SYNC_WAIT=600s RATE_LIMIT_HEAVY=1000)
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

start_platform
echo "platform up (pid $PID, JAVA_OPTS=$JAVA_OPTS)"
CP="$(platform_classpath)"
sql() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d shipyard -At -c "$1" || die "psql failed: $1"; }

resp="$(curl --noproxy '*' -sS -X POST "$API/generate/robust-capsule" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' \
  -d '{"description":"Create a FastAPI microservice for bench streams","constraints":{"language":"python","framework":"fastapi"}}')"
CAPSULE="$(jq -r .capsule_id <<<"$resp")"
[ -n "$CAPSULE" ] && [ "$CAPSULE" != null ] || die "generation failed: $resp"
for _ in $(seq 1 300); do
  V1="$(sql "SELECT id FROM capsule_versions WHERE capsule_id = '$CAPSULE' AND number = 1")"
  [ -n "$V1" ] && break
  sleep 1
done
[ -n "$V1" ] || die "capsule $CAPSULE has no version 1"

# Mixed files: text (source-like lines, compressible) and binary (urandom, incompressible),
# 1 MB to 8 MB each, in a few directories.
make_files() { # dir mb
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

OUT="$REPO_ROOT/bench/results/capsule-stream-$(date +%Y-%m-%d).csv"
[ -e "$OUT" ] && OUT="${OUT%.csv}-$(date +%H%M%S).csv"
echo "size_mb,files,archive_bytes,stream_s,stream_mb_s,tar_czf_s,tar_czf_mb_s,speed_ratio,tar_czf_bytes,size_ratio,heap_peak_mb,heap_after_gc_max_mb,gcs,reproducible,extracted_equal" >"$OUT"
number=2
for mb in "$SMALL_MB" "$LARGE_MB"; do
  files="$WORK/files-$mb"
  make_files "$files" "$mb"
  read -r digest key count total < <(java -cp "$CP" "$SCRIPT_DIR/java/StoreFileSet.java" \
    "http://127.0.0.1:$S3_PORT" shipyard "$S3_ACCESS" "$S3_SECRET" "$files")
  version="ver-bench-$mb-$$"
  sql "INSERT INTO capsule_versions (id, capsule_id, number, parent_id, branch, author, message,
       manifest_sha256, manifest_key, file_count, total_size_bytes)
       VALUES ('$version', '$CAPSULE', $number, '$V1', 'main', 'bench', 'bench $mb MB',
       '$digest', '$key', $count, $total)" >/dev/null
  number=$((number + 1))
  url="$API/capsule/$CAPSULE/stream?format=tar.gz&chunk_size=$CHUNK&version_id=$version"

  jcmd "$PID" GC.run >/dev/null
  from="$(wc -l <"$GC_LOG")"
  t="$(curl --noproxy '*' -fsS -o "$WORK/stream.tar.gz" -w '%{time_total}' -H "Authorization: Bearer $TOKEN" "$url")"
  read -r peak after gcs < <(gc_window "$from")
  bytes="$(stat -c %s "$WORK/stream.tar.gz")"
  sha1="$(sha256sum "$WORK/stream.tar.gz" | cut -c1-64)"

  rm -rf "$WORK/x" && mkdir "$WORK/x" && tar -xzf "$WORK/stream.tar.gz" -C "$WORK/x"
  if diff -r -q "$files" "$WORK/x" >/dev/null; then equal=yes; else equal=no; fi
  rm -rf "$WORK/x"
  sha2="$(curl --noproxy '*' -fsS -H "Authorization: Bearer $TOKEN" "$url" | sha256sum | cut -c1-64)"
  [ "$sha1" = "$sha2" ] && repro=yes || repro=no
  rm -f "$WORK/stream.tar.gz"

  tstart="$(date +%s.%N)"
  tar czf - -C "$files" . | wc -c >"$WORK/tarbytes"
  tt="$(awk -v s="$tstart" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f", e - s }')"
  tbytes="$(cat "$WORK/tarbytes")"

  row="$(awk -v mb="$mb" -v n="$count" -v b="$bytes" -v t="$t" -v tt="$tt" -v tb="$tbytes" \
    -v p="$peak" -v a="$after" -v g="$gcs" -v r="$repro" -v e="$equal" 'BEGIN {
      printf "%d,%d,%d,%.3f,%.1f,%.3f,%.1f,%.2f,%d,%.3f,%d,%d,%d,%s,%s", mb, n, b, t, mb / t, tt, mb / tt,
        tt / t, tb, b / tb, p, a, g, r, e }')"
  echo "$row" >>"$OUT"
  echo "$mb MB: $row"
  rm -rf "$files"
done
echo "written $OUT"
awk -F, 'NR == 2 { p = $11; a = $12 } NR == 3 { printf "heap peak ratio %.2f (large/small), after-GC max ratio %.2f\n", $11 / p, $12 / a }' "$OUT"
