#!/usr/bin/env bash
# What the Docker image does, on the checkout (there is no Docker engine in CI): build, start the built
# server with the image's environment, probe /health, its first line and the /web page's files, run one
# /ws episode with the reference solver (score must be 100), one HTTP episode through its token, send
# SIGTERM and expect a clean exit 0. Prints PASS/FAIL lines; exits non-zero on the first failure.
set -uo pipefail
cd "$(dirname "$0")/.."

PORT="${SMOKE_PORT:-$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")}"
LOG="$(mktemp -t cb-smoke-server.XXXXXX)"
OUT="$(mktemp -t cb-smoke-run.XXXXXX)"
SERVER_PID=""

pass() { echo "PASS: $*"; }
fail() {
  echo "FAIL: $*"
  if [ -s "$LOG" ]; then echo "--- server log (last 40 lines) ---"; tail -n 40 "$LOG"; fi
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then kill -KILL "$SERVER_PID" 2>/dev/null; fi
  exit 1
}

npm run build >"$OUT" 2>&1 || { cat "$OUT"; fail "npm run build"; }
pass "npm run build"

# The image's CMD and environment.
PORT="$PORT" HOST=127.0.0.1 ENABLE_WEB_INTERFACE=true MAX_EPISODES_PER_CLIENT=8 MAX_RESETS_PER_MINUTE=60 \
  TRUST_PROXY=loopback,linklocal,uniquelocal LOG_LEVEL=info node --max-semi-space-size=64 dist/src/server/main.js >"$LOG" 2>&1 &
SERVER_PID=$!

healthy=""
for _ in $(seq 1 100); do
  if node -e "fetch('http://127.0.0.1:${PORT}/health').then(r=>r.json()).then(b=>process.exit(b.status==='healthy'?0:1)).catch(()=>process.exit(1))" 2>/dev/null; then
    healthy=yes
    break
  fi
  kill -0 "$SERVER_PID" 2>/dev/null || fail "the server exited during startup"
  sleep 0.1
done
[ -n "$healthy" ] || fail "GET /health did not answer {\"status\":\"healthy\"} within 10 s"
pass "GET /health on port $PORT"

grep -q "ComtradeBench listening on 127.0.0.1:${PORT}: the page http://127.0.0.1:${PORT}/web/" "$LOG" ||
  fail "the server did not print its human first line (where it listens, where to look)"
pass "the first line says where to look"

# The built image ships the /web page's files (npm run build copies src/server/web to dist).
for path in /web/ /web/app.js /web/style.css /metrics /api/leaderboard; do
  node -e "fetch('http://127.0.0.1:${PORT}'+process.argv[1]).then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))" "$path" ||
    fail "GET $path did not answer 200"
done
pass "GET /web/, its scripts and styles, /metrics and /api/leaderboard answer 200"

JSON="$(mktemp -t cb-smoke-json.XXXXXX)"
node dist/src/cli/main.js run --agent reference --tasks T4_rate_limit_429 --seeds 0 \
  --url "ws://127.0.0.1:${PORT}" --no-progress --json "$JSON" >"$OUT" 2>&1 || { cat "$OUT"; fail "comtradebench run --url"; }
score="$(node -e "console.log(JSON.parse(require('fs').readFileSync(process.argv[1],'utf8')).episodes[0].score)" "$JSON")"
[ "$score" = "100" ] || { cat "$OUT"; fail "the reference solver over /ws scored $score, expected 100"; }
pass "one /ws episode with the reference solver scored 100"

# One HTTP episode: the token /reset hands out opens it, nothing else does, and DELETE ends it.
node -e "
const base = 'http://127.0.0.1:${PORT}';
const post = (p, b, h = {}) => fetch(base + p, { method: 'POST', headers: { 'content-type': 'application/json', ...h }, body: JSON.stringify(b) });
(async () => {
  const r = await post('/reset', { task_id: 'T1_single_page', seed: 0 });
  const { episode_token: token, observation } = await r.json();
  if (r.status !== 200 || r.headers.get('x-episode-token') !== token) throw new Error('POST /reset: ' + r.status);
  const step = { action: { type: 'list_tools' } };
  if ((await post('/step', step, { 'x-episode-token': token })).status !== 200) throw new Error('step with the token');
  if ((await post('/step', { ...step, episode_id: observation.episode_id })).status !== 401) throw new Error('step without it');
  const del = await fetch(base + '/episodes/' + observation.episode_id, { method: 'DELETE', headers: { 'x-episode-token': token } });
  if (del.status !== 204) throw new Error('DELETE: ' + del.status);
})().catch((e) => { console.error(e.message); process.exit(1); });
" >"$OUT" 2>&1 || { cat "$OUT"; fail "an HTTP episode with its token"; }
pass "one HTTP episode: opened by its token only, ended by DELETE /episodes/:id"

kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
code=$?
SERVER_PID=""
[ "$code" -eq 0 ] || fail "the server exited with $code after SIGTERM, expected 0"
grep -q '"shutting down"' "$LOG" || fail "the server did not log its graceful shutdown"
pass "SIGTERM: graceful shutdown, exit 0"
rm -f "$LOG" "$OUT" "$JSON"
echo "PASS: server smoke test"
