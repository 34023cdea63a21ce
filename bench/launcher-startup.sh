#!/usr/bin/env bash
# Start-up time and memory of the one-command local platform (standalone/target/shipyard-local.jar).
#
#   bash bench/launcher-startup.sh [jar] [runs]
#
# For each run: a COLD start on a fresh, empty data dir (initdb, CREATE DATABASE, Flyway
# migrations), then a WARM start on the SAME data dir (the PostgreSQL cluster, the schema and the
# extracted local S3 jar exist). For each start it measures
#   - ready_ms:  wall clock from launching `java -jar` to the first HTTP 200 of /api/health/ready
#     (polled every POLL_INTERVAL; the latency of that first successful probe is recorded too)
#   - banner_ms: the "started in N ms" figure of the banner (measured by the JVM itself, from main())
#   - RSS (VmRSS, kB) after IDLE_SECONDS of idleness: the launcher JVM, the local S3 child JVM,
#     the PostgreSQL processes of this run (postmaster + backends; the postmaster is daemonized by
#     pg_ctl, so it is found through postmaster.pid as well as through the launcher's process tree),
#     anything else in the launcher's tree, and the total. Also the PSS sum of the PostgreSQL
#     processes (their RSS sum counts the shared buffers once per process).
#   - phases (from the log's timestamps, ms after launch): PostgreSQL up, local S3 + Temporal up,
#     worker context started, API context started; and the launcher JVM's CPU time (user + system)
#     when it became ready (compare with the wall clock and the number of CPUs), and the CPU time
#     that OTHER processes on the host used during the start (from /proc/stat; > 10% of the wall
#     clock is reported as a disturbed start)
#   - stop_ms:   SIGTERM to exit of the launcher, and whether any process of the run is left behind.
# Prints a Markdown row per start, a summary (median/min/max), and writes the raw figures as CSV to
# bench/results/launcher-startup-<date>.csv. Only 127.0.0.1 is contacted. The launcher JVM runs
# with the JVM's defaults (no flags from here; JAVA_TOOL_OPTIONS, if set, is printed); the local
# S3 child gets the platform's own -Xmx256m -XX:+UseSerialGC.
#
# Environment (optional): IDLE_SECONDS (10), READY_TIMEOUT (180), STOP_TIMEOUT (60),
# POLL_INTERVAL (0.1), KEEP_LOGS=<dir> (copy each start's console log there), QUIET_WAIT (300:
# before each start, wait up to this many seconds for other java/postgres processes on the host to
# end; the count at launch goes to the CSV), SNAPSHOT_JAR (1: run a private copy of the jar), and the
# ports: BENCH_API_PORT 18080, BENCH_WORKER_PORT 18081, BENCH_TEMPORAL_PORT 17233,
# BENCH_POSTGRES_PORT 25432, BENCH_S3_PORT 19000.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

JAR="${1:-$REPO_ROOT/standalone/target/shipyard-local.jar}"
RUNS="${2:-3}"
IDLE_SECONDS="${IDLE_SECONDS:-10}"
READY_TIMEOUT="${READY_TIMEOUT:-180}"
STOP_TIMEOUT="${STOP_TIMEOUT:-60}"
POLL_INTERVAL="${POLL_INTERVAL:-0.1}"
KEEP_LOGS="${KEEP_LOGS:-}"
QUIET_WAIT="${QUIET_WAIT:-300}"
SNAPSHOT_JAR="${SNAPSHOT_JAR:-1}"

API_PORT="${BENCH_API_PORT:-18080}"
WORKER_PORT_="${BENCH_WORKER_PORT:-18081}"
TEMPORAL_PORT="${BENCH_TEMPORAL_PORT:-17233}"
POSTGRES_PORT="${BENCH_POSTGRES_PORT:-25432}"
S3_PORT="${BENCH_S3_PORT:-19000}"
READY_URL="http://127.0.0.1:${API_PORT}/api/health/ready"

die() { echo "launcher-startup: $*" >&2; exit 1; }

[[ -f "$JAR" ]] || die "jar not found: $JAR (build it first)"
JAR="$(cd "$(dirname "$JAR")" && pwd)/$(basename "$JAR")"
JAR_ORIGINAL="$JAR"
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || die "runs must be a positive integer, got '$RUNS'"
command -v curl >/dev/null || die "curl is required"
command -v java >/dev/null || die "java is required"

