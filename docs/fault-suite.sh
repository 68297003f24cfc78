#!/usr/bin/env bash
# The fault suite at length: the tests of docs/RELIABILITY.md with 20 rounds of kill -9 under send
# load (CI runs 5): two nodes on PostgreSQL (SeveralNodesIT) and one node on Derby (DerbyFaultsIT).
# Run from the repository after: mvn -B -ntp -DskipTests install
#   bash docs/fault-suite.sh [rounds 20]
# Each round prints a line: messages accepted, found once, sends refused while the node was down.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
mvn -B -ntp -o verify -pl itests -Dit.test='SeveralNodesIT,DerbyFaultsIT' -Dwsemail.fault.rounds="$rounds"
grep -h -E 'round|restart|spread|full disk' itests/target/failsafe-reports/*SeveralNodesIT-output.txt \
  itests/target/failsafe-reports/*DerbyFaultsIT-output.txt
