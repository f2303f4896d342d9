#!/usr/bin/env bash
# polyglot-node.sh - runs the Java node program of the four-language test
# (tests/polyglot/README.md) from the compiled classes of this project:
#
#   polyglot-node.sh --name NAME --bind IP:PORT --lang LANG [--join IP:PORT]...
#
# Needs `mvn -B test-compile` (or `mvn -B test`) to have run in java/. The
# native library is taken from java.library.path, pointed at the one the
# build made. Java: $JAVA_HOME/bin/java when JAVA_HOME is set, else java.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
classes="$here/target/classes"
test_classes="$here/target/test-classes"
case "$(uname -m)" in
  x86_64|amd64) arch=x86_64 ;;
  aarch64|arm64) arch=aarch64 ;;
  *) arch="$(uname -m)" ;;
esac
native="$here/target/native-resources/native/linux-$arch"

if [ ! -f "$test_classes/dev/weftkit/wkd/PolyglotNode.class" ] || [ ! -f "$native/libwkd_jni.so" ]; then
  echo '{"ev":"error","message":"java/target is not built: run mvn -B test-compile in java/ first"}'
  exit 1
fi

java="java"
if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  java="$JAVA_HOME/bin/java"
fi

exec "$java" -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -Djava.library.path="$native" \
  -cp "$classes:$test_classes" \
  dev.weftkit.wkd.PolyglotNode "$@"
