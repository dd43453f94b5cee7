#!/usr/bin/env bash
# The test command: installs what the tests need when it is missing, then runs them all.
set -euo pipefail
cd "$(dirname "$0")"

cargo fmt --check
cargo clippy --all-targets --quiet -- -D warnings
cargo test --all-targets
