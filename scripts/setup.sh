#!/usr/bin/env bash
# Installs what the demo and the tests need, once: npm packages and the Temporal CLI.
# The Temporal CLI is built from its Go module into .tools/bin (git-ignored) when none is on
# PATH, and reused on later runs.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
tools="$root/.tools/bin"
mkdir -p "$tools"

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
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
  if ! command -v go >/dev/null 2>&1; then
    echo "setup: no 'temporal' on PATH and no Go toolchain to build it; install the Temporal CLI and retry" >&2
    exit 1
  fi
  echo "setup: building the Temporal CLI v1.5.1 with go install (first run only, a few minutes)…" >&2
  GOBIN="$tools" GOFLAGS=-buildvcs=false go install github.com/temporalio/cli/cmd/temporal@v1.5.1 >&2
fi
echo "$tools/temporal"
