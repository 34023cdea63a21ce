#!/usr/bin/env bash
# Streaming storage: heap of BlobStore writes and reads at 100 MB and 1 GB, and throughput against
# the AWS CLI uploading and downloading the same file to the same S3 server.
#
#   bash bench/blobstore.sh [runs]            # default 3; build first: ./mvnw -B -pl storage -am verify
#
# Starts the local S3 server (local-s3/target/shipyard-local-s3.jar: s3proxy on the filesystem, the
# one the local platform runs, -Xmx256m) on 127.0.0.1:$BENCH_S3_PORT (19000) with a fresh temporary
# data dir, then per run:
#   - heap: a JVM with -Xmx256m (JVM defaults otherwise) runs dev.shipyard.storage.bench.BlobStoreBench
#     on a generated stream of 100 MiB, then of 1 GiB (unknown length, never in memory): put through
#     BlobStore, read back through BlobStore.open into a SHA-256, compared. The harness reports the
#     heap high-water mark (sum of the heap pools' peak usage, reset once the client is built, garbage
#     included), the old generation's peak, the live high-water mark (the most heap in use after any
#     GC of the run) and the GC count; /usr/bin/time -v gives the process's max RSS.
#   - throughput: one 1 GiB file of random bytes, uploaded and downloaded (1) through BlobStore (the
#     harness's `file` mode, known length) and (2) by `aws s3 cp` (AWS CLI defaults: 8 MiB parts,
#     10 concurrent requests), each timed by the wall clock of its process.
# Writes bench/results/blobstore-<date>.csv and prints a Markdown summary. Only 127.0.0.1 is contacted.
# Environment: BENCH_S3_PORT (19000), S3_PART_SIZE_MB (8), BENCH_TMP (a directory with ~4 GiB free;
# default: mktemp -d), BENCH_JAVA_OPTS (extra flags for the harness JVMs, e.g. -XX:+UseSerialGC),
# HEAP_ONLY (1: only the generated 100 MiB / 1 GiB runs, no file and no AWS CLI).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
RUNS="${1:-3}"
JAVA_OPTS_EXTRA="${BENCH_JAVA_OPTS:-}"
HEAP_ONLY="${HEAP_ONLY:-0}"
PORT="${BENCH_S3_PORT:-19000}"
PART_MB="${S3_PART_SIZE_MB:-8}"
S3_JAR="$REPO_ROOT/local-s3/target/shipyard-local-s3.jar"
CLASSES="$REPO_ROOT/storage/target/classes:$REPO_ROOT/storage/target/test-classes"
CP_FILE="$REPO_ROOT/storage/target/runtime-classpath.txt"
OUT="$REPO_ROOT/bench/results/blobstore-$(date -u +%F).csv"
[ -e "$OUT" ] && OUT="${OUT%.csv}-$(date -u +%H%M).csv"

die() { echo "blobstore: $*" >&2; exit 1; }
[ -f "$S3_JAR" ] || die "no $S3_JAR: build first (./mvnw -B -pl storage -am verify)"
[ -f "$CP_FILE" ] && [ -d "$REPO_ROOT/storage/target/test-classes" ] || die "storage not built (./mvnw -B -pl storage -am verify)"
command -v aws >/dev/null || die "the AWS CLI is required (apt-get install awscli)"
[ -x /usr/bin/time ] || die "/usr/bin/time is required (apt-get install time)"
CP="$CLASSES:$(cat "$CP_FILE")"

