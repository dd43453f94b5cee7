#!/usr/bin/env bash
# The example website against the real binary: `serve --demo` on a fresh data folder, the
# site built from its public API, then check.mjs (seed texts in order, links, files,
# screenshots and a sign-up in Chromium). The server is always stopped by its PID.
# Usage: check.sh <oa-cms binary>
set -euo pipefail
bin="$(realpath "${1:?usage: check.sh <oa-cms binary>}")"
cd "$(dirname "$0")"

if [ ! -d node_modules/@11ty/eleventy ] || [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error
fi
node --test --test-reporter=dot lib/

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}
api_port="$(free_port)"
site_port="$(free_port)"
while [ "$site_port" = "$api_port" ]; do site_port="$(free_port)"; done
api="http://127.0.0.1:$api_port"

tmp="$(mktemp -d)"
pid=""
stop() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap stop EXIT

mkdir "$tmp/data"
"$bin" serve --demo --bind "127.0.0.1:$api_port" --data-dir "$tmp/data" \
  --cors-origins "http://127.0.0.1:$site_port" >"$tmp/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  if curl -fsS -o /dev/null "$api/health" 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "site: the server stopped:" >&2; cat "$tmp/server.log" >&2; exit 1
  fi
  sleep 0.2
done
curl -fsS -o /dev/null "$api/health" || { echo "site: no /health in 60 s" >&2; cat "$tmp/server.log" >&2; exit 1; }

OA_API="$api" node_modules/.bin/eleventy --quiet --output "$tmp/site"
node check.mjs "$tmp/site" "$api" "$site_port"
