#!/usr/bin/env bash
# Runs coturn (Debian's `turnserver`) on config/turnserver.conf: the TURN relay for the
# embedded SFU, which `make up` starts with TURN_ENABLED=true (scripts/up.sh). In the foreground;
# its work files (rendered config, pid, user db, a generated certificate) go in TURN_DIR.
#
# Environment:
#   TURN_ADDRESS     the address it listens and relays on, which browsers reach (required)
#   TURN_SECRET      shared secret for the REST credentials the SFU mints (required)
#   TURN_DIR         work directory (required)
#   TURN_PORT        TURN over UDP and TCP (default 3478)
#   TURN_TLS_PORT    TURN over TLS (default 5349)
#   TURN_RELAY_PORT_START / TURN_RELAY_PORT_END   relay ports (default 49160-49199)
#   TURN_CERT_FILE / TURN_KEY_FILE   certificate for TLS; default: a self-signed one made here
#                    (browsers refuse it, so TURN/TLS is only useful with a real certificate)
set -euo pipefail
cd "$(dirname "$0")/.."

: "${TURN_ADDRESS:?TURN_ADDRESS: the address browsers reach the relay at}"
: "${TURN_SECRET:?TURN_SECRET: the secret shared with the embedded SFU}"
: "${TURN_DIR:?TURN_DIR: a work directory}"
export TURN_LISTEN_ADDRESS="${TURN_LISTEN_ADDRESS:-$TURN_ADDRESS}"
export TURN_EXTERNAL_IP="${TURN_EXTERNAL_IP:-$TURN_ADDRESS}"
export TURN_ALLOWED_PEER_IP="${TURN_ALLOWED_PEER_IP:-$TURN_ADDRESS}"
export TURN_PORT="${TURN_PORT:-3478}"
export TURN_TLS_PORT="${TURN_TLS_PORT:-5349}"
export TURN_RELAY_PORT_START="${TURN_RELAY_PORT_START:-49160}"
export TURN_RELAY_PORT_END="${TURN_RELAY_PORT_END:-49199}"
export TURN_REALM="${TURN_REALM:-video-rooms}"
export TURN_PID_FILE="$TURN_DIR/turnserver.pid"
export TURN_DB_FILE="$TURN_DIR/turndb"
export TURN_SECRET

mkdir -p "$TURN_DIR"
if [ -z "${TURN_CERT_FILE:-}" ]; then
  TURN_CERT_FILE="$TURN_DIR/turn.crt"
  TURN_KEY_FILE="$TURN_DIR/turn.key"
  if [ ! -s "$TURN_CERT_FILE" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$TURN_ADDRESS" \
      -addext "subjectAltName=IP:$TURN_ADDRESS" \
      -keyout "$TURN_KEY_FILE" -out "$TURN_CERT_FILE" 2>/dev/null
  fi
fi
export TURN_CERT_FILE TURN_KEY_FILE="${TURN_KEY_FILE:?TURN_KEY_FILE goes with TURN_CERT_FILE}"

TURNSERVER="$(command -v turnserver || echo /usr/bin/turnserver)"
[ -x "$TURNSERVER" ] || { echo "coturn.sh: turnserver not found: run ./scripts/setup.sh (apt package coturn)" >&2; exit 1; }
sh config/render.sh config/turnserver.conf >"$TURN_DIR/turnserver.conf"
exec "$TURNSERVER" -c "$TURN_DIR/turnserver.conf"
