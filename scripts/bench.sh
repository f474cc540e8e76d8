#!/usr/bin/env bash
# `npm run bench [-- --quick] [--only overhead,reaction,rollback,switch-rollback,progressive,metric-rollback,api-budget,history-size,analysis-history,scale,train]`:
# installs what it needs (npm packages, the Temporal CLI), then runs the benchmarks on a Temporal
# dev server and a lab of their own (loopback only) and writes BENCHMARKS.md. About 15–20 minutes;
# --quick takes about 6 with fewer repetitions and smaller sizes. --only re-runs those sections and
# replaces only their text and summary rows in BENCHMARKS.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh >/dev/null
exec npx tsx bench/main.ts "$@"
