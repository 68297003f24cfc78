#!/usr/bin/env bash
# The paper's test bed (section 5) on one machine, from one command: a local server (local.test,
# https://127.0.0.5:9443) and an external one (external.test, https://127.0.0.6:9444), each from the
# distribution with its own demo CA, trusting each other; bench users at the local server; the
# load tool sending the paper's mix, every send also to a user at the external server, while that
# server sends one message a second to each bench user. Prints the figures (bin/wsemail bench), the
# server-to-server traffic (the paper's Table 2), the CPU each process spent, in all and per request
# (the servers' during the run and until their queues are empty, when the run's mail is delivered;
# by thread family, and by operation as each server measured it: wsemail:request-cpu), the local
# server's heap after the run, and how long each server took from launch to its first
# accepted request.
# Run from the repository after: mvn -B -ntp -DskipTests install
#   bash docs/bench.sh [clients 4] [requests per client 2000] [folder /tmp/wsemail-bench] [extra bench options...]
# Instant messages (the paper's SendIM) with 100 clients online, push latency p50/p99:
#   bash docs/bench.sh 4 500 /tmp/wsemail-bench --mix sendim=100 --im-listeners 100 --warmup 100
# (each client first makes 1000 warm-up requests that are not counted, so that both servers and the
# load tool have compiled their hot code; --warmup 0 to count all)
# ROUNDS=n runs the load n times against the same two servers and prints the figures of each round
# (the first includes the servers' start-up compiling; each round prints its CPU by thread family;
# bench-round<n>.json and .png in the folder).
# LOAD_JVM="<options>" gives the load tool's JVM other options than C1-only compiling ("" for none).
# KEEP=1 leaves the servers running (stop with <folder>/{local,external}/bin/stop).
# ARCHIVE=<distribution .tar.gz> benchmarks another build (a copy of an earlier one, for an A/B run).
set -euo pipefail
archive=${ARCHIVE:-$(ls "$(cd "$(dirname "$0")" && pwd)"/../karaf-assembly/target/karaf-assembly-*.tar.gz)}
clients=${1:-4}
requests=${2:-2000}
bed=${3:-/tmp/wsemail-bench}
shift $(( $# < 3 ? $# : 3 ))
password=bench-password-1
rm -rf "$bed" && mkdir -p "$bed"

cat > "$bed/wsemail.zone" <<ZONE
_wsemail._tcp.local.test.    300 IN SRV 10 0 9443 mail.local.test.
_wsemail._tcp.external.test. 300 IN SRV 10 0 9444 mail.external.test.
mail.local.test.             300 IN A   127.0.0.5
mail.external.test.          300 IN A   127.0.0.6
ZONE

declare -A ip=([local]=127.0.0.5 [external]=127.0.0.6) port=([local]=9443 [external]=9444) \
  ssh=([local]=9101 [external]=9102) rmi=([local]=9099 [external]=9098) rmis=([local]=44451 [external]=44452)
for s in local external; do
  mkdir "$bed/$s" && tar -xzf "$archive" -C "$bed/$s" --strip-components=1
  etc="$bed/$s/etc"
  echo "domain = $s.test" > "$etc/org.wsemail.server.cfg"
  printf 'org.osgi.service.http.port = 8181\norg.ops4j.pax.web.listening.addresses = %s\n' "${ip[$s]}" > "$etc/org.ops4j.pax.web.cfg"
  # Both servers are on loopback addresses, which a server refuses to deliver to unless allowed.
  printf 'zone.file = %s\nuse.nameservers = false\nallow.private.targets = true\n' "$bed/wsemail.zone" > "$etc/org.wsemail.dns.cfg"
  # The load is the paper's: far more mail an hour than a user may send by default.
  printf 'hourly.recipients = 0\nhourly.mib = 0\n' > "$etc/org.wsemail.endpoint.cfg"
  printf 'admin = bench-admin-password,_g_:admingroup\n_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n' >> "$etc/users.properties"
  sed -i "s/^tls.port.*/tls.port = ${port[$s]}/" "$etc/org.wsemail.security.cfg"
  sed -i "s/^sshPort.*/sshPort = ${ssh[$s]}/" "$etc/org.apache.karaf.shell.cfg"
  sed -i "s/^rmiRegistryPort.*/rmiRegistryPort = ${rmi[$s]}/; s/^rmiServerPort.*/rmiServerPort = ${rmis[$s]}/" \
    "$etc/org.apache.karaf.management.cfg"
done

admin() {  # admin <local|external> <command>...: Karaf shell commands over SSH
  local s=$1; shift
  printf '%s\n' "$@" | "$bed/local/bin/client" -u admin -p bench-admin-password -a "${ssh[$s]}" -r 30 -d 1 -b 2>&1 \
    | grep -v 'JAVA_HOME not set' || true
}
now() { date +%s%N; }

declare -A launched answered
for s in local external; do launched[$s]=$(now); "$bed/$s/bin/start" 2>/dev/null; done
for s in local external; do
  until [ -f "$bed/$s/etc/wsemail-ca.pem" ] && curl -sf -o /dev/null --cacert "$bed/$s/etc/wsemail-ca.pem" \
      --resolve "$s.test:${port[$s]}:${ip[$s]}" "https://$s.test:${port[$s]}/wsemail/peer?wsdl"; do
    [ $(( ($(now) - launched[$s]) / 1000000000 )) -lt 180 ] || { echo "$s.test did not come up" >&2; exit 1; }
    sleep 0.1
  done
  answered[$s]=$(now)
done
cat "$bed/local/etc/wsemail-ca.pem" "$bed/external/etc/wsemail-ca.pem" > "$bed/both-cas.pem"
users=$(seq -s, -f "bench%g@local.test" 1 "$clients")
commands=("wsemail:trust-add $bed/external/etc/wsemail-ca.pem")
(umask 077; echo "$password" > "$bed/users.password")  # never on a command line
for u in ${users//,/ }; do commands+=("wsemail:user-add --password-file $bed/users.password $u"); done
# With --im-listeners N among the extra options: N users who are online for instant messages, one client each.
im_listeners=$(printf '%s\n' "$@" | grep -A1 -x -- '--im-listeners' | tail -n 1 || true)
im_options=()
if [ -n "$im_listeners" ] && [ "$im_listeners" -gt 0 ]; then
  im_users=$(seq -s, -f "im%g@local.test" 1 "$im_listeners")
  for u in ${im_users//,/ }; do commands+=("wsemail:user-add --password-file $bed/users.password $u"); done
  im_options=(--im-users "$im_users")
fi
# Instant messaging (the mix's sendim), pushing to the load tool's clients on this host's loopback.
version=$(ls "$bed/local/system/org/wsemail/plugins/instant-messaging")  # the distribution carries the plug-in
commands+=("config:edit org.wsemail.plugins.instantmessaging" "config:property-set allow.private.targets true"
  "config:property-set max.clients.per.user 200" "config:update"
  "wsemail:plugin-install mvn:org.wsemail.plugins/instant-messaging/$version")
admin local "${commands[@]}"
admin external "wsemail:user-add --password-file $bed/users.password load@external.test" \
  "wsemail:user-add --password-file $bed/users.password sink@external.test" "wsemail:trust-add $bed/local/etc/wsemail-ca.pem"
export WSEMAIL_PASSWORD=$password
for s in local external; do  # launch to the first request a user could make and have accepted
  user=$([ $s = local ] && echo bench1@local.test || echo load@external.test)
  until "$bed/local/bin/wsemail" --server "https://${ip[$s]}:${port[$s]}/wsemail" --user "$user" \
      --trust "$bed/both-cas.pem" inbox >/dev/null 2>&1; do
    [ $(( ($(now) - launched[$s]) / 1000000000 )) -lt 180 ] || { echo "$user cannot log in at $s.test" >&2; exit 1; }
    sleep 0.1
  done
  first=$(now)
  # Karaf goes on installing its boot features after the services answer; measure after that.
  until admin $s "service:list org.apache.karaf.features.BootFinished" | grep -q BootFinished; do sleep 0.5; done
  echo "$s.test: services answer $(( (answered[$s] - launched[$s]) / 1000000 )) ms after launch, first accepted" \
    "request $(( (first - launched[$s]) / 1000000 )) ms (users added over SSH in between), boot over" \
    "$(( ($(now) - launched[$s]) / 1000000 )) ms"
done

traffic() { admin "$1" "wsemail:peer-traffic" | grep '^relayed' | tr -cs '0-9' ' '; }
pid() { cat "$bed/$1/karaf.pid" 2>/dev/null || pgrep -f "karaf.base=$bed/$1" | head -n 1; }
ticks() { awk '{print $14 + $15}' "/proc/$(pid "$1")/stat"; }  # CPU time of a server, in clock ticks
# CPU seconds of this shell's finished children, from what `times` (run in this shell) wrote to file $1
children() { tail -n 1 "$1" | tr 'ms' '  ' | awk '{print ($1 * 60 + $2) + ($3 * 60 + $4)}'; }
# CPU ticks of each thread of a server, one line each: "tid user system family". A thread's family is
# its name with numbers as #, the JIT compilers, the garbage collector and the VM's own threads each
# taken together (the kernel keeps 15 characters of a name).
thread_ticks() {
  local dir line comm rest
  for dir in /proc/"$(pid "$1")"/task/*; do
    line=$(cat "$dir/stat" 2>/dev/null) || continue
    comm=${line#*(}; comm=${comm%)*}; read -r -a rest <<< "${line##*) }"
    case $comm in
      C[12]\ CompilerThre*) comm="JIT compilers" ;;
      GC\ Thread*|G1\ *) comm="garbage collector" ;;
      VM\ *|Service\ Thread|Monitor\ Deflati|Sweeper\ thread) comm="JVM (VM thread, sweeper...)" ;;
    esac
    echo "${dir##*/} ${rest[11]} ${rest[12]} $(echo "$comm" | sed 's/[0-9][0-9]*/#/g')"
  done
}
hz=$(getconf CLK_TCK)
# Per request: the run's requests and the warm-up's (the last --warmup given wins, 1000 by default).
warmup=1000
previous=""
for option in "$@"; do
  [ "$previous" = "--warmup" ] && warmup=$option
  previous=$option
done
total=$(( clients * (requests + warmup) ))
extra=("$@")  # the options for bench, for each round
cpu_since() { awk -v t="$(( $(ticks "$1") - $2 ))" -v hz="$hz" 'BEGIN {printf "%.1f", t / hz}'; }  # seconds

# The load tool is a short-lived client: its JVM compiles with C1 only (LOAD_JVM="" for the JVM's
# default, C1 and C2): in a run of 6,000 sends that cut its compiling from 45 to 6 s and its CPU
# per send by a quarter to a third, leaving more of the two cores to the servers (docs/PERFORMANCE.md).
load_jvm=${LOAD_JVM--XX:TieredStopAtLevel=1}
queued() { admin "$1" "wsemail:queue-list --no-format" | grep -cE '^[[:space:]]*[0-9]+[[:space:]]' || true; }
# The server's sums of CPU by endpoint and operation: endpoint, operation, answered, ms in all, reading
# and checks, service, answer, faults, ms of faults (one line each).
request_cpu() { admin "$1" "wsemail:request-cpu --totals --no-format" | awk 'NF == 9 && $3 ~ /^[0-9]+$/' || true; }
# One round: the load, then the CPU of each process (the servers' until their queues are empty, in all,
# by thread family and by operation), then the server-to-server traffic. $1: the round, for the files it writes.
measure_round() {
  local suffix="" s before_local load_cpu local_cpu external_cpu ended local_all external_all
  [ "${ROUNDS:-1}" -gt 1 ] && suffix="-round$1"
  before_local=$(traffic local)
  thread_ticks local > "$bed/threads-local.before"; thread_ticks external > "$bed/threads-external.before"
  request_cpu local > "$bed/request-cpu-local.before"; request_cpu external > "$bed/request-cpu-external.before"
  declare -A cpu_before=([local]=$(ticks local) [external]=$(ticks external)); times > "$bed/times.before"
  set +e
  JAVA_TOOL_OPTIONS="$load_jvm" "$bed/local/bin/wsemail" --server https://127.0.0.5:9443/wsemail --user bench1@local.test \
    --trust "$bed/both-cas.pem" bench --threads "$clients" --requests "$requests" --users "$users" --to sink@external.test \
    --load-from load@external.test --load-server https://127.0.0.6:9444/wsemail \
    --warmup 1000 --json "$bed/bench$suffix.json" --histogram "$bed/bench$suffix.png" "${im_options[@]}" "${extra[@]}" \
  || status=$?
  set -e
  times > "$bed/times.after"
  load_cpu=$(awk -v a="$(children "$bed/times.after")" -v b="$(children "$bed/times.before")" 'BEGIN {printf "%.1f", a - b}')
  local_cpu=$(cpu_since local "${cpu_before[local]}"); external_cpu=$(cpu_since external "${cpu_before[external]}")
  echo "CPU during the run (warm-up included): load tool ${load_cpu} s, local.test ${local_cpu} s, external.test ${external_cpu} s"
  echo "CPU per request, over the $total requests of run and warm-up: $(awk -v l="$load_cpu" -v a="$local_cpu" \
    -v e="$external_cpu" -v n="$total" 'BEGIN {printf "load tool %.2f ms, local.test %.2f ms, external.test %.2f ms", \
    l * 1000 / n, a * 1000 / n, e * 1000 / n}') (the external server also receives the relayed mail and sends its own)"
  # The run is over when the mail it sent is delivered, not when the last request was answered.
  ended=$(now)
  for s in local external; do
    while [ "$(queued $s)" -gt 0 ]; do
      [ $(( ($(now) - ended) / 1000000000 )) -lt 600 ] || { echo "$s.test still has mail queued after 600 s" >&2; break; }
      sleep 1
    done
  done
  echo "queues of both servers empty $(( ($(now) - ended) / 1000000 )) ms after the last request"
  # A server that fell behind delivers the rest after the run: its CPU counts until its queue is empty.
  local_all=$(cpu_since local "${cpu_before[local]}"); external_all=$(cpu_since external "${cpu_before[external]}")
  echo "server CPU until both queues were empty: local.test ${local_all} s, external.test ${external_all} s; per request" \
    "$(awk -v a="$local_all" -v e="$external_all" -v n="$total" \
    'BEGIN {printf "local.test %.2f ms, external.test %.2f ms", a * 1000 / n, e * 1000 / n}')"
  # Where each server's CPU went, by thread family: user and system (kernel) time, per request.
  for s in local external; do
    thread_ticks $s > "$bed/threads-$s.after"
    echo "$s.test CPU by threads until its queue was empty, ms per request: all, user, system (kernel)"
    awk -v hz="$hz" -v n="$total" -v all="$(( $(ticks $s) - cpu_before[$s] ))" '
      FNR == NR { user0[$1] = $2; sys0[$1] = $3; next }
      { family = $4; for (i = 5; i <= NF; i++) family = family " " $i
        user[family] += $2 - user0[$1]; sys[family] += $3 - sys0[$1]; counted += $2 - user0[$1] + $3 - sys0[$1] }
      END {
        for (f in user) if (user[f] + sys[f] >= hz * n / 100000) printf "%10.2f %6.2f %6.2f  %s\n", \
          (user[f] + sys[f]) * 1000 / hz / n, user[f] * 1000 / hz / n, sys[f] * 1000 / hz / n, f
        if (all > counted) printf "%10.2f %6s %6s  %s\n", (all - counted) * 1000 / hz / n, "", "", "(threads that ended)"
      }' "$bed/threads-$s.before" "$bed/threads-$s.after" | sort -rn | head -n 10 | sed 's/^/ /'
  done
  # What each operation cost on the thread that served it, measured by the server (wsemail:request-cpu):
  # from the SOAP stack taking the request to its answer written, without the web server's own work
  # before that (TLS handshakes, request headers) and without what the request left to other threads.
  for s in local external; do
    request_cpu $s > "$bed/request-cpu-$s.after"
    echo "$s.test CPU by operation on the threads that served it, ms per request: all, reading and security checks," \
      "service, answer (marshalled, signed, written); faults apart"
    awk 'FNR == NR { for (i = 3; i <= 9; i++) before[$1 " " $2, i] = $i; next }
      { key = $1 " " $2; n = $3 - before[key, 3]; f = $8 - before[key, 8]
        if (n > 0) printf "  %-24s %-16s %7d requests %7.3f %7.3f %7.3f %7.3f\n", $1, $2, n, ($4 - before[key, 4]) / n, \
          ($5 - before[key, 5]) / n, ($6 - before[key, 6]) / n, ($7 - before[key, 7]) / n
        if (f > 0) printf "  %-24s %-16s %7d faults   %7.3f\n", $1, $2, f, ($9 - before[key, 9]) / f }' \
      "$bed/request-cpu-$s.before" "$bed/request-cpu-$s.after"
  done
  echo
  echo "server to server during the run (the paper's Table 2), bytes of the SOAP messages:"
  echo "$before_local $(traffic local)" | awk '{
    printf "  %-22s %9s %14s %14s %22s\n", "", "messages", "bytes sent", "bytes / message", "confirmations B / msg"
    m = $7 - $1; printf "  %-22s %9d %14d %14.0f %22.0f\n", "local -> external", m, $8 - $2, m ? ($8 - $2) / m : 0, m ? ($9 - $3) / m : 0
    m = $10 - $4; printf "  %-22s %9d %14d %14.0f %22.0f\n", "external -> local", m, $11 - $5, m ? ($11 - $5) / m : 0, m ? ($12 - $6) / m : 0
    print "  the paper: S_i 1969 messages, 20.63 MB (10,987 B each), confirmations 13.11 MB (6,982 B each);"
    print "             S_e 1830 messages, 19.38 MB (11,105 B each), confirmations 12.17 MB (6,973 B each)" }'
}

# ROUNDS=n: the first round's server CPU includes compiling the servers' hot code (the JIT
# compilers' line), later rounds show servers that have run a while.
status=0
for round in $(seq 1 "${ROUNDS:-1}"); do
  [ "${ROUNDS:-1}" -gt 1 ] && echo && echo "== round $round of $ROUNDS"
  measure_round "$round"
done
jcmd "$(pid local)" GC.run >/dev/null 2>&1 || true
echo "local.test heap after the run (after a full GC): $(jcmd "$(pid local)" GC.heap_info 2>/dev/null | awk '/total/ {print $0; exit}')"
if [ -z "${KEEP:-}" ]; then
  "$bed/local/bin/stop" 2>/dev/null; "$bed/external/bin/stop" 2>/dev/null
fi
exit $status
