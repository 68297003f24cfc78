#!/usr/bin/env bash
# On-demand attachments, large: one server from the distribution (local.test, https://127.0.0.5:9443)
# with the on-demand-attachments plug-in; alice sends bob a file of SIZE MiB (default 200) with
# bin/wsemail send --attach, and bob fetches it with bin/wsemail fetch. While each transfer runs, the
# server's live heap is sampled (a full GC, then the heap's use, every second); the script prints the
# largest growth over the heap before the transfers, the time each took, and checks the file fetched
# is the file sent. The issue's bound: growth of at most 64 MB.
# Run from the repository after: mvn -B -ntp -DskipTests install
#   bash docs/attachments-bench.sh [size in MiB 200] [folder /tmp/wsemail-attachments-bench]
# KEEP=1 leaves the server running (stop with <folder>/local/bin/stop).
set -euo pipefail
archive=$(ls "$(cd "$(dirname "$0")" && pwd)"/../karaf-assembly/target/karaf-assembly-*.tar.gz)
size=${1:-200}
bed=${2:-/tmp/wsemail-attachments-bench}
password=bench-password-1
base=https://127.0.0.5:9443/wsemail
rm -rf "$bed" && mkdir -p "$bed/local"

tar -xzf "$archive" -C "$bed/local" --strip-components=1
etc="$bed/local/etc"
echo "domain = local.test" > "$etc/org.wsemail.server.cfg"
printf 'org.osgi.service.http.port = 8181\norg.ops4j.pax.web.listening.addresses = 127.0.0.5\n' > "$etc/org.ops4j.pax.web.cfg"
printf 'admin = bench-admin-password,_g_:admingroup\n_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n' >> "$etc/users.properties"
sed -i "s/^tls.port.*/tls.port = 9443/" "$etc/org.wsemail.security.cfg"
sed -i "s/^sshPort.*/sshPort = 9101/" "$etc/org.apache.karaf.shell.cfg"
printf 'base.url = %s\n' "$base" > "$etc/org.wsemail.plugins.ondemandattachments.cfg"

admin() {
  printf '%s\n' "$@" | "$bed/local/bin/client" -u admin -p bench-admin-password -a 9101 -r 30 -d 1 -b 2>&1 \
    | grep -v 'JAVA_HOME not set' || true
}
stop() { [ -n "${KEEP:-}" ] || "$bed/local/bin/stop" 2>/dev/null || true; }
trap stop EXIT

"$bed/local/bin/start" 2>/dev/null
started=$(date +%s)
until [ -f "$etc/wsemail-ca.pem" ] && curl -sf -o /dev/null --cacert "$etc/wsemail-ca.pem" \
    --resolve "local.test:9443:127.0.0.5" "https://local.test:9443/wsemail/peer?wsdl"; do
  [ $(( $(date +%s) - started )) -lt 180 ] || { echo "local.test did not come up" >&2; exit 1; }
  sleep 0.2
done
version=$(basename "$archive" | sed 's/^karaf-assembly-\(.*\)\.tar\.gz$/\1/')
(umask 077; echo "$password" > "$bed/users.password")
admin "wsemail:user-add --password-file $bed/users.password alice@local.test" \
  "wsemail:user-add --password-file $bed/users.password bob@local.test" \
  "wsemail:plugin-install mvn:org.wsemail.plugins/on-demand-attachments/$version" >/dev/null
until curl -sf -o /dev/null --cacert "$etc/wsemail-ca.pem" --resolve "local.test:9443:127.0.0.5" \
    "https://local.test:9443/wsemail/attachments?wsdl"; do
  [ $(( $(date +%s) - started )) -lt 240 ] || { echo "the attachments service did not come up" >&2; exit 1; }
  sleep 0.2
done

pid=$(cat "$bed/local/karaf.pid" 2>/dev/null || pgrep -f "karaf.base=$bed/local" | head -n 1)
live_kib() {  # the server's heap in use after a full GC, in KiB
  jcmd "$pid" GC.run >/dev/null
  jcmd "$pid" GC.heap_info | grep -o 'used [0-9]*K' | head -n 1 | tr -dc '0-9'
}
# The largest live heap (KiB) while process $1 runs, sampled every second.
watch_heap() {
  local max=0 now
  while kill -0 "$1" 2>/dev/null; do
    now=$(live_kib); [ "$now" -gt "$max" ] && max=$now
    sleep 1
  done
  echo "$max"
}

export WSEMAIL_PASSWORD=$password
client() { "$bed/local/bin/wsemail" --server "$base" --trust "$etc/wsemail-ca.pem" "$@"; }
head -c "$((size * 1024 * 1024))" /dev/urandom > "$bed/big.bin"
client --user alice@local.test inbox >/dev/null  # warm: the client's and the server's first request
baseline=$(live_kib)

t0=$(date +%s%N)
client --user alice@local.test send --to bob@local.test --subject "Big file" --body "attached" \
  --attach "$bed/big.bin" > "$bed/send.out" 2>&1 &
send_pid=$!
send_heap=$(watch_heap $send_pid)
wait $send_pid || { cat "$bed/send.out"; exit 1; }
t1=$(date +%s%N)
id=$(client --user bob@local.test inbox | awk '/Big file/ {print $1}' | tail -n 1)
until [ -n "$id" ]; do sleep 0.2; id=$(client --user bob@local.test inbox | awk '/Big file/ {print $1}' | tail -n 1); done
t2=$(date +%s%N)
client --user bob@local.test fetch "$id" big.bin --out "$bed/fetched.bin" > "$bed/fetch.out" 2>&1 &
fetch_pid=$!
fetch_heap=$(watch_heap $fetch_pid)
wait $fetch_pid || { cat "$bed/fetch.out"; exit 1; }
t3=$(date +%s%N)
cmp -s "$bed/big.bin" "$bed/fetched.bin" || { echo "the fetched file differs from the one sent" >&2; exit 1; }

ms() { echo $(( ($2 - $1) / 1000000 )); }
mibs() { awk -v s="$size" -v ms="$1" 'BEGIN { printf "%.1f", s / (ms / 1000) }'; }
send_ms=$(ms "$t0" "$t1"); fetch_ms=$(ms "$t2" "$t3")
echo "attachment: $size MiB; server heap after a full GC before the transfers: $((baseline / 1024)) MiB"
echo "send (upload + signed message):  ${send_ms} ms ($(mibs "$send_ms") MiB/s, client start-up included);" \
  "largest live heap growth $(( (send_heap - baseline) / 1024 )) MiB"
echo "fetch (checked against its SHA-256): ${fetch_ms} ms ($(mibs "$fetch_ms") MiB/s, client start-up included);" \
  "largest live heap growth $(( (fetch_heap - baseline) / 1024 )) MiB"
growth=$(( ( (send_heap > fetch_heap ? send_heap : fetch_heap) - baseline) / 1024 ))
if [ "$growth" -le 64 ]; then echo "within the bound of 64 MB: yes"; else echo "within the bound of 64 MB: NO ($growth MiB)"; fi
cat "$bed/fetch.out"
