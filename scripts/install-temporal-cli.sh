#!/usr/bin/env bash
# Installs the Temporal CLI into the directory given (default .tools/bin): first the official
# release archive for this platform, verified against the release's published checksums.txt
# (seconds); when that cannot be had — no network to GitHub, an unknown platform, a checksum that
# does not match — `go install` of the same version (minutes; the path on machines that reach
# only package registries).
#   TEMPORAL_CLI_VERSION            default 1.5.1
#   TEMPORAL_CLI_RELEASES_URL       default https://github.com/temporalio/cli/releases/download
#   TEMPORAL_CLI_CONNECT_TIMEOUT    seconds to reach the release host, default 5
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$root/.tools/bin}"
version="${TEMPORAL_CLI_VERSION:-1.5.1}"
releases="${TEMPORAL_CLI_RELEASES_URL:-https://github.com/temporalio/cli/releases/download}"
connect_timeout="${TEMPORAL_CLI_CONNECT_TIMEOUT:-5}"
mkdir -p "$dest"

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1; else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

from_release() {
  local os arch archive work expected actual
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) echo "install-temporal-cli: no release archive for $(uname -s)" >&2; return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "install-temporal-cli: no release archive for $(uname -m)" >&2; return 1 ;;
  esac
  command -v curl >/dev/null 2>&1 || { echo "install-temporal-cli: no curl to download the release" >&2; return 1; }
  archive="temporal_cli_${version}_${os}_${arch}.tar.gz"
  work="$(mktemp -d)"
  # shellcheck disable=SC2064 # expand now: $work is local
  trap "rm -rf '$work'" RETURN
  echo "install-temporal-cli: downloading $releases/v$version/$archive…" >&2
  if ! curl -fsSL --connect-timeout "$connect_timeout" --max-time 600 -o "$work/checksums.txt" "$releases/v$version/checksums.txt" ||
    ! curl -fsSL --connect-timeout "$connect_timeout" --max-time 600 -o "$work/$archive" "$releases/v$version/$archive"; then
    echo "install-temporal-cli: the release is out of reach" >&2
    return 1
  fi
  expected="$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1 }' "$work/checksums.txt")"
  actual="$(sha256 "$work/$archive")"
  if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
    echo "install-temporal-cli: $archive does not match checksums.txt (expected ${expected:-no entry}, got $actual): not installed" >&2
    return 1
  fi
  tar -xzf "$work/$archive" -C "$work" temporal
  install -m 0755 "$work/temporal" "$dest/temporal"
  echo "install-temporal-cli: Temporal CLI $version ($os/$arch, sha256 verified) in $dest" >&2
}

from_go() {
  if ! command -v go >/dev/null 2>&1; then
    echo "install-temporal-cli: no release archive and no Go toolchain to build the Temporal CLI; install it (https://docs.temporal.io/cli) and retry" >&2
    return 1
  fi
  echo "install-temporal-cli: building the Temporal CLI v$version with go install (a few minutes)…" >&2
  GOBIN="$dest" GOFLAGS=-buildvcs=false go install "github.com/temporalio/cli/cmd/temporal@v$version" >&2
}

from_release || {
  echo "install-temporal-cli: falling back to go install" >&2
  from_go
}
echo "$dest/temporal"
