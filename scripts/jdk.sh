# Sourced by ./test, ./demo and .ci/run: finds a JDK 25+ and exports JAVA_HOME.
# Order: $JAVA_HOME if it is 25 or newer, else /usr/lib/jvm/temurin-25-jdk-amd64.
# Fails with a clear message when neither is a JDK 25+.

mp4j_java_feature() { # prints the feature version of the JDK at $1, or nothing
  local v
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1)
  printf '%s' "${v%%.*}"
}

mp4j_find_jdk() {
  local candidate feature
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
    [ -n "$candidate" ] || continue
    feature=$(mp4j_java_feature "$candidate")
    if [ -n "$feature" ] && [ "$feature" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "error: multiprocessing4j needs JDK 25 or newer." >&2
  echo "       JAVA_HOME is '${JAVA_HOME:-<unset>}' (feature version: ${JAVA_HOME:+$(mp4j_java_feature "$JAVA_HOME")})" >&2
  echo "       and /usr/lib/jvm/temurin-25-jdk-amd64 is not a JDK 25+." >&2
  echo "       Install a JDK 25 (for example Temurin 25) and set JAVA_HOME to it." >&2
  return 1
}

mp4j_find_jdk || exit 1
