#!/usr/bin/env bash
# WebSocket fan-out: WATCHERS (100) concurrent watchers of one build, events delivered per second,
# none lost.
#
#   bash bench/ws-fanout.sh [jar]     # default: standalone/target/shipyard-local.jar
#
# Starts the local platform (`java -jar`, fresh temporary data dir, ports 18080/18081/18090/17233/
# 25432/19000 or BENCH_*_PORT), registers a user, and makes one build whose events come at a KNOWN
# rate: its `builds` and `workflow_runs` rows (status running) and then its `task_events` rows are
# inserted with psql into the embedded PostgreSQL (LOCAL_POSTGRES_PORT), the way the worker's
# TaskEventWriter writes them; the table's trigger announces each row (pg_notify) as for a real
# build, so the API's path (one LISTEN connection, R2DBC reads, per-watcher coalescing) is the real
# one; only the producer is psql instead of a build's activities (no workflow runs for this task).
# npm installs `ws` into a temporary directory; bench/ws-watch.js runs the watchers in one node
# process.
#   live    WATCHERS sockets without `after`, all connected before the first event; then EVENTS
#           progress events at RATE a second (psql, one INSERT per event, paced with pg_sleep),
#           then one `completion`. Each watcher must get strictly increasing seqs and the
#           completion with the last seq (progress may be coalesced: at most one per 100 ms per
#           watcher, README "Progress"); its event count shows the coalescing.
#   replay  WATCHERS sockets with `?after=0` once the build is complete: each must get every seq
#           1..EVENTS+1 exactly once and in order (replay is not coalesced).
# Prints, per phase, events delivered across all watchers per second (first to last event seen by
# any watcher) and the watchers with a problem (lost, duplicated or out-of-order seqs, no
# completion); writes bench/results/ws-fanout-<date>.csv.
#
# Environment (optional): WATCHERS (100), EVENTS (1000), RATE (50 events/s), BENCH_*_PORT.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
JAR="${1:-$REPO_ROOT/standalone/target/shipyard-local.jar}"
NAME=ws-fanout
WATCHERS="${WATCHERS:-100}"
EVENTS="${EVENTS:-1000}"
RATE="${RATE:-50}"
for tool in jq curl java node npm psql; do
  command -v "$tool" >/dev/null || { echo "$NAME: $tool is required" >&2; exit 1; }
done
# Rate limits off: 2 x WATCHERS WebSocket upgrades by one user within a minute.
EXTRA_ENV=(RATE_LIMIT_ENABLED=false)
# shellcheck source=bench/lib-platform.sh
. "$SCRIPT_DIR/lib-platform.sh"

OUT="$REPO_ROOT/bench/results/ws-fanout-$(date -u +%F).csv"
[ -e "$OUT" ] && OUT="${OUT%.csv}-$(date -u +%H%M%S).csv"
LOAD_START="$(cut -d' ' -f1-3 /proc/loadavg)"

(cd "$WORK" && mkdir -p node && cd node && npm init -y >/dev/null &&
  npm install --silent --no-audit --no-fund ws >/dev/null) || die "npm install ws failed"
cp "$SCRIPT_DIR/ws-watch.js" "$WORK/node/"

start_platform
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d shipyard)
TASK="$(cat /proc/sys/kernel/random/uuid)"
"${PSQL[@]}" <<SQL
INSERT INTO builds (task_id, tenant_id, owner_id, created_by, project_name, goal, parameters, workflow_id)
VALUES ('$TASK', '$TENANT_ID', '$USER_ID', '$USERNAME', 'fanout', 'watch me', '{}', 'build-$TASK');
INSERT INTO workflow_runs (workflow_id, kind, tenant_id, owner_id, status, phase, sequence)
VALUES ('build-$TASK', 'build', '$TENANT_ID', '$USER_ID', 'running', 'running', 0);
SQL
curl --noproxy '*' -fs -o /dev/null "$API/api/build/$TASK" -H "Authorization: Bearer $TOKEN" ||
  die "the API does not see the build"