RESULTS_DIR="$SCRIPT_DIR/results"
mkdir -p "$RESULTS_DIR"
[[ -e "$RESULTS_DIR/.gitkeep" ]] || : >"$RESULTS_DIR/.gitkeep"
CSV="$RESULTS_DIR/launcher-startup-$(date +%F).csv"
[[ -e "$CSV" ]] && CSV="$RESULTS_DIR/launcher-startup-$(date +%F-%H%M%S).csv"
[[ -n "$KEEP_LOGS" ]] && mkdir -p "$KEEP_LOGS"

# ---------------------------------------------------------------------------------------------
# State for the cleanup trap.
WORK_ROOT="$(mktemp -d "${TMPDIR:-/tmp}/shipyard-bench.XXXXXX")"
LAUNCHER_PID=""
DATA_DIR=""

now_ms() { # wall clock in ms, without forking
  local t="${EPOCHREALTIME/./}"
  echo $((t / 1000))
}

alive() { # pid -> 0 if the process exists and is not a zombie
  local line="" state
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || return 1
  state="${line##*) }"
  state="${state%% *}"
  [[ -n "$state" && "$state" != "Z" && "$state" != "X" ]]
}

starttime() { # pid -> kernel start time (field 22 of /proc/PID/stat), to tell reused PIDs apart
  local line="" f
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || return 0
  read -r -a f <<<"${line##*) }"
  echo "${f[19]:-}"
}

CLK_TCK="$(getconf CLK_TCK)"
cpu_ms() { # pid -> CPU time (user + system) used so far, in ms
  local line="" f
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || { echo 0; return 0; }
  read -r -a f <<<"${line##*) }"
  echo $(((f[11] + f[12]) * 1000 / CLK_TCK))
}

cpu_tree_ms() { # pid -> CPU time of the process and of its reaped children (initdb, pg_ctl), in ms
  local line="" f
  { read -r line <"/proc/$1/stat"; } 2>/dev/null || { echo 0; return 0; }
  read -r -a f <<<"${line##*) }"
  echo $(((f[11] + f[12] + f[13] + f[14]) * 1000 / CLK_TCK))
}

host_busy_ms() { # CPU time spent by the whole host (all CPUs, not idle/iowait) since boot, in ms
  local _ user nice system idle iowait irq softirq steal
  read -r _ user nice system idle iowait irq softirq steal _ </proc/stat
  echo $(((user + nice + system + irq + softirq + steal) * 1000 / CLK_TCK))
}

descendants() { # pid -> all descendant pids, one per line (via ps --ppid, recursively)
  local kids k
  kids="$(ps -o pid= --ppid "$1" 2>/dev/null || true)"
  for k in $kids; do
    echo "$k"
    descendants "$k"
  done
}

postmaster_pid() { # data dir -> pid of this run's postmaster, if it runs
  local f="$1/postgres/postmaster.pid" pid
  [[ -r "$f" ]] || return 0
  pid="$(head -n1 "$f" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && alive "$pid" \
    && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$1/postgres" && echo "$pid"
  return 0
}

procs_of_run() { # all pids of this run: launcher tree + postmaster tree + anything naming the dir
  local p
  {
    if [[ -n "$LAUNCHER_PID" ]] && alive "$LAUNCHER_PID"; then
      echo "$LAUNCHER_PID"
      descendants "$LAUNCHER_PID"
    fi
    p="$(postmaster_pid "$DATA_DIR")"
    if [[ -n "$p" ]]; then
      echo "$p"
      descendants "$p"
    fi
    for p in /proc/[0-9]*; do
      p="${p#/proc/}"
      [[ "$p" == "$$" || "$p" == "$BASHPID" ]] && continue
      if tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | grep -qF -- "$DATA_DIR/"; then echo "$p"; fi
    done
    true
  } | sort -un
}

field_kb() { # file key -> the kB value of "key:" in a /proc file, 0 if the process has gone
  local k v _
  while read -r k v _; do
    [[ "$k" == "$2:" ]] && { echo "$v"; return 0; }
  done 2>/dev/null <"$1" || true
  echo 0
}
rss_kb() { field_kb "/proc/$1/status" VmRSS; }
pss_kb() { field_kb "/proc/$1/smaps_rollup" Pss; }

