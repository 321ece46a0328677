#!/usr/bin/env bash
# local-tls.sh DIR NAME...: the certificate `make up` serves https with, from a small local CA.
#
# DIR/ca.crt and DIR/ca.key: a certificate authority of this machine's own, made once and kept
# (the root a browser or phone may be told to trust, README "Calls from other machines").
# DIR/server.crt and DIR/server.key: signed by it for localhost, 127.0.0.1 and every NAME
# (IP addresses or host names, e.g. the LAN address). Made again only when the NAMEs change or
# it is about to expire, so a device that trusts the root keeps trusting the server: an address
# that moved (DHCP) gets a new server certificate from the same root.
set -euo pipefail
dir="$1"; shift
mkdir -p "$dir"
# Keys readable by their owner only; the directory and the root certificate by anyone, since
# nginx serves the root at /local-ca.crt (its workers may run as another user).
chmod 755 "$dir"
umask 077

ca_key="$dir/ca.key" ca_crt="$dir/ca.crt" key="$dir/server.key" crt="$dir/server.crt"
names="$dir/server.names"

if [ ! -s "$ca_key" ] || [ ! -s "$ca_crt" ]; then
  # Ten years: the root is what people install by hand; the server certificate is renewed.
  openssl req -x509 -nodes -days 3650 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -subj "/O=Video Rooms/CN=Video Rooms local CA ($(hostname))" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$ca_key" -out "$ca_crt" 2>/dev/null
  chmod 644 "$ca_crt"
  rm -f "$crt"
fi

alt="DNS:localhost,IP:127.0.0.1"
for name in "$@"; do
  [ -n "$name" ] || continue
  if [[ "$name" =~ ^[0-9.]+$ || "$name" == *:* ]]; then alt="$alt,IP:$name"; else alt="$alt,DNS:$name"; fi
done

# 30 days of margin: a `make up` left running keeps a valid certificate for a month.
if [ -s "$crt" ] && [ -s "$key" ] && [ "$(cat "$names" 2>/dev/null)" = "$alt" ] \
   && openssl x509 -checkend $((30 * 86400)) -noout -in "$crt" >/dev/null; then
  exit 0
fi

csr="$dir/server.csr" ext="$dir/server.ext"
openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
  -subj "/O=Video Rooms/CN=${1:-localhost}" -keyout "$key" -out "$csr" 2>/dev/null
printf '%s\n' "subjectAltName=$alt" "basicConstraints=critical,CA:FALSE" \
  "keyUsage=critical,digitalSignature" "extendedKeyUsage=serverAuth" >"$ext"
# 397 days: the longest lifetime browsers accept for a server certificate.
openssl x509 -req -in "$csr" -CA "$ca_crt" -CAkey "$ca_key" -CAcreateserial \
  -days 397 -extfile "$ext" -out "$crt" 2>/dev/null
rm -f "$csr" "$ext"
printf '%s\n' "$alt" >"$names"
