#!/usr/bin/env bash
# Measures how long the built server takes from launch until its SOAP services answer over HTTPS
# (the WSDL of the peer service is served) and the memory it then holds. Runs a scratch copy of the assembly on
# spare ports.
#   usage: karaf-assembly/boot-time.sh [runs]      (build first: mvn -B -ntp -DskipTests install)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
archive=$(ls "$here"/target/karaf-assembly-*.tar.gz 2>/dev/null | head -n 1)
[ -n "$archive" ] || { echo "no assembly in $here/target: run mvn -B -ntp -DskipTests install first" >&2; exit 1; }
runs=${1:-3}
work=$(mktemp -d)
trap 'pkill -f "karaf.base=$work" 2>/dev/null || true; rm -rf "$work"' EXIT

for run in $(seq 1 "$runs"); do
  rm -rf "$work"/*
  tar -xzf "$archive" -C "$work"
  base=$(ls -d "$work"/*/)
  sed -i 's/^sshPort *=.*/sshPort = 18201/' "$base/etc/org.apache.karaf.shell.cfg"
  sed -i 's/^rmiRegistryPort *=.*/rmiRegistryPort = 11199/; s/^rmiServerPort *=.*/rmiServerPort = 44545/' \
    "$base/etc/org.apache.karaf.management.cfg"
  printf 'org.osgi.service.http.port = 18481\n' > "$base/etc/org.ops4j.pax.web.cfg"
  sed -i 's/^tls.port *=.*/tls.port = 18443/' "$base/etc/org.wsemail.security.cfg"
  start=$(date +%s%N)
  "$base/bin/start" >/dev/null 2>&1
  until [ -f "$base/etc/wsemail-ca.pem" ] && curl -sf -o /dev/null --cacert "$base/etc/wsemail-ca.pem" \
      "https://127.0.0.1:18443/wsemail/peer?wsdl"; do
    if [ $(( ($(date +%s%N) - start) / 1000000000 )) -gt 120 ]; then echo "run $run: not up after 120 s" >&2; exit 1; fi
    sleep 0.1
  done
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  rss=$(ps -o rss= -p "$(cat "$base/karaf.pid" 2>/dev/null || pgrep -f "karaf.base=$base" | head -n 1)" 2>/dev/null || echo "?")
  echo "run $run: services answer $ms ms after launch; resident memory ${rss} KiB"
  "$base/bin/stop" >/dev/null 2>&1 || true
  while pgrep -f "karaf.base=${base%/}" >/dev/null; do sleep 0.2; done
done