cleanup() {
  local rc=$? p
  if [[ -n "$LAUNCHER_PID" ]] && alive "$LAUNCHER_PID"; then
    echo "launcher-startup: stopping launcher $LAUNCHER_PID (cleanup)" >&2
    kill -TERM "$LAUNCHER_PID" 2>/dev/null || true
    for _ in $(seq 1 $((STOP_TIMEOUT * 5))); do alive "$LAUNCHER_PID" || break; sleep 0.2; done
    alive "$LAUNCHER_PID" && kill -KILL "$LAUNCHER_PID" 2>/dev/null || true
  fi
  if [[ -n "$DATA_DIR" ]]; then
    for p in $(procs_of_run); do
      echo "launcher-startup: killing leftover process $p (cleanup)" >&2
      kill -KILL "$p" 2>/dev/null || true
    done
  fi
  rm -rf "$WORK_ROOT"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The jar may be rebuilt while we measure (a JVM whose jar is replaced under it can fail): measure a
# private copy of it, taken once, unless SNAPSHOT_JAR=0.
JAR_SHA="$(sha256sum "$JAR_ORIGINAL" | cut -c1-12)"
if [[ "$SNAPSHOT_JAR" == 1 ]]; then
  cp "$JAR_ORIGINAL" "$WORK_ROOT/shipyard-local.jar"
  JAR="$WORK_ROOT/shipyard-local.jar"
  [[ "$(sha256sum "$JAR" | cut -c1-12)" == "$JAR_SHA" ]] || die "the jar changed while it was copied; retry"
fi

# Phases, from the console log's timestamps (HH:MM:SS.mmm: local time in the early lines, written
# before Spring configures logging; UTC, "...Z", after), in ms after launch: PostgreSQL up, Temporal up (the local S3 server starts in between, silently), the
# worker context started, the API context started. "NA" when a marker is missing.
phases() { # log t0_ms
  local z off
  z="$(date +%z)" # the early (pre-Spring) lines are in local time, the Spring ones in UTC ("...Z")
  off=$(((${z:0:1}1) * (10#${z:1:2} * 60 + 10#${z:3:2}) * 60000))
  awk -v t0="$2" -v off="$off" '
    function at(line,   m, h, mi, sec, v) {
      if (!match(line, /[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\.[0-9][0-9][0-9]Z?/)) return "NA"
      m = substr(line, RSTART, RLENGTH)
      h = substr(m, 1, 2); mi = substr(m, 4, 2); sec = substr(m, 7, 6)
      v = int((h * 3600 + mi * 60 + sec) * 1000 + 0.5) - (t0 % 86400000)
      if (substr(m, RLENGTH, 1) != "Z") v -= off
      if (v > 43200000) v -= 86400000
      if (v < -43200000) v += 86400000
      return v
    }
    BEGIN { pg = tp = wk = ap = "NA" }
    /postmaster startup finished/ && pg == "NA" { pg = at($0) }
    /OperatorServiceStubsImpl.*shutdownNow/ && tp == "NA" { tp = at($0) }
    /Started ShipyardLocal in/ { if (wk == "NA") wk = at($0); else if (ap == "NA") ap = at($0) }
    END { print pg, tp, wk, ap }' "$1"
}

others_running() { # [list] -> how many java/postgres processes run on the host (none of them is
  # this script's between two starts); with "list", which ones
  local n=0 p c l=""
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    c="$(cat "/proc/$p/comm" 2>/dev/null || true)"
    if [[ "$c" == java || "$c" == postgres ]] && alive "$p"; then
      n=$((n + 1))
      l+=" $p:$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" | cut -c1-80)"
    fi
  done
  if [[ "${1:-}" == list ]]; then echo "$l"; else echo "$n"; fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------------------------------------
# One start: launch, wait for ready, idle, measure, stop, check. Sets ROW (CSV) and MD (Markdown).
measure_start() {
  local run="$1" mode="$2" log="$3"
  local p t0 t_ready ready_ms banner_ms code deadline cpu_ready probe_s probe_ms
  for p in "$API_PORT" "$WORKER_PORT_" "$TEMPORAL_PORT" "$POSTGRES_PORT" "$S3_PORT"; do
    port_busy "$p" && die "port $p on 127.0.0.1 is already in use; set BENCH_*_PORT"
  done

  local load others waited=0
  others="$(others_running)"
  while ((others > 0 && waited < QUIET_WAIT)); do # other JVMs/postgres on 2 CPUs skew everything
    ((waited == 0)) && echo "launcher-startup: run $run ($mode): waiting up to ${QUIET_WAIT}s for $others other java/postgres processes to end:$(others_running list)" >&2
    sleep 2
    waited=$((waited + 2))
    others="$(others_running)"
  done
  ((waited == 0)) || echo "launcher-startup: run $run ($mode): waited ${waited}s" >&2
  load="$(cut -d' ' -f1 /proc/loadavg)"
  ((others == 0)) || echo "launcher-startup: run $run ($mode): $others other java/postgres processes are running on this host; timings will be disturbed" >&2

  local busy0 busy_ready
  busy0="$(host_busy_ms)"
  t0="$(now_ms)"
  env PORT="$API_PORT" WORKER_PORT="$WORKER_PORT_" LOCAL_TEMPORAL_PORT="$TEMPORAL_PORT" \
    LOCAL_POSTGRES_PORT="$POSTGRES_PORT" LOCAL_S3_PORT="$S3_PORT" SHIPYARD_DATA_DIR="$DATA_DIR" \
    java -jar "$JAR" >"$log" 2>&1 </dev/null &
  LAUNCHER_PID=$!

  deadline=$((t0 + READY_TIMEOUT * 1000))
  while :; do
    # --max-time 5: the first readiness check sets up its connections and takes most of a second;
    # a shorter limit would cut it off and retry. Each check has its own 2 s deadline in the API.
    read -r code probe_s <<<"$(curl --noproxy '*' -s -o /dev/null -w '%{http_code} %{time_total}' \
      --max-time 5 "$READY_URL" || true)"
    if [[ "$code" == "200" ]]; then
      t_ready="$(now_ms)"
      busy_ready="$(host_busy_ms)"
      cpu_ready="$(cpu_ms "$LAUNCHER_PID")"
      break
    fi
    if ! alive "$LAUNCHER_PID"; then
      echo "---- last lines of $log ----" >&2
      tail -n 40 "$log" >&2 || true
      die "run $run ($mode): the launcher exited before it was ready"
    fi
    if (($(now_ms) > deadline)); then
      echo "---- last lines of $log ----" >&2
      tail -n 40 "$log" >&2 || true
      die "run $run ($mode): not ready within ${READY_TIMEOUT}s (last HTTP status '${code}')"
    fi
    sleep "$POLL_INTERVAL"
  done
  ready_ms=$((t_ready - t0))
  probe_ms="$(awk -v s="$probe_s" 'BEGIN { printf "%d", s * 1000 }')" # latency of the first 200

  # The banner is printed right after start() returns; the readiness probe may win the race.
  banner_ms=""
  for _ in $(seq 1 50); do
    banner_ms="$(sed -nE 's/.*Shipyard is ready \(local platform, started in ([0-9]+) ms\).*/\1/p' "$log" | head -n1)"
    [[ -n "$banner_ms" ]] && break
    sleep 0.1
  done
  [[ -n "$banner_ms" ]] || banner_ms="NA"
  # CPU spent on the host during the start by anything but this run: a measure of disturbance.
  local ours=0 other_cpu
  for p in $(procs_of_run); do
    if [[ "$p" == "$LAUNCHER_PID" ]]; then
      ours=$((ours + $(cpu_tree_ms "$p")))
    else
      ours=$((ours + $(cpu_ms "$p")))
    fi
  done
  other_cpu=$((busy_ready - busy0 - ours))
  ((other_cpu > 0)) || other_cpu=0
  if ((other_cpu > ready_ms / 10)); then
    echo "launcher-startup: run $run ($mode): other processes used ${other_cpu} ms of CPU during this start; its time is disturbed" >&2
  fi
  local pg_up temporal_up worker_up api_up
  read -r pg_up temporal_up worker_up api_up <<<"$(phases "$log" "$t0")"

  sleep "$IDLE_SECONDS"

  # Memory, idle.
  local launcher_rss s3_rss=0 s3_n=0 pg_rss=0 pg_pss=0 pg_n=0 other_rss=0 other_n=0 total
  local pm all cmd comm r
  launcher_rss="$(rss_kb "$LAUNCHER_PID")"
  pm="$(postmaster_pid "$DATA_DIR")"
  all="$(procs_of_run)"
  local -A start_of=()
  for p in $all; do
    start_of[$p]="$(starttime "$p")"
    [[ "$p" == "$LAUNCHER_PID" ]] && continue
    cmd="$(tr '\0' ' ' 2>/dev/null <"/proc/$p/cmdline" || true)"
    comm="$(cat "/proc/$p/comm" 2>/dev/null || true)"
    r="$(rss_kb "$p")"
    if [[ "$cmd" == *shipyard-local-s3.jar* ]]; then
      s3_rss=$((s3_rss + r)); s3_n=$((s3_n + 1))
    elif [[ "$comm" == postgres* || "$cmd" == postgres:* || "$cmd" == */bin/postgres* ]]; then
      pg_rss=$((pg_rss + r)); pg_pss=$((pg_pss + $(pss_kb "$p"))); pg_n=$((pg_n + 1))
    else
      other_rss=$((other_rss + r)); other_n=$((other_n + 1))
      echo "launcher-startup: run $run ($mode): other process $p: $comm ${cmd:0:120}" >&2
    fi
  done
  [[ -n "$pm" ]] || echo "launcher-startup: run $run ($mode): no postmaster found for $DATA_DIR" >&2
  ((s3_n == 1)) || echo "launcher-startup: run $run ($mode): $s3_n local S3 processes found" >&2
  total=$((launcher_rss + s3_rss + pg_rss + other_rss))

  # Stop.
  local t_stop stop_ms exit_code left="" stopped_line
  t_stop="$(now_ms)"
  kill -TERM "$LAUNCHER_PID"
  deadline=$((t_stop + STOP_TIMEOUT * 1000))
  while alive "$LAUNCHER_PID"; do
    if (($(now_ms) > deadline)); then
      echo "launcher-startup: run $run ($mode): launcher still running ${STOP_TIMEOUT}s after SIGTERM; SIGKILL" >&2
      kill -KILL "$LAUNCHER_PID" 2>/dev/null || true
      break
    fi
    sleep 0.05
  done
  stop_ms=$(($(now_ms) - t_stop))
  exit_code=0
  wait "$LAUNCHER_PID" 2>/dev/null || exit_code=$?
  local lp="$LAUNCHER_PID"
  LAUNCHER_PID=""
  grep -q "Shipyard stopped." "$log" && stopped_line=yes || stopped_line=no

  # Leftovers: any process seen before the stop that still runs (same start time), or anything
  # that names this run's data dir.
  sleep 0.5
  for p in $all; do
    [[ "$p" == "$lp" ]] && continue
    if alive "$p" && [[ "$(starttime "$p")" == "${start_of[$p]}" ]]; then
      left+="$p "
    fi
  done
  for p in $(procs_of_run); do
    [[ " $left " == *" $p "* ]] || left+="$p "
  done
  left="${left% }"
  if [[ -n "$left" ]]; then
    echo "launcher-startup: run $run ($mode): processes LEFT BEHIND after stop: $left" >&2
    for p in $left; do ps -o pid=,ppid=,args= -p "$p" >&2 || true; done
    kill -KILL $left 2>/dev/null || true
  fi

  local warns errors
  warns="$(grep -c ' WARN ' "$log" || true)"
  errors="$(grep -cE ' ERROR |Exception|FATAL' "$log" || true)"
  if ((errors > 0)); then
    echo "launcher-startup: run $run ($mode): $errors ERROR/Exception/FATAL lines in the log, e.g.:" >&2
    grep -E ' ERROR |Exception|FATAL' "$log" | head -n 5 | cut -c1-300 >&2
  fi
  [[ -n "$KEEP_LOGS" ]] && cp "$log" "$KEEP_LOGS/run${run}-${mode}.log"

  ROW="$(date -Iseconds),$run,$mode,$ready_ms,$banner_ms,$pg_up,$temporal_up,$worker_up,$api_up,$cpu_ready,$launcher_rss,$s3_rss,$pg_rss,$pg_n,$pg_pss,$other_rss,$total,$stop_ms,$exit_code,$stopped_line,${left:-none},$warns,$errors,$load,$others,$other_cpu,$probe_ms"
  MD="| $run | $mode | $ready_ms | $banner_ms | $((launcher_rss / 1024)) | $((s3_rss / 1024)) | $((pg_rss / 1024)) ($pg_n procs, PSS $((pg_pss / 1024))) | $((total / 1024)) | $stop_ms | $exit_code | ${left:-none} | $other_cpu |"
}

# ---------------------------------------------------------------------------------------------
echo "# Shipyard local platform start-up: $RUNS run(s), $(date -Iseconds)"
echo
echo "jar: $JAR_ORIGINAL ($(du -m "$JAR" | cut -f1) MB, sha256 $JAR_SHA$([[ "$SNAPSHOT_JAR" == 1 ]] && echo ", run from a private copy")), host: $(nproc) CPUs, $(free -h | awk '/^Mem:/ {print $2}') RAM"
echo "java: $(java -version 2>&1 | head -n1), JAVA_TOOL_OPTIONS='${JAVA_TOOL_OPTIONS:-}', idle ${IDLE_SECONDS}s before RSS"
echo
echo "| run | start | ready ms | banner ms | launcher RSS MiB | S3 RSS MiB | postgres RSS MiB | total RSS MiB | stop ms | exit | left behind | other CPU ms |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|"

echo "timestamp,run,mode,ready_ms,banner_ms,postgres_up_ms,temporal_up_ms,worker_started_ms,api_started_ms,launcher_cpu_ms_at_ready,launcher_rss_kb,s3_rss_kb,postgres_rss_kb,postgres_procs,postgres_pss_kb,other_rss_kb,total_rss_kb,stop_ms,exit_code,stopped_line,left_behind,warn_lines,error_lines,loadavg1_at_launch,other_java_postgres_procs,other_cpu_ms_during_start,first_ready_probe_ms" >"$CSV"

for run in $(seq 1 "$RUNS"); do
  DATA_DIR="$WORK_ROOT/run$run/data"
  mkdir -p "$DATA_DIR"
  for mode in cold warm; do
    measure_start "$run" "$mode" "$WORK_ROOT/run$run/$mode.log"
    echo "$ROW" >>"$CSV"
    echo "$MD"
  done
  rm -rf "$WORK_ROOT/run$run"
  DATA_DIR=""
done

# ---------------------------------------------------------------------------------------------
stats() { # mode column [quiet] -> "median min max" over the CSV rows of that mode (quiet: only the
  # starts during which other processes used at most 10% of the wall clock in CPU)
  awk -F, -v m="$1" -v c="$2" -v q="${3:-}" '
    NR == 1 { for (i = 1; i <= NF; i++) if ($i == "other_cpu_ms_during_start") oc = i }
    NR > 1 && $3 == m && $c != "NA" && (q == "" || $oc <= $4 / 10) {print $c}' "$CSV" | sort -n | awk '
    {v[NR] = $1}
    END {
      if (NR == 0) { print "NA NA NA"; exit }
      med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%d %d %d\n", med, v[1], v[NR]
    }'
}

echo
echo "## Summary ($RUNS runs; median / min / max)"
echo
echo "| metric | cold median | cold min | cold max | warm median | warm min | warm max |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for spec in "time to ready (ms)|4|1" "banner started-in (ms)|5|1" \
  "phase: PostgreSQL up (ms after launch)|6|1" "phase: local S3 + Temporal up (ms after launch)|7|1" \
  "phase: worker context started (ms after launch)|8|1" "phase: API context started (ms after launch)|9|1" \
  "latency of the first 200 readiness probe (ms)|27|1" "launcher JVM CPU time until ready (ms)|10|1" \
  "launcher JVM RSS (MiB)|11|1024" "local S3 JVM RSS (MiB)|12|1024" "postgres RSS sum (MiB)|13|1024" \
  "postgres PSS sum (MiB)|15|1024" "total RSS (MiB)|17|1024" "stop after SIGTERM (ms)|18|1"; do
  IFS='|' read -r name col div <<<"$spec"
  read -r cm cmin cmax <<<"$(stats cold "$col")"
  read -r wm wmin wmax <<<"$(stats warm "$col")"
  fmt() { [[ "$1" == NA ]] && echo NA || echo $(($1 / div)); }
  echo "| $name | $(fmt "$cm") | $(fmt "$cmin") | $(fmt "$cmax") | $(fmt "$wm") | $(fmt "$wmin") | $(fmt "$wmax") |"
done
n_quiet="$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "other_cpu_ms_during_start") oc = i }
  NR > 1 && $oc <= $4 / 10 { n++ } END { print n + 0 }' "$CSV")"
echo
echo "Undisturbed starts only ($n_quiet of $((RUNS * 2)): other processes used <= 10% of the wall clock in CPU):"
echo
echo "| metric | cold median | cold min | cold max | warm median | warm min | warm max |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for spec in "time to ready (ms)|4" "banner started-in (ms)|5"; do
  IFS='|' read -r name col <<<"$spec"
  read -r cm cmin cmax <<<"$(stats cold "$col" quiet)"
  read -r wm wmin wmax <<<"$(stats warm "$col" quiet)"
  echo "| $name | $cm | $cmin | $cmax | $wm | $wmin | $wmax |"
done
echo
echo "raw results: ${CSV#"$REPO_ROOT"/}"
