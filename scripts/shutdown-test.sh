#!/usr/bin/env bash
# Starts a Kameng command (default: `npm start`), waits for /api/health and the web app, sends a
# signal (default SIGTERM) to the command's own process (npm), and fails unless the command exits
# 0 within 5 s, the port is free, nothing of it is left running, and PGlite's lock is released.
#   bash scripts/shutdown-test.sh [SIGTERM|SIGINT] [command …]
# APP_DIR: where to run the command (default: this repository). The environment passes through
# (DATABASE_URL, KAMENG_SANDBOX, KAMENG_SECRET …); KAMENG_DATA_DIR and PORT are set here.
set -euo pipefail
cd "${APP_DIR:-$(dirname "$0")/..}"
SIGNAL="${1:-SIGTERM}"; shift || true
[ "$#" -gt 0 ] || set -- npm start
PORT="${SHUTDOWN_TEST_PORT:-3978}"
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
fail() { echo "shutdown-test: $*" >&2; tail -30 "$DIR/log" >&2 || true; exit 1; }

# setsid: the command gets its own process group, so leftovers can be found (and cleaned up) by group.
KAMENG_DATA_DIR="$DIR/data" PORT="$PORT" HOST=127.0.0.1 setsid "$@" >"$DIR/log" 2>&1 &
PID=$!
for _ in $(seq 1 240); do
  curl -sf "http://127.0.0.1:$PORT/api/health" >/dev/null && break
  kill -0 "$PID" 2>/dev/null || fail "$* exited before serving"
  sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/api/ready" >/dev/null || fail "/api/ready is not 200"
curl -sf "http://127.0.0.1:$PORT/" | grep -q '<div id="root">' || fail "the web app is not served"

START=$(date +%s%N)
kill -s "$SIGNAL" "$PID"
set +e
for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.05; done
ELAPSED_MS=$(( ($(date +%s%N) - START) / 1000000 ))
if kill -0 "$PID" 2>/dev/null; then kill -KILL -- "-$PID"; fail "$* still runs 5 s after $SIGNAL"; fi
wait "$PID"; RC=$?
set -e
# Zombies (exited, not yet reaped by init) are not running.
LEFT=$(ps -eo pid=,pgid=,stat= | awk -v g="$PID" '$2 == g && $3 !~ /^Z/ { print $1 }')
if [ -n "$LEFT" ]; then ps -o pid,cmd -p $LEFT >&2; kill -KILL -- "-$PID" 2>/dev/null || true; fail "processes left running after $SIGNAL"; fi
[ "$RC" -eq 0 ] || fail "$* exited $RC after $SIGNAL (expected 0)"
if curl -s -o /dev/null "http://127.0.0.1:$PORT/api/health"; then fail "port $PORT still answers after $SIGNAL"; fi
[ ! -e "$DIR/data/pglite.lock" ] || fail "the PGlite lock was not released (the database was not closed)"
grep -q 'shut down cleanly' "$DIR/log" || fail "the server did not log a clean shutdown"
echo "shutdown-test: '$*' stopped on $SIGNAL in ${ELAPSED_MS} ms, exit 0, port $PORT free, database closed"
