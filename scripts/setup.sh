#!/usr/bin/env bash
# Installs what the demo and the tests need, once: npm packages and the Temporal CLI.
# The Temporal CLI goes into .tools/bin (git-ignored) when none is on PATH, and is reused on later
# runs: the official release archive, checksum-verified, else built with go install
# (scripts/install-temporal-cli.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tools="$root/.tools/bin"
mkdir -p "$tools"

# A symlinked node_modules belongs to another checkout (a git worktree sharing it): npm ci would
# empty that checkout's packages through the link, so leave it to its owner.
if [ -L node_modules ]; then
  echo "setup: node_modules is a link to $(readlink node_modules); not reinstalling it" >&2
elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci)…" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi

if [ -n "${TEMPORAL_CLI:-}" ] && [ -x "$TEMPORAL_CLI" ]; then
  :
elif [ -x "$tools/temporal" ]; then
  :
elif command -v temporal >/dev/null 2>&1; then
  ln -sf "$(command -v temporal)" "$tools/temporal"
else
  bash "$root/scripts/install-temporal-cli.sh" "$tools" >/dev/null
fi
echo "$tools/temporal"
