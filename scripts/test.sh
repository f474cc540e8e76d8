#!/usr/bin/env bash
# The whole test suite: installs what it needs (npm packages, the Temporal CLI, actionlint),
# type-checks, then runs vitest against a real Temporal dev server and the lab.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh >/dev/null
[ -f scripts/install-tools.sh ] && bash scripts/install-tools.sh >&2 || true
echo "typecheck: tsc --noEmit" >&2
npx tsc --noEmit
exec npx vitest run "$@"
