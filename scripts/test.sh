#!/usr/bin/env bash
# The whole test suite: installs what it needs (npm packages, the Temporal CLI, the time-skipping
# test server, the tools the production-kit tests use), type-checks, lints (eslint), checks the formatting (prettier), then
# runs vitest against a real Temporal dev server and the lab. The first three fail the run before
# any test starts, each with a line "test: FAILED: <step>: <what to do>". Ends with one summary line "Tests: N passed, N failed, N skipped".
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash scripts/setup.sh >/dev/null || exit 1
if [ -f scripts/install-tools.sh ]; then bash scripts/install-tools.sh --with-compose >&2 || echo "test: some optional tools could not be installed; their tests say so" >&2; fi
echo "test: tsc --noEmit" >&2
npx tsc --noEmit || { echo "test: FAILED: tsc --noEmit (type errors above)" >&2; exit 1; }
echo "test: eslint (npm run lint)" >&2
npx eslint . || { echo "test: FAILED: eslint found the errors above (eslint.config.js says why each rule is on)" >&2; exit 1; }
echo "test: prettier --check (npm run format:check)" >&2
npx prettier --check . >/dev/null || {
  echo "test: FAILED: prettier: the files listed above are not formatted; run npm run format (or npx prettier --write <files>)" >&2
  exit 1
}
mkdir -p test-results
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
status=$?
node -e '
  const r = require("./test-results/vitest.json");
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' 2>/dev/null || echo "Tests: 0 passed, 1 failed (no vitest report)"
exit $status
