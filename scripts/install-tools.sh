#!/usr/bin/env bash
# Installs the developer tools the production-kit tests use, once, into .tools/bin
# (git-ignored), and reuses them afterwards:
#   actionlint       lints the GitHub Actions templates in examples/github-workflows
#                    (go install; skipped when one is already on PATH or in .tools/bin)
#   docker-compose   only with --with-compose: Docker Compose v2+ built from its Go module,
#                    to check docker-compose.yml on machines whose docker has no compose plugin
#   knot             Debian's Knot DNS, the authoritative server of the DNS tests and demo
#   prometheus       Debian's Prometheus, scraping the lab's apps in the metric-analysis tests
#                    and `npm run demo -- --metrics` (lab/prometheus.ts starts it per test)
#   haproxy          Debian's HAProxy, the load balancer of the haproxy switch tests, driven
#                    through its Runtime API socket (lab/haproxy.ts starts it per test)
#   moto_server      moto in server mode (PyPI `moto[server]`), the AWS API emulator the alb
#                    and route53 switch tests talk to with the real AWS SDK (lab/moto.ts); in
#                    a virtualenv of its own, .tools/moto, with its launcher in .tools/bin
#   temporal-test-server  Temporal's time-skipping test server (Java, from Maven Central) for the
#                    fast workflow tests (test/*-timeskip.test.ts): scripts/install-test-server.sh;
#                    where it cannot be installed those tests fail and say how to install it
#   chromium, tmux   Debian packages for the Web UI test (a real browser driven by
#                    playwright-core) and the TTY test of `status --watch`; installed with apt
#                    only when missing and when running as root with apt-get available
#                    (otherwise a note says how to get them; those tests then skip)
# Prints the path of each tool it provides, one per line.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$root/.tools/bin"
mkdir -p "$tools"

actionlint_version="${ACTIONLINT_VERSION:-v1.7.12}"
compose_version="${COMPOSE_VERSION:-v5.6.0}"
with_compose=false
for arg in "$@"; do
  case "$arg" in
    --with-compose) with_compose=true ;;
    *) echo "install-tools: unknown option $arg (known: --with-compose)" >&2; exit 2 ;;
  esac
done

need_go() {
  if ! command -v go >/dev/null 2>&1; then
    echo "install-tools: $1 is not installed and there is no Go toolchain to build it; install $1 (or Go) and retry" >&2
    exit 1
  fi
}

if [ -x "$tools/actionlint" ]; then
  echo "$tools/actionlint"
elif command -v actionlint >/dev/null 2>&1; then
  command -v actionlint
else
  need_go actionlint
  echo "install-tools: building actionlint $actionlint_version with go install (first run only)…" >&2
  GOBIN="$tools" GOFLAGS=-buildvcs=false go install "github.com/rhysd/actionlint/cmd/actionlint@$actionlint_version" >&2
  echo "$tools/actionlint"
fi

bash "$root/scripts/install-test-server.sh" ||
  echo "install-tools: the time-skipping test server could not be installed (needs Java and Maven); test/*-timeskip.test.ts will fail until it is" >&2

# Debian packages: a missing one is installed when we may (root + apt-get), never with sudo.
missing_pkgs=()
command -v chromium >/dev/null 2>&1 || missing_pkgs+=(chromium)
command -v tmux >/dev/null 2>&1 || missing_pkgs+=(tmux)
# Knot DNS: the authoritative server the DNS tests and `npm run demo -- --switch dns` start.
command -v knotd >/dev/null 2>&1 || [ -x /usr/sbin/knotd ] || missing_pkgs+=(knot)
# Prometheus: the metric-analysis tests and `npm run demo -- --metrics` scrape the lab with it.
command -v prometheus >/dev/null 2>&1 || missing_pkgs+=(prometheus)
# HAProxy: the haproxy switch tests send real HTTP traffic through it.
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing_pkgs+=(haproxy)
if [ "${#missing_pkgs[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "install-tools: installing ${missing_pkgs[*]} with apt-get (first run only)…" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}"; } >&2 ||
      echo "install-tools: apt-get could not install ${missing_pkgs[*]}; the browser, TTY, DNS, metric and HAProxy tests will skip" >&2
  else
    echo "install-tools: ${missing_pkgs[*]} not installed (needs root and apt-get); install them to run the browser, TTY, DNS, metric and HAProxy tests" >&2
  fi
fi
command -v chromium >/dev/null 2>&1 && command -v chromium
command -v tmux >/dev/null 2>&1 && command -v tmux
command -v prometheus >/dev/null 2>&1 && command -v prometheus
if command -v haproxy >/dev/null 2>&1; then command -v haproxy; elif [ -x /usr/sbin/haproxy ]; then echo /usr/sbin/haproxy; fi

# moto in server mode: a virtualenv of its own under .tools (no system Python packages touched).
moto_version="${MOTO_VERSION:-5.2.5}"
if [ -x "$tools/moto_server" ]; then
  echo "$tools/moto_server"
elif command -v python3 >/dev/null 2>&1; then
  echo "install-tools: installing moto[server] $moto_version into .tools/moto (first run only)…" >&2
  # The venv's scripts name its python by absolute path: build it where .tools really is.
  venv="$(cd "$root/.tools" && pwd -P)/moto"
  if { python3 -m venv "$venv" &&
    "$venv/bin/pip" install -q --disable-pip-version-check "moto[server]==$moto_version"; } >&2; then
    ln -sfn ../moto/bin/moto_server "$tools/moto_server"
    echo "$tools/moto_server"
  else
    echo "install-tools: pip could not install moto[server]; the alb and route53 switch tests will skip" >&2
  fi
else
  echo "install-tools: no python3 to install moto[server] with; the alb and route53 switch tests will skip" >&2
fi

if [ "$with_compose" = true ]; then
  if docker compose version >/dev/null 2>&1; then
    echo "docker compose"
  elif [ -x "$tools/docker-compose" ]; then
    echo "$tools/docker-compose"
  else
    need_go docker-compose
    echo "install-tools: building Docker Compose $compose_version from its Go module (first run only, a few minutes)…" >&2
    # `go install pkg@version` refuses modules with replace/exclude directives, as compose's has:
    # build inside a copy of the module instead.
    module_dir="$(go mod download -json "github.com/docker/compose/v5@$compose_version" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    cp -R "$module_dir/." "$work/"
    chmod -R u+w "$work"
    (cd "$work" && GOFLAGS=-buildvcs=false go build -trimpath \
      -ldflags "-s -w -X github.com/docker/compose/v5/internal.Version=$compose_version" \
      -o "$tools/docker-compose" ./cmd) >&2
    echo "$tools/docker-compose"
  fi
fi
