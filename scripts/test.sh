#!/usr/bin/env bash
# The whole test suite: installs what it needs (npm packages, the Temporal CLI, the tools the
# production-kit tests use), type-checks, then runs vitest against a real Temporal dev server
# and the lab. Ends with one summary line "Tests: N passed, N failed, N skipped".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh >/dev/null || exit 1
if [ -f scripts/install-tools.sh ]; then bash scripts/install-tools.sh --with-compose >&2 || echo "test: some optional tools could not be installed; their tests say so" >&2; fi
echo "test: tsc --noEmit" >&2
npx tsc --noEmit || exit 1
mkdir -p test-results
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
status=$?
node -e '
  const r = require("./test-results/vitest.json");
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' 2>/dev/null || echo "Tests: 0 passed, 1 failed (no vitest report)"
exit $status
