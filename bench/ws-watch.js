// Benchmark helper for bench/ws-fanout.sh: N concurrent WebSocket watchers of one build.
//   node ws-watch.js <ws base, e.g. ws://127.0.0.1:18080> <task_id> <token> <watchers> <after|-> <expect_last_seq|->
// Opens all watchers, prints READY once every one got `connected` (the writer starts then), and
// collects each watcher's messages until its socket closes (the server closes after `completion`)
// or 120 s pass. With after=<n> (replay), every seq above n must arrive exactly once and in order;
// without, seqs must increase strictly (progress may be coalesced: at most one per 100 ms) and the
// completion must arrive. Prints one JSON line: totals, per-watcher violations, and timings.
const WebSocket = require('ws');
const [base, taskId, token, watchersArg, afterArg, expectArg] = process.argv.slice(2);
const watchers = parseInt(watchersArg, 10);
const after = afterArg === '-' ? null : parseInt(afterArg, 10);
const url = `${base}/api/ws/build/${taskId}` + (after === null ? '' : `?after=${after}`);

const state = [];
let connected = 0;
let closed = 0;
let firstEventAt = null;
let lastEventAt = null;
const started = Date.now();

function finish() {
  const expectLast = expectArg === '-' ? null : parseInt(expectArg, 10);
  let messages = 0, events = 0, progress = 0, completions = 0, problems = [];
  for (const s of state) {
    messages += s.messages;
    events += s.seqs.length;
    progress += s.progress;
    completions += s.completion ? 1 : 0;
    const p = [];
    if (!s.gotConnected) p.push('no connected');
    for (let i = 1; i < s.seqs.length; i++) {
      if (s.seqs[i] <= s.seqs[i - 1]) { p.push(`seq ${s.seqs[i]} after ${s.seqs[i - 1]}`); break; }
    }
    if (!s.completion) p.push('no completion');
    if (expectLast !== null && s.completion && s.completion !== expectLast) p.push(`completion seq ${s.completion} != ${expectLast}`);
    if (after !== null && expectLast !== null) {
      const want = expectLast - after;
      const distinct = new Set(s.seqs).size;
      if (s.seqs.length !== want || distinct !== want || s.seqs[0] !== after + 1) {
        p.push(`replay: ${s.seqs.length} events (${distinct} distinct), want ${want} (${after + 1}..${expectLast})`);
      }
    }
    if (s.error) p.push(`error: ${s.error}`);
    if (p.length) problems.push({ watcher: s.i, problems: p });
  }
  const span = (lastEventAt ?? Date.now()) - (firstEventAt ?? started);
  console.log(JSON.stringify({
    watchers, after, messages, events, progress, completions,
    watchers_with_problems: problems.length, problems: problems.slice(0, 5),
    first_to_last_event_ms: span,
    events_per_s: span > 0 ? Math.round(events / (span / 1000)) : null,
    per_watcher_events_min: Math.min(...state.map(s => s.seqs.length)),
    per_watcher_events_max: Math.max(...state.map(s => s.seqs.length)),
  }));
  process.exit(0);
}

for (let i = 0; i < watchers; i++) {
  const s = { i, messages: 0, seqs: [], progress: 0, completion: null, gotConnected: false, error: null };
  state.push(s);
  const ws = new WebSocket(url, ['bearer', token]);
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    s.messages++;
    if (m.type === 'connected') {
      s.gotConnected = true;
      if (++connected === watchers) console.log('READY');
      return;
    }
    const now = Date.now();
    if (typeof m.seq === 'number' && m.seq > 0) {
      s.seqs.push(m.seq);
      firstEventAt ??= now;
      lastEventAt = now;
    }
    if (m.type === 'progress') s.progress++;
    if (m.type === 'completion') s.completion = m.seq;
  });
  ws.on('error', (e) => { s.error = String(e.message || e); });
  ws.on('close', () => { if (++closed === watchers) finish(); });
}
setTimeout(finish, 120000);
