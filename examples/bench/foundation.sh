#!/usr/bin/env bash
# Measures the foundation's figures for BENCHMARKS.md against a release build:
#   time from start to the first /healthz answer, idle memory (RSS), and
#   GET /v1/tenants/demo/clients at 32 concurrent connections (wrk --latency).
#
# Usage: examples/bench/foundation.sh [DATABASE_URL]   (default: a fresh SQLite file)
# Needs: cargo build --release -p maxai-openapi; curl, jq, wrk.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${CARGO_TARGET_DIR:-target}/release/maxai"
WORK="$(mktemp -d)"
PORT="${PORT:-18181}"
DB="${1:-$WORK/maxai.db}"
export MAXAI_BOOTSTRAP_ADMIN_EMAIL=bench@example.test MAXAI_BOOTSTRAP_ADMIN_PASSWORD=bench-password-123 MAXAI_LOG=warn

# first start (migrations, admin, demo tenant) is not what we time: start once, then stop
"$BIN" serve --listen "127.0.0.1:$PORT" --database-url "$DB" >"$WORK/first.log" 2>&1 &
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.05; done
kill -TERM $! && wait $! || true

start=$(date +%s%N)
"$BIN" serve --listen "127.0.0.1:$PORT" --database-url "$DB" >"$WORK/serve.log" 2>&1 &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; rm -rf "$WORK"' EXIT
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.001; done
ready=$(date +%s%N)
echo "start to first /healthz: $(( (ready - start) / 1000000 )) ms"
sleep 2
echo "idle RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$PID/status)"

TOKEN=$(curl -sf "http://127.0.0.1:$PORT/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"bench@example.test","password":"bench-password-123"}' | jq -r .access_token)
# the access token lives 15 minutes: plenty for a 20 s run
wrk -t2 -c32 -d20s --latency -H "authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT/v1/tenants/demo/clients"
echo "RSS after load: $(awk '/VmRSS/ {print $2, $3}' /proc/$PID/status)"
