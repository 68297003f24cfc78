#!/usr/bin/env bash
# A server's answer signature, the way answers were signed before (a SAAJ tree signed by
# WS-Security's DOM implementation, then written out) against the way they are now (signed as they
# are written, WS-Security's streaming implementation), alternating in one JVM; prints microseconds
# of CPU and bytes per answer for each round (bundles/wire/src/test/.../AnswerSigningBench.java).
# Run from the repository after: mvn -B -ntp -DskipTests install
#   bash docs/answer-signing-bench.sh [answers per round 2000] [rounds 8]
set -euo pipefail
cd "$(dirname "$0")/.."
classpath=$(mktemp)
trap 'rm -f "$classpath"' EXIT
mvn -B -q -o test-compile dependency:build-classpath -pl bundles/wire -Dmdep.includeScope=test \
    -Dmdep.outputFile="$classpath" >/dev/null
java -cp "$(cat "$classpath"):bundles/wire/target/classes:bundles/wire/target/test-classes" \
    org.wsemail.wire.security.AnswerSigningBench "${1:-2000}" "${2:-8}" 2>&1 | grep -v '^SLF4J'
