#!/usr/bin/env bash
# The delivery benchmark in one command. Installs wrk when missing, builds the release
# binary and the benchmark's helpers (ceiling server, seeder, writers), then runs every case.
#   bench/run.sh [--items 1000,100000] [--duration 15] [--backends sqlite,postgres] [--cases item,list]
#                [--sqlite-synchronous full|normal]
# --sqlite-synchronous is passed to the server (default full, as the server's own default);
# compare e.g. `--cases admin_save --sqlite-synchronous normal` against the same with full.
# PostgreSQL runs too when DATABASE_URL or TEST_DATABASE_URL is set (a database per size).
# Datasets are kept in bench/data (and oa_bench_<N> databases) and reused; --fresh reseeds.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v wrk >/dev/null; then
    echo "installing wrk" >&2
    if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq wrk >/dev/null
    else sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null; fi
fi

cargo build --release --quiet --bin oa-cms \
    --example ceiling --example bench_seed --example bench_writers

exec python3 bench/bench.py "$@"
