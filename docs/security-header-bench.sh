#!/usr/bin/env bash
# A WS-Security header written the way it was before (a SAAJ tree, the header added by WS-Security's
# DOM implementation, then written out) against the way it is now (written as the message streams,
# WS-Security's streaming implementation, configured once), alternating in one JVM; prints
# microseconds of CPU and bytes per message for each round. Two kinds of messages:
#   answers:  a server's answer signed with Ed25519, the policy's Timestamp added (AnswerSigningBench)
#   requests: a client's request with a password login's UsernameToken and Timestamp (RequestHeaderBench)
# Run from the repository after: mvn -B -ntp -DskipTests install
#   bash docs/security-header-bench.sh <answers|requests> [messages per round 2000] [rounds 8]
# JAVA_OPTS gives the JVM options, e.g. JAVA_OPTS=-XX:TieredStopAtLevel=1 as docs/bench.sh runs its load tool.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
  answers) bench=AnswerSigningBench ;;
  requests) bench=RequestHeaderBench ;;
  *) echo "usage: bash docs/security-header-bench.sh <answers|requests> [messages per round] [rounds]" >&2; exit 2 ;;
esac
classpath=$(mktemp)
trap 'rm -f "$classpath"' EXIT
mvn -B -q -o test-compile dependency:build-classpath -pl bundles/wire -Dmdep.includeScope=test \
    -Dmdep.outputFile="$classpath" >/dev/null
# shellcheck disable=SC2086
java ${JAVA_OPTS:-} -cp "$(cat "$classpath"):bundles/wire/target/classes:bundles/wire/target/test-classes" \
    "org.wsemail.wire.security.$bench" "${2:-2000}" "${3:-8}" 2>&1 | grep -v '^SLF4J'
