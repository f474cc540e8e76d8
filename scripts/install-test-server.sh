#!/usr/bin/env bash
# Installs Temporal's time-skipping test server, once, into .tools (git-ignored), and reuses it:
# the Java SDK's io.temporal:temporal-test-server from Maven Central with its runtime jars in
# .tools/temporal-test-server/<version>/lib, and a launcher .tools/bin/temporal-test-server
# taking the port as its first argument (what TestWorkflowEnvironment.createTimeSkipping runs
# with `executable: { type: 'existing-path' }`). The SDK's own download of a native build is
# not reachable everywhere; Maven Central is. Needs Java 11+ and Maven (mvn) for the first run
# only; afterwards Java alone. Prints the launcher's path.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${TEMPORAL_TEST_SERVER_VERSION:-1.38.0}"
home="$root/.tools/temporal-test-server/$version"
launcher="$root/.tools/bin/temporal-test-server"
mkdir -p "$root/.tools/bin"

if [ ! -f "$home/lib/temporal-test-server-$version.jar" ]; then
  for tool in java mvn; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "install-test-server: '$tool' not found: the time-skipping test server needs Java 11+ and Maven to install (apt-get install default-jdk-headless maven)" >&2
      exit 1
    fi
  done
  echo "install-test-server: resolving io.temporal:temporal-test-server:$version with Maven (first run only)…" >&2
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  # A pom whose only job is to name the server, so Maven resolves its runtime dependencies.
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.bluegreen</groupId>
  <artifactId>temporal-test-server-runtime</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>$version</version>
    </dependency>
  </dependencies>
</project>
POM
  rm -rf "$home.partial"
  mvn -q -B -Dstyle.color=never -f "$work/pom.xml" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$home.partial/lib" >&2
  rm -rf "$home"
  mv "$home.partial" "$home"
fi

# Rewritten every run (cheap), so a version change reaches it. `exec`: the SDK stops the server
# by killing the process it started, which must be the JVM itself.
cat >"$launcher.tmp" <<LAUNCHER
#!/bin/sh
# Temporal's time-skipping test server $version (written by scripts/install-test-server.sh).
# Usage: temporal-test-server <port>
lib="\$(cd "\$(dirname "\$0")/../temporal-test-server/$version/lib" && pwd)" || exit 1
if [ -n "\${JAVA_HOME:-}" ]; then java="\$JAVA_HOME/bin/java"; else java=java; fi
exec "\$java" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "\$lib/*" io.temporal.testserver.TestServer "\$@"
LAUNCHER
chmod +x "$launcher.tmp"
mv "$launcher.tmp" "$launcher"
echo "$launcher"
