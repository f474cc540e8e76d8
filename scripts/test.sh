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
# The three checks are independent: they run side by side (each its own output, shown in this
# order), and the first that failed stops the run before any test starts.
checks="$(mktemp -d)"
set -m # each check in a process group of its own, so a stop ends npx's children too
trap 'for pid in $tsc $eslint $prettier; do kill -- -"$pid" 2>/dev/null; done; rm -rf "$checks"' EXIT
tsc='' eslint='' prettier=''
npx tsc --noEmit >"$checks/tsc" 2>&1 &
tsc=$!
npx eslint . >"$checks/eslint" 2>&1 &
eslint=$!
npx prettier --check . >"$checks/prettier" 2>&1 &
prettier=$!
echo "test: tsc --noEmit" >&2
wait $tsc || { cat "$checks/tsc"; echo "test: FAILED: tsc --noEmit (type errors above)" >&2; exit 1; }
echo "test: eslint (npm run lint)" >&2
wait $eslint || { cat "$checks/eslint"; echo "test: FAILED: eslint found the errors above (eslint.config.js says why each rule is on)" >&2; exit 1; }
echo "test: prettier --check (npm run format:check)" >&2
wait $prettier || {
  grep -v '^Checking formatting' "$checks/prettier" >&2
  echo "test: FAILED: prettier: the files listed above are not formatted; run npm run format (or npx prettier --write <files>)" >&2
  exit 1
}
set +m
mkdir -p test-results
npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json "$@"
status=$?
node -e '
  const r = require("./test-results/vitest.json");
  const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
' 2>/dev/null || echo "Tests: 0 passed, 1 failed (no vitest report)"
exit $status
