#!/usr/bin/env bash
# The paper's comparison: the same load against plain SMTP on the same machine. Installs Postfix
# from Debian (local delivery only, loopback only), sends with smtp-source (Postfix's own load
# generator) with the given concurrency and message size, waits until every message is delivered
# to its mailbox, and prints messages per second.
#   usage (as root): docs/smtp-baseline.sh [sessions 4] [messages 1000] [size-bytes 1024]
set -euo pipefail
sessions=${1:-4}; messages=${2:-1000}; size=${3:-1024}

if ! command -v postfix >/dev/null; then
  echo "postfix postfix/main_mailer_type select Local only" | debconf-set-selections
  echo "postfix postfix/mailname string bench.test" | debconf-set-selections
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postfix >/dev/null
fi
# A Postfix installed with "No configuration" (as .ci/run installs it for the gateway's test) has no
# main.cf: start from Debian's.
[ -f /etc/postfix/main.cf ] || cp /usr/share/postfix/main.cf.debian /etc/postfix/main.cf
[ -f /etc/aliases ] || echo "postmaster: root" > /etc/aliases
[ -f /etc/aliases.db ] || newaliases
postconf -e "inet_interfaces = loopback-only" "mydestination = bench.test, localhost" "myhostname = bench.test" \
  "mailbox_size_limit = 0" "default_process_limit = 100" "smtpd_client_connection_count_limit = 0" \
  "smtpd_client_message_rate_limit = 0" "smtpd_client_connection_rate_limit = 0" \
  "maillog_file = /var/log/postfix.log"
id bench >/dev/null 2>&1 || useradd -m bench
postfix stop >/dev/null 2>&1 || true
postsuper -d ALL >/dev/null 2>&1 || true
: > /var/mail/bench
chown bench:mail /var/mail/bench && chmod 660 /var/mail/bench
postfix start >/dev/null 2>&1
sleep 2

smtp_source=$(command -v smtp-source || echo /usr/sbin/smtp-source)
start=$(date +%s%N)
"$smtp_source" -s "$sessions" -m "$messages" -l "$size" -f bench@bench.test -t bench@bench.test 127.0.0.1:25
accepted=$(date +%s%N)
delivered_count() { local n; n=$(grep -c '^From ' /var/mail/bench 2>/dev/null) || true; echo "${n:-0}"; }
until [ "$(delivered_count)" -ge "$messages" ]; do
  if [ $(( ($(date +%s%N) - start) / 1000000000 )) -gt 300 ]; then
    echo "only $(delivered_count) of $messages delivered after 300 s; see /var/log/postfix.log" >&2; exit 1
  fi
  sleep 0.2
done
delivered=$(date +%s%N)
awk -v n="$messages" -v s="$sessions" -v l="$size" -v a="$(( (accepted - start) / 1000000 ))" -v d="$(( (delivered - start) / 1000000 ))" \
  'BEGIN { printf "postfix: %d sessions, %d messages of %d bytes: accepted in %.1f s (%.0f messages/s), delivered to the mailbox in %.1f s (%.0f messages/s)\n", s, n, l, a/1000, n/(a/1000), d/1000, n/(d/1000) }'
