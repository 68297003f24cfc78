#!/usr/bin/env bash
# Two WSEmail domains on one machine, and one message between them.
#   a.test listens on https://127.0.0.2:8443, b.test on https://127.0.0.3:8444 (plain HTTP is closed).
#   A static zone file stands in for DNS (the servers' SRV and address records), and each server
#   trusts the other's demo CA, for TLS and for message signatures alike.
# Run from the repository after: mvn -B -ntp -DskipTests install
#   bash docs/two-domains.sh [folder]      (default /tmp/wsemail-demo; stop with: <folder>/{a,b}/bin/stop)
set -euo pipefail
archive=$(ls "$(dirname "$0")"/../karaf-assembly/target/karaf-assembly-*.tar.gz)
demo=${1:-/tmp/wsemail-demo}
rm -rf "$demo" && mkdir -p "$demo"

# 1. The SRV and address records of both domains.
cat > "$demo/wsemail.zone" <<ZONE
_wsemail._tcp.a.test. 300 IN SRV 10 0 8443 mail.a.test.
_wsemail._tcp.b.test. 300 IN SRV 10 0 8444 mail.b.test.
mail.a.test.          300 IN A   127.0.0.2
mail.b.test.          300 IN A   127.0.0.3
ZONE

# 2. Two servers from the distribution, each with its domain, address, zone file and an SSH admin.
for d in a b; do
  ip=127.0.0.$([ $d = a ] && echo 2 || echo 3)
  mkdir "$demo/$d" && tar -xzf "$archive" -C "$demo/$d" --strip-components=1
  etc="$demo/$d/etc"
  echo "domain = $d.test" > "$etc/org.wsemail.server.cfg"
  printf 'org.osgi.service.http.port = 8181\norg.ops4j.pax.web.listening.addresses = %s\n' $ip > "$etc/org.ops4j.pax.web.cfg"
  # Both servers are on loopback addresses, which a server refuses to deliver to unless allowed.
  printf 'zone.file = %s\nuse.nameservers = false\nallow.private.targets = true\n' "$demo/wsemail.zone" > "$etc/org.wsemail.dns.cfg"
  printf 'admin = demo-admin-password,_g_:admingroup\n_g_\\:admingroup = group,admin,manager,viewer,systembundles,ssh\n' >> "$etc/users.properties"
done
# b.test needs HTTPS, SSH and JMX ports of its own.
sed -i 's/^tls.port.*/tls.port = 8444/' "$demo/b/etc/org.wsemail.security.cfg"
sed -i 's/^sshPort.*/sshPort = 8102/' "$demo/b/etc/org.apache.karaf.shell.cfg"
sed -i 's/^rmiRegistryPort.*/rmiRegistryPort = 1098/; s/^rmiServerPort.*/rmiServerPort = 44443/' "$demo/b/etc/org.apache.karaf.management.cfg"

# 3. Start both; each creates its demo CA and server certificate on first start, then serves HTTPS.
"$demo/a/bin/start"; "$demo/b/bin/start"
for d in a b; do
  ip=127.0.0.$([ $d = a ] && echo 2 || echo 3); port=$([ $d = a ] && echo 8443 || echo 8444)
  until [ -f "$demo/$d/etc/wsemail-ca.pem" ] && curl -sf -o /dev/null --cacert "$demo/$d/etc/wsemail-ca.pem" \
      --resolve "$d.test:$port:$ip" "https://$d.test:$port/wsemail/peer?wsdl"; do sleep 1; done
done

admin() {  # admin <a|b> <command>...: Karaf shell commands over SSH
  local port=$([ "$1" = a ] && echo 8101 || echo 8102); shift
  printf '%s\n' "$@" | "$demo/a/bin/client" -u admin -p demo-admin-password -a $port -r 10 -d 1 -b
}

# 4. Users, and cross-trust: each server trusts the other's CA (its TLS certificate and its signatures).
# Passwords go in files readable by their owner only, never on a command line (shell histories keep those).
(umask 077; echo alice-password-1 > "$demo/alice.password"; echo bob-password-12 > "$demo/bob.password")
admin a "wsemail:user-add --password-file $demo/alice.password alice@a.test" "wsemail:trust-add $demo/b/etc/wsemail-ca.pem"
admin b "wsemail:user-add --password-file $demo/bob.password bob@b.test" "wsemail:trust-add $demo/a/etc/wsemail-ca.pem"

# 5. Alice sends; Bob lists and reads, checking a.test's signature against a.test's CA.
"$demo/a/bin/wsemail" --server https://127.0.0.2:8443/wsemail --user alice@a.test --password-file "$demo/alice.password" \
  --trust "$demo/a/etc/wsemail-ca.pem" send --to bob@b.test --subject "Hello from a.test" --body "Signed by my server, checked by yours."
sleep 3
cat "$demo/a/etc/wsemail-ca.pem" "$demo/b/etc/wsemail-ca.pem" > "$demo/both-cas.pem"
bob=("$demo/b/bin/wsemail" --server https://127.0.0.3:8444/wsemail --user bob@b.test --password-file "$demo/bob.password" \
     --trust "$demo/both-cas.pem")
"${bob[@]}" inbox
"${bob[@]}" read "$("${bob[@]}" inbox | awk 'NR==2 {print $1}')"
