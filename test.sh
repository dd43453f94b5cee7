#!/usr/bin/env bash
# The test command: installs what the tests need when it is missing, then runs them all.
set -euo pipefail
cd "$(dirname "$0")"

cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo test --all-targets

# End-to-end tests of the admin UI in a real browser: Debian's Chromium driven by
# playwright-core (its own browser download does not work without internet).
if [ ! -x /usr/bin/chromium ]; then
  echo "installing chromium" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo -n"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
if [ ! -d tests/e2e/node_modules/playwright-core ] || [ ! -d tests/e2e/node_modules/axe-core ]; then
  (cd tests/e2e && { npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error; })
fi
# The debug binary that `cargo test` built may be stale for the binary target; build it.
cargo build --quiet --bin oa-cms

# The OpenAPI document the binary prints: Redocly lint without a problem, and a TypeScript
# client generated from it that compiles under --strict with tests/openapi/contract.ts.
if [ ! -d tests/openapi/node_modules/@redocly/cli ]; then
  (cd tests/openapi && { npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error; })
fi
tests/openapi/check.sh "$PWD/target/debug/oa-cms"

(cd tests/e2e && OA_CMS_BIN="$PWD/../../target/debug/oa-cms" node --test --test-concurrency=1 admin.test.mjs screens.test.mjs staff.test.mjs)

# The example website (examples/site, Eleventy; installed when missing) built from the demo
# content's public API: both seed texts in order on its pages, every link and file link
# resolving, screenshots and a sign-up through its form in Chromium.
examples/site/check.sh "$PWD/target/debug/oa-cms"

# The fuzz stage: schemathesis (PyPI, installed into tests/fuzz/.venv when missing) against
# the running binary's /api/openapi.json with every check, public and admin operations, a
# bounded time per backend (SQLite, and PostgreSQL when TEST_DATABASE_URL is set); any
# failure fails the run. FUZZ_SECONDS sets the time per backend.
tests/fuzz/run.sh "$PWD/target/debug/oa-cms" "${FUZZ_SECONDS:-120}"