WORK="${BENCH_TMP:-$(mktemp -d)}"
mkdir -p "$WORK"
S3_PID=""
cleanup() {
  if [ -n "$S3_PID" ] && kill -0 "$S3_PID" 2>/dev/null; then
    exec 3>&-  # closing its stdin stops the server
    for _ in $(seq 1 50); do kill -0 "$S3_PID" 2>/dev/null || break; sleep 0.1; done
    kill "$S3_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export S3_ENDPOINT="http://127.0.0.1:$PORT" S3_BUCKET="bench" S3_PART_SIZE_MB="$PART_MB"
export S3_ACCESS_KEY="bench-access-$RANDOM" S3_SECRET_KEY="bench-secret-$RANDOM$RANDOM"
export AWS_ACCESS_KEY_ID="$S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$S3_SECRET_KEY" AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE="$WORK/aws-config" AWS_SHARED_CREDENTIALS_FILE="$WORK/aws-credentials"
cat >"$AWS_CONFIG_FILE" <<CFG
[default]
s3 =
    addressing_style = path
request_checksum_calculation = when_required
response_checksum_validation = when_required
CFG
: >"$AWS_SHARED_CREDENTIALS_FILE"

# The S3 server; its stdin is our fd 3, so it also stops if this script dies.
mkfifo "$WORK/s3-stdin"
java -Xmx256m -XX:+UseSerialGC -jar "$S3_JAR" "$PORT" "$WORK/s3" "$S3_BUCKET" <"$WORK/s3-stdin" >"$WORK/s3.log" 2>&1 &
S3_PID=$!
exec 3>"$WORK/s3-stdin"
for _ in $(seq 1 600); do
  grep -q '^READY ' "$WORK/s3.log" 2>/dev/null && break
  kill -0 "$S3_PID" 2>/dev/null || { cat "$WORK/s3.log" >&2; die "the S3 server exited"; }
  sleep 0.1
done
grep -q '^READY ' "$WORK/s3.log" || die "the S3 server did not start"

ms() { date +%s%3N; }
maxrss_kb() { awk -F': ' '/Maximum resident set size/ {print $2}' "$1"; }
s3_rss_kb() { awk '/VmHWM/ {print $2}' "/proc/$S3_PID/status"; }

echo "run,tool,object,bytes,part_mb,write_ms,write_mib_s,read_ms,read_mib_s,heap_peak_mib,old_gen_peak_mib,live_after_gc_peak_mib,max_heap_mib,gcs,gc,verified,process_wall_ms,max_rss_kb,loadavg1" >"$OUT"

bench_jvm() { # run tool object args...
  local run="$1" tool="$2" object="$3"; shift 3
  local t0 t1 line load
  load=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(ms)
  /usr/bin/time -v -o "$WORK/time.txt" java -Xmx256m $JAVA_OPTS_EXTRA -cp "$CP" dev.shipyard.storage.bench.BlobStoreBench "$@" >"$WORK/bench.out" 2>"$WORK/bench.err" \
    || { cat "$WORK/bench.err" "$WORK/bench.out" >&2; die "harness failed"; }
  t1=$(ms)
  line=$(grep '^RESULT,' "$WORK/bench.out" | cut -d, -f3-)
  IFS=, read -r bytes part wms wrate rms rrate hpeak opeak hgc hmax gcs gc ok <<<"$line"
  echo "$run,$tool,$object,$bytes,$part,$wms,$wrate,$rms,$rrate,$hpeak,$opeak,$hgc,$hmax,$gcs,$gc,$ok,$((t1 - t0)),$(maxrss_kb "$WORK/time.txt"),$load" >>"$OUT"
  echo "  $tool $object: write ${wms} ms (${wrate} MiB/s), read ${rms} ms (${rrate} MiB/s), heap peak ${hpeak} MiB (old gen ${opeak}), RSS $(maxrss_kb "$WORK/time.txt") kB, $ok" >&2
}

MIB=$((1024 * 1024))
if [ "$HEAP_ONLY" != 1 ]; then
  echo "1 GiB test file..." >&2
  head -c $((1024 * MIB)) /dev/urandom >"$WORK/file.bin"
  FILE_BYTES=$(stat -c %s "$WORK/file.bin")
  FILE_SHA=$(sha256sum "$WORK/file.bin" | cut -d' ' -f1)
fi
[ -n "$JAVA_OPTS_EXTRA" ] && echo "harness JVM flags: -Xmx256m $JAVA_OPTS_EXTRA" >&2

for run in $(seq 1 "$RUNS"); do
  echo "run $run/$RUNS" >&2
  bench_jvm "$run" blobstore generated-100MiB generated $((100 * MIB)) "$run" "heap/100m-$run"
  bench_jvm "$run" blobstore generated-1GiB generated $((1024 * MIB)) "$run" "heap/1g-$run"
  [ "$HEAP_ONLY" = 1 ] && continue
  bench_jvm "$run" blobstore file-1GiB file "$WORK/file.bin" "file/blobstore-$run"

  load=$(cut -d' ' -f1 /proc/loadavg)
  t0=$(ms)
  aws s3 cp --only-show-errors --endpoint-url "$S3_ENDPOINT" "$WORK/file.bin" "s3://$S3_BUCKET/file/aws-$run"
  t1=$(ms)
  aws s3 cp --only-show-errors --endpoint-url "$S3_ENDPOINT" "s3://$S3_BUCKET/file/aws-$run" - | sha256sum >"$WORK/aws.sha"
  t2=$(ms)
  ok=$([ "$(cut -d' ' -f1 "$WORK/aws.sha")" = "$FILE_SHA" ] && echo ok || echo MISMATCH)
  aws s3 rm --only-show-errors --endpoint-url "$S3_ENDPOINT" "s3://$S3_BUCKET/file/aws-$run"
  wms=$((t1 - t0)); rms=$((t2 - t1))
  wrate=$(awk -v b="$FILE_BYTES" -v t="$wms" 'BEGIN {printf "%.1f", b / 1048576 / (t / 1000)}')
  rrate=$(awk -v b="$FILE_BYTES" -v t="$rms" 'BEGIN {printf "%.1f", b / 1048576 / (t / 1000)}')
  echo "$run,aws-cli,file-1GiB,$FILE_BYTES,8,$wms,$wrate,$rms,$rrate,,,,,,,$ok,$((t2 - t0)),,$load" >>"$OUT"
  echo "  aws-cli file-1GiB: upload ${wms} ms (${wrate} MiB/s), download ${rms} ms (${rrate} MiB/s), $ok" >&2
done
echo "local S3 server peak RSS (VmHWM): $(s3_rss_kb) kB" >&2

# Summary: medians per tool and object.
python3 - "$OUT" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def med(rs, k):
    v = [float(r[k]) for r in rs if r[k]]
    return statistics.median(v) if v else float("nan")
groups = {}
for r in rows:
    groups.setdefault((r["tool"], r["object"]), []).append(r)
print("| tool | object | runs | write MiB/s | read MiB/s | heap peak MiB | old gen peak MiB | live after GC peak MiB | max RSS MiB | all verified |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
for (tool, obj), rs in groups.items():
    rss = med(rs, "max_rss_kb") / 1024
    print(f"| {tool} | {obj} | {len(rs)} | {med(rs,'write_mib_s'):.1f} | {med(rs,'read_mib_s'):.1f} | "
          f"{med(rs,'heap_peak_mib'):.1f} | {med(rs,'old_gen_peak_mib'):.1f} | {med(rs,'live_after_gc_peak_mib'):.1f} | {rss:.0f} | "
          f"{all(r['verified']=='ok' for r in rs)} |")
h100 = groups.get(("blobstore", "generated-100MiB")); h1g = groups.get(("blobstore", "generated-1GiB"))
if h100 and h1g:
    for k in ("heap_peak_mib", "old_gen_peak_mib", "live_after_gc_peak_mib", "max_rss_kb"):
        print(f"\nratio 1 GiB / 100 MiB of {k} (medians): {med(h1g,k) / med(h100,k):.3f}; "
              f"pairs: {', '.join(f'{float(b[k]) / float(a[k]):.3f}' for a, b in zip(h100, h1g))}")
bs = groups.get(("blobstore", "file-1GiB")); aw = groups.get(("aws-cli", "file-1GiB"))
if bs and aw:
    print(f"throughput BlobStore / AWS CLI (medians): upload {med(bs,'write_mib_s') / med(aw,'write_mib_s'):.2f}x, "
          f"download {med(bs,'read_mib_s') / med(aw,'read_mib_s'):.2f}x")
PY
echo "CSV: $OUT" >&2
