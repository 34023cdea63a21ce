#!/usr/bin/env bash
# Image builds (Jib, no Docker daemon): build time per generated stack, cold and warm (layer reuse),
# and the pushed size against the base image alone.
#
#   bash bench/images.sh [jar] [runs]     # defaults: standalone/target/shipyard-local.jar, 3
#
# Starts Debian's docker-registry on 127.0.0.1:$BENCH_REGISTRY_PORT (15000; plain HTTP, no auth,
# a fresh temporary storage dir), then runs bench/java/ImageBench.java (Java's source launcher,
# classpath: the platform jar's own classes and libraries), which per stack:
#   - pushes a base image of one layer made of a real local runtime directory (python: the stdlib
#     of /usr/lib/python3.*, node: the node binary, java: the JDK's $JAVA_HOME/lib/modules image), standing in for the
#     runtime images no outside registry can provide here;
#   - generates the stack's capsule with the offline engine (FastAPI, Express, Spring Boot) and,
#     per run, builds and pushes it on that base with the platform's JibImageBuilder:
#       cold  empty Jib caches, a new repository (every layer uploaded, the base's blobs mounted or
#             uploaded too: the registry has them under another repository only);
#       warm  the same caches and repository, one file added (a new version): the base and the
#             dependency-manifest layers are reused, the application layer is new.
# Records wall time per build, the pushed size (config + layers), the base's size, and the
# difference (what the capsule adds). Writes bench/results/images-<date>.csv and prints a summary.
# Only 127.0.0.1 is contacted.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
JAR="${1:-$REPO_ROOT/standalone/target/shipyard-local.jar}"
RUNS="${2:-3}"
NAME=images
REG_PORT="${BENCH_REGISTRY_PORT:-15000}"
EXTRA_ENV=()
# shellcheck source=bench/lib-platform.sh
. "$SCRIPT_DIR/lib-platform.sh"
command -v docker-registry >/dev/null || die "docker-registry is required (apt-get install docker-registry)"

PY_LIB="$(ls -d /usr/lib/python3.[0-9]* 2>/dev/null | head -1)"
NODE_LIB="$(readlink -f "$(command -v node)")"
JAVA_LIB="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/modules"
for d in "$PY_LIB" "$NODE_LIB" "$JAVA_LIB"; do
  [ -e "$d" ] || die "no runtime $d"
done

mkdir -p "$WORK/registry"
cat >"$WORK/registry/config.yml" <<YML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $WORK/registry/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$REG_PORT
YML
docker-registry serve "$WORK/registry/config.yml" >"$WORK/registry/log" 2>&1 &
REG_PID=$!
trap 'kill "$REG_PID" 2>/dev/null || true; cleanup' EXIT
for _ in $(seq 1 100); do
  curl --noproxy '*' -fs -o /dev/null "http://127.0.0.1:$REG_PORT/v2/" && break
  sleep 0.1
done
curl --noproxy '*' -fs -o /dev/null "http://127.0.0.1:$REG_PORT/v2/" || die "docker-registry did not start"

OUT="$REPO_ROOT/bench/results/images-$(date -u +%F).csv"
[ -e "$OUT" ] && OUT="${OUT%.csv}-$(date -u +%H%M%S).csv"
CP="$(platform_classpath)"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

java -cp "$CP" "$SCRIPT_DIR/java/ImageBench.java" "127.0.0.1:$REG_PORT" "$WORK" "$RUNS" \
  "python=$PY_LIB" "node=$NODE_LIB" "java-maven=$JAVA_LIB" >"$WORK/bench.out" 2>"$WORK/bench.err" ||
  { tail -n 30 "$WORK/bench.err" >&2; die "the bench JVM failed"; }

echo "stack,run,mode,build_ms,pushed_bytes,base_bytes,added_bytes,files,file_bytes,layers,base_push_ms,digest" >"$OUT"
grep '^ROW,' "$WORK/bench.out" | cut -d, -f2- >>"$OUT"

echo "# Shipyard image builds (Jib), $(date -u -Iseconds)"
echo
echo "jar sha256 $JAR_SHA, host: $(nproc) CPUs, load at start $LOAD_START, $RUNS run(s) per stack"
echo
echo "| stack | cold build ms (median) | warm build ms (median) | pushed | base alone | the capsule adds | layers |"
echo "|---|---|---|---|---|---|---|"
for stack in python node java-maven; do
  cold="$(awk -F, -v s="$stack" '$1==s && $3=="cold"{print $4}' "$OUT" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')"
  warm="$(awk -F, -v s="$stack" '$1==s && $3=="warm"{print $4}' "$OUT" | sort -n | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')"
  row="$(awk -F, -v s="$stack" '$1==s && $3=="cold"{print; exit}' "$OUT")"
  IFS=, read -r _ _ _ _ pushed base added _ _ layers _ _ <<<"$row"
  echo "| $stack | $cold | $warm | $pushed B | $base B | $added B | $layers |"
done
echo
echo "raw: $OUT"
