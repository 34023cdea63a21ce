#!/usr/bin/env bash
# Cancel latency of builds: DELETE /api/build/{id} during a long test step, N times (20).
#
#   bash bench/build-cancel.sh [jar] [builds]     # defaults: standalone/target/shipyard-local.jar, 20
#
# Runs bench/java/BuildCancelBench.java (Java's source launcher, classpath: the platform jar's own
# classes and libraries). It starts the local platform INSIDE its JVM (LocalPlatform, configured
# from the same environment as `java -jar shipyard-local.jar`: fresh temporary data dir, ports
# 18080/18081/18090/17233/25432/19000 or BENCH_*_PORT), because a build whose test step is long
# needs a stored capsule whose test waits, and only the platform holds the credentials of its
# embedded S3 (BuildsApiTest stores one the same way). Then, one build after another:
# store a capsule whose only test waits for a file never created, POST /api/build/, wait until that
# build's pytest process runs (found in /proc by command line and working directory) and its status
# is `running`, pause 0 to 2 s at random (so the DELETE meets every phase of the step's heartbeat
# cycle: the SDK sends at most one heartbeat per 1.6 s), DELETE it, and from the instant the DELETE is answered poll the process every 5 ms
# (gone: /proc/<pid> absent or a zombie) and GET /api/build/{id} every 5 ms (until `cancelled`).
# The local sandbox is in force (bubblewrap where it works, else prlimit only: printed).
# Prints p50/p95/max of both latencies and writes bench/results/build-cancel-<date>.csv.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
JAR="${1:-$REPO_ROOT/standalone/target/shipyard-local.jar}"
BUILDS="${2:-20}"
NAME=build-cancel
for tool in java unzip python3; do
  command -v "$tool" >/dev/null || { echo "$NAME: $tool is required" >&2; exit 1; }
done
# Rate limits off: the status is polled every 5 ms.
EXTRA_ENV=(RATE_LIMIT_ENABLED=false)
# shellcheck source=bench/lib-platform.sh
. "$SCRIPT_DIR/lib-platform.sh"

OUT="$REPO_ROOT/bench/results/build-cancel-$(date -u +%F).csv"
[ -e "$OUT" ] && OUT="${OUT%.csv}-$(date -u +%H%M%S).csv"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"
CP="$(platform_classpath)"

echo "# Shipyard build cancel latency: $BUILDS builds, $(date -u -Iseconds)"
echo
echo "jar sha256 $JAR_SHA, host: $(nproc) CPUs, load at start $LOAD_START"
echo

env "${PLATFORM_ENV[@]}" java ${JAVA_OPTS:-} -cp "$CP" "$SCRIPT_DIR/java/BuildCancelBench.java" "$BUILDS" \
  >"$WORK/bench.out" 2>"$LOG" </dev/null &
PID=$!
wait "$PID" || { tail -n 40 "$LOG" >&2; cat "$WORK/bench.out" >&2; die "the bench JVM failed"; }
SANDBOX="$(cat "$LOG" "$WORK/bench.out" | grep -o 'bubblewrap+prlimit\|prlimit-only' | head -n1 || true)"

echo "timestamp,build,pause_ms,delete_ms,process_gone_ms,status_cancelled_ms,final_status,sandbox,loadavg_start" >"$OUT"
grep '^ROW,' "$WORK/bench.out" | while IFS= read -r row; do
  echo "$(date -u -Iseconds),${row#ROW,},${SANDBOX:-unknown},${LOAD_START%% *}" >>"$OUT"
done

echo "sandbox: ${SANDBOX:-unknown}; load average at end: $(cut -d' ' -f1 /proc/loadavg)"
echo
python3 - "$OUT" <<'PY'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def pct(values, p):
    v = sorted(values)
    return v[max(0, min(len(v) - 1, math.ceil(p / 100 * len(v)) - 1))] if v else float("nan")
print("| from DELETE answered to | n | p50 ms | p95 ms | max ms |")
print("|---|---:|---:|---:|---:|")
for col, label in (("process_gone_ms", "pytest process gone"), ("status_cancelled_ms", "status `cancelled`")):
    v = [float(r[col]) for r in rows if r[col] != "NA"]
    print(f"| {label} | {len(v)} | {pct(v, 50):.0f} | {pct(v, 95):.0f} | {max(v) if v else float('nan'):.0f} |")
d = [float(r["delete_ms"]) for r in rows]
print(f"| (the DELETE itself, sent to answered) | {len(d)} | {pct(d, 50):.0f} | {pct(d, 95):.0f} | {max(d):.0f} |")
bad = [r for r in rows if r["final_status"] != "cancelled"]
print()
print(f"builds not ending `cancelled`: {len(bad)}" + ("".join(f"; build {r['build']}: {r['final_status']}" for r in bad)))
PY
echo
echo "Raw figures: ${OUT#"$REPO_ROOT"/}"
