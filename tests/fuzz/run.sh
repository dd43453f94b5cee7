#!/usr/bin/env bash
# The fuzz stage: schemathesis generates requests from the OpenAPI document the server
# serves and runs every check against a real server, on SQLite and, when TEST_DATABASE_URL
# is set, on PostgreSQL. Any failure fails the stage.
#
#   tests/fuzz/run.sh <oa-cms binary> [seconds per backend]
set -euo pipefail
cd "$(dirname "$0")"
BIN="$1"
SECONDS_PER_BACKEND="${2:-${FUZZ_SECONDS:-150}}"

if [ ! -x .venv/bin/schemathesis ]; then
  echo "installing schemathesis" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
fi

WORK="$(mktemp -d)"
SERVER_PID=""
PG_DB=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$PG_DB" ]; then psql -q "$TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# One backend: a fresh database with the demo content and an admin whose API token the
# fuzzer sends; operations that would delete that token or user are left out.
fuzz() {
  local name="$1" url="$2"
  local data="$WORK/$name" port email="fuzz@example.nl" password="fuzz-password-$RANDOM-$RANDOM"
  mkdir -p "$data"
  port="$(free_port)"
  printf '%s\n' "$password" | "$BIN" user add --data-dir "$data" --database-url "$url" \
    --email "$email" --role admin >/dev/null
  "$BIN" serve --demo --data-dir "$data" --database-url "$url" --bind "127.0.0.1:$port" \
    --metrics-token "fuzz-metrics-token-0123456789" --log-format json >"$WORK/$name.log" 2>&1 &
  SERVER_PID=$!
  local base="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do
    curl -fs "$base/health/ready" >/dev/null 2>&1 && break
    sleep 0.1
  done
  local cookie token
  cookie="$(curl -fs -D - -o /dev/null -H 'content-type: application/json' -H "origin: $base" \
    -d "{\"email\":\"$email\",\"password\":\"$password\"}" "$base/api/v1/auth/login" \
    | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -1)"
  token="$(curl -fs -H 'content-type: application/json' -H "origin: $base" -H "cookie: $cookie" \
    -d '{"name":"fuzz","role":"admin"}' "$base/api/v1/admin/tokens" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')"
  echo "fuzzing $name for ${SECONDS_PER_BACKEND}s" >&2
  local status=0
  .venv/bin/schemathesis run "$base/api/openapi.json" \
    --checks all \
    --header "Authorization: Bearer $token" \
    --exclude-operation-id revokeToken --exclude-operation-id deleteUser \
    --exclude-operation-id updateUser --exclude-operation-id logout \
    --max-time "$SECONDS_PER_BACKEND" --workers 2 --seed 1 ${FUZZ_ARGS:-} \
    --suppress-health-check all --no-color \
    --report ndjson --report-ndjson-path "$WORK/$name.ndjson" \
    >"$WORK/$name.out" 2>&1 || status=$?
  tail -n 40 "$WORK/$name.out" >&2
  if [ "$status" -ne 0 ]; then
    cp "$WORK/$name.out" "$WORK/$name.log" "$(pwd)/" 2>/dev/null || true
    echo "fuzz: failures on $name (output in tests/fuzz/$name.out, server log tests/fuzz/$name.log)" >&2
    return 1
  fi
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

fuzz sqlite "$WORK/sqlite/cms.db"
if [ -n "${TEST_DATABASE_URL:-}" ]; then
  PG_DB="oa_fuzz_$$"
  psql -q "$TEST_DATABASE_URL" -c "CREATE DATABASE $PG_DB" >/dev/null
  fuzz postgres "${TEST_DATABASE_URL%/*}/$PG_DB"
fi
