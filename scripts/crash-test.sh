#!/usr/bin/env bash
# Crash test: the real server (src/main.ts) on a fresh PostgreSQL database, killed with SIGKILL in
# the middle of concurrent load (checkouts, repeated payment callbacks, reveals, confirms, cases,
# withdrawals, fund and wallet top-ups, clock moves) CRASH_CYCLES times (default 3), restarted each
# time. After the last restart the requests that were in flight are retried and the invariants must
# hold: balanced ledger, no key sold twice, every paid order delivered once, no refund paid twice,
# everything the server acknowledged still there, no 5xx. Exits non-zero on any violation.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bash scripts/crash-test.sh
#
# DATABASE_URL names any database of the server to use; the test creates its own database beside it
# and drops it at the end. Without DATABASE_URL it uses 127.0.0.1:5432, or starts a throwaway cluster
# when nothing answers there. CRASH_SEED repeats a run's random choices.
set -euo pipefail
cd "$(dirname "$0")/.."

CYCLES=${CRASH_CYCLES:-3}
WORK=$(mktemp -d)
STATE="$WORK/state.json"
LOG="$WORK/server.log"
NAME="kameng_crash_$$_${RANDOM}"
SERVER_PID=""
PGTMP=""
PGBIN=""

step() { printf '\n--- crash test: %s (%ss)\n' "$1" "$SECONDS"; }

# The server's error-level log lines grouped by message, SQLSTATE and PostgreSQL's context.
summarize_log() {
  node -e '
    const counts = new Map();
    for (const line of require("fs").readFileSync(process.argv[1], "utf8").split("\n")) {
      let e; try { e = JSON.parse(line); } catch { continue; }
      if (e.level < 50) continue;
      const where = e.err?.where ? ` [${e.err.where.replace(/\s+/g, " ").replace(/\(\d+,\d+\)/g, "(…)").slice(0, 160)}]` : "";
      const key = `${e.msg}: ${e.err?.code ?? "-"} ${e.err?.message ?? ""}${where}${e.job ? ` (job ${e.job.kind})` : ""}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const [key, n] of counts) console.log(`  ${key} ×${n}`);' "$LOG"
}

cleanup() {
  local rc=$?
  set +e
  if [ -n "$SERVER_PID" ]; then kill -9 -- "-$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null; fi
  [ -n "${BASE_URL:-}" ] && psql "$BASE_URL" -qc "drop database if exists $NAME with (force)" >/dev/null 2>&1
  [ -n "$PGTMP" ] && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -m immediate stop >/dev/null 2>&1
  if [ "$rc" -ne 0 ] && [ -f "$LOG" ]; then echo "--- errors the server logged"; summarize_log; fi
  rm -rf "$WORK" "$PGTMP"
  exit "$rc"
}
trap cleanup EXIT

if [ -n "${DATABASE_URL:-}" ]; then
  BASE_URL=$DATABASE_URL
elif pg_isready -h 127.0.0.1 -p 5432 -U postgres >/dev/null 2>&1; then
  BASE_URL=postgres://postgres@127.0.0.1:5432/postgres
else
  # No server on 5432: a throwaway cluster (shared/STACK.md).
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1); PGTMP=$(mktemp -d); chown postgres "$PGTMP"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PGTMP/data" -A trust -U postgres >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGTMP/data" -l "$PGTMP/log" -w -o "-p 55433 -k $PGTMP -c listen_addresses=127.0.0.1" start >/dev/null
  BASE_URL=postgres://postgres@127.0.0.1:55433/postgres
fi
psql "$BASE_URL" -qc "create database $NAME"
DB_URL=$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.toString())' "$BASE_URL" "$NAME")
PORT=$(node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
URL="http://127.0.0.1:$PORT"

# The server runs as `node --import tsx src/main.ts` (what `tsx src/main.ts` does, without tsx's
# wrapper process, so the PID is the server) in its own process group (setsid), so kill -9 of the
# group takes the server and its esbuild helper together.
start_server() {
  DATABASE_URL="$DB_URL" KAMENG_DATA_DIR="$WORK/data" PORT="$PORT" HOST=127.0.0.1 KAMENG_SANDBOX=1 \
    KAMENG_TOPUP_SIMULATOR=auto LOG_LEVEL=warn setsid node --import tsx src/main.ts >>"$LOG" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 240); do
    if curl -sf "$URL/api/health" >/dev/null 2>&1; then return 0; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "the server died while starting"; SERVER_PID=""; return 1; fi
    sleep 0.25
  done
  echo "the server did not answer /api/health within 60 s"; return 1
}

kill_server() {
  kill -9 -- "-$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

driver() { node --import tsx scripts/crash-load.ts "$@"; }

step "start the server on database $NAME, port $PORT"
start_server
driver setup "$URL" "$STATE"

for cycle in $(seq 1 "$CYCLES"); do
  step "cycle $cycle/$CYCLES: load, then kill -9 mid-load"
  driver load "$URL" "$STATE" 60 &
  LOAD_PID=$!
  sleep "$((3 + RANDOM % 4)).$((RANDOM % 10))"
  echo "kill -9 the server (pid $SERVER_PID)"
  kill_server
  wait "$LOAD_PID"
  step "cycle $cycle/$CYCLES: restart"
  start_server
done

step "retry what was in flight, more load, then check"
driver recover "$URL" "$STATE"
driver load "$URL" "$STATE" 3
driver check "$URL" "$STATE" "$DB_URL"

step "graceful stop"
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
echo "crash test done in ${SECONDS}s"
