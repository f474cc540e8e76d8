#!/usr/bin/env bash
# The demo: installs what it needs, then runs a full deployment on the embedded lab.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh >/dev/null
exec node --import tsx scripts/demo.ts "$@"