writer_sql() { # EVENTS progress rows paced at RATE/s, then the completion
  awk -v task="$TASK" -v n="$EVENTS" -v rate="$RATE" 'BEGIN {
    for (i = 1; i <= n; i++) {
      printf "INSERT INTO task_events (task_id, seq, kind, type, status, progress, step, message, data) VALUES ('\''%s'\'', %d, '\''build'\'', '\''progress'\'', '\''running'\'', %d, '\''Running tests'\'', '\''event %d'\'', '\''{}'\''::jsonb);\n", task, i, int(i * 99 / n), i
      printf "SELECT pg_sleep(%.4f);\n", 1 / rate
    }
    printf "INSERT INTO task_events (task_id, seq, kind, type, status, progress, step, message, data) VALUES ('\''%s'\'', %d, '\''build'\'', '\''completion'\'', '\''completed'\'', 100, '\''Done'\'', '\''done'\'', '\''{\"results\": {\"bench\": true}}'\''::jsonb);\n", task, n + 1
  }'
}

WS="ws://127.0.0.1:$API_PORT"
echo "# Shipyard WebSocket fan-out: $WATCHERS watchers of one build, $(date -u -Iseconds)"
echo
echo "jar sha256 $JAR_SHA, host: $(nproc) CPUs, load at start $LOAD_START, $EVENTS progress events at $RATE/s (psql) + 1 completion, node $(node --version), ws $(jq -r .version "$WORK/node/node_modules/ws/package.json")"
echo

# live
(cd "$WORK/node" && node ws-watch.js "$WS" "$TASK" "$TOKEN" "$WATCHERS" - "$((EVENTS + 1))") >"$WORK/live.out" 2>"$WORK/live.err" &
NODE_PID=$!
for _ in $(seq 1 600); do
  grep -q '^READY' "$WORK/live.out" && break
  kill -0 "$NODE_PID" 2>/dev/null || { cat "$WORK/live.err" >&2; die "the watchers exited"; }
  sleep 0.1
done
grep -q '^READY' "$WORK/live.out" || die "the watchers did not all connect within 60 s"
W0="$(date +%s.%N)"
writer_sql | "${PSQL[@]}" >/dev/null
W1="$(date +%s.%N)"
wait "$NODE_PID" || { cat "$WORK/live.err" >&2; die "the live watchers failed"; }
LIVE="$(grep '^{' "$WORK/live.out")"
WRITE_RATE="$(awk -v a="$W0" -v b="$W1" -v n="$((EVENTS + 1))" 'BEGIN { printf "%.1f", n / (b - a) }')"

# replay
(cd "$WORK/node" && node ws-watch.js "$WS" "$TASK" "$TOKEN" "$WATCHERS" 0 "$((EVENTS + 1))") >"$WORK/replay.out" 2>"$WORK/replay.err" ||
  { cat "$WORK/replay.err" >&2; die "the replay watchers failed"; }
REPLAY="$(grep '^{' "$WORK/replay.out")"

echo "timestamp,phase,watchers,events_written,write_rate_per_s,events_delivered,messages,events_per_s_delivered,first_to_last_ms,per_watcher_min,per_watcher_max,completions,watchers_with_problems,loadavg_start,loadavg1_end" >"$OUT"
LOAD_END="$(cut -d' ' -f1 /proc/loadavg)"
for phase in live replay; do
  j="$LIVE"; [ "$phase" = replay ] && j="$REPLAY"
  echo "$(date -u -Iseconds),$phase,$WATCHERS,$((EVENTS + 1)),$WRITE_RATE,$(jq -r '[.events, .messages, .events_per_s, .first_to_last_event_ms, .per_watcher_events_min, .per_watcher_events_max, .completions, .watchers_with_problems] | @csv' <<<"$j"),${LOAD_START%% *},$LOAD_END" >>"$OUT"
done

echo "| phase | watchers | events written (rate /s) | events delivered (all watchers) | per watcher min–max | delivered /s | completions | watchers with a problem |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|"
awk -F, 'NR > 1 { printf "| %s | %s | %s (%s) | %s | %s–%s | %s | %s | %s |\n", $2, $3, $4, $5, $6, $10, $11, $8, $12, $13 }' "$OUT"
for phase in live replay; do
  j="$LIVE"; [ "$phase" = replay ] && j="$REPLAY"
  [ "$(jq -r .watchers_with_problems <<<"$j")" = 0 ] || echo "$phase problems: $(jq -c .problems <<<"$j")"
done
echo
echo "load average at end: $LOAD_END"
echo "Raw figures: ${OUT#"$REPO_ROOT"/}"
