#!/usr/bin/env bash
# Command-line start-up: one server from the distribution (local.test, https://127.0.0.5:9443) and
# RUNS timed runs of `bin/wsemail inbox` each way: in its own process (WSEMAIL_AGENT=off), and through
# the warm client (the agent, started by the first command and then kept), and RUNS of the
# administrator's bin/client with one shell command. Prints the wall time of each run and the
# median of each way. The issue's bound: at most 1.5 s for a simple command.
# Run from the repository after: mvn -B -ntp -DskipTests install
#   bash docs/cli-startup.sh [runs 5] [folder /tmp/wsemail-cli-startup]
# ARCHIVE=<distribution .tar.gz> measures another build (a copy of an earlier one, for an A/B run).
set -euo pipefail
archive=${ARCHIVE:-$(ls "$(cd "$(dirname "$0")" && pwd)"/../karaf-assembly/target/karaf-assembly-*.tar.gz)}
runs=${1:-5}
bed=${2:-/tmp/wsemail-cli-startup}
password=cli-password-1
rm -rf "$bed" && mkdir -p "$bed/local"
tar -xzf "$archive" -C "$bed/local" --strip-components=1
etc="$bed/local/etc"
echo "domain = local.test" > "$etc/org.wsemail.server.cfg"
printf 'org.osgi.service.http.port = 8181\norg.ops4j.pax.web.listening.addresses = 127.0.0.5\n' > "$etc/org.ops4j.pax.web.cfg"
printf 'admin = cli-admin-password,_g_:admingroup\n_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n' >> "$etc/users.properties"
sed -i "s/^tls.port.*/tls.port = 9443/" "$etc/org.wsemail.security.cfg"
sed -i "s/^sshPort.*/sshPort = 9101/" "$etc/org.apache.karaf.shell.cfg"
wsemail() { "$bed/local/bin/wsemail" --server https://127.0.0.5:9443/wsemail --user alice@local.test --trust "$etc/wsemail-ca.pem" "$@"; }
stop() { "$bed/local/bin/wsemail" agent-stop >/dev/null 2>&1 || true; "$bed/local/bin/stop" 2>/dev/null || true; }
trap stop EXIT

"$bed/local/bin/start" 2>/dev/null
started=$(date +%s)
until [ -f "$etc/wsemail-ca.pem" ] && curl -sf -o /dev/null --cacert "$etc/wsemail-ca.pem" \
    --resolve "local.test:9443:127.0.0.5" "https://local.test:9443/wsemail/peer?wsdl"; do
  [ $(( $(date +%s) - started )) -lt 180 ] || { echo "local.test did not come up" >&2; exit 1; }
  sleep 0.2
done
(umask 077; echo "$password" > "$bed/users.password")
printf '%s\n' "wsemail:user-add --password-file $bed/users.password alice@local.test" \
  | "$bed/local/bin/client" -u admin -p cli-admin-password -a 9101 -r 30 -d 1 -b >/dev/null 2>&1
export WSEMAIL_PASSWORD=$password
until WSEMAIL_AGENT=off wsemail inbox >/dev/null 2>&1; do sleep 0.5; done  # the user can log in

ms() { local start end; start=$(date +%s%N); "$@" >/dev/null; end=$(date +%s%N); echo $(( (end - start) / 1000000 )); }
median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
for way in own agent; do
  [ $way = own ] && export WSEMAIL_AGENT=off || unset WSEMAIL_AGENT
  times=()
  for _ in $(seq "$runs"); do times+=("$(ms wsemail inbox)"); done
  if [ $way = own ]; then label="in its own process"; else label="through the agent (the first run starts it)"; fi
  echo "bin/wsemail inbox $label: ${times[*]} ms; median $(printf '%s\n' "${times[@]}" | median) ms"
done
shell() { echo "wsemail:user-list --no-format" | "$bed/local/bin/client" -u admin -p cli-admin-password -a 9101 -r 30 -d 1 -b; }
times=()
for _ in $(seq "$runs"); do times+=("$(ms shell)"); done
echo "bin/client (the administrator's shell, one command): ${times[*]} ms; median $(printf '%s\n' "${times[@]}" | median) ms"
