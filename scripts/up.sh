#!/usr/bin/env bash
# `make up`: build the frontend, then run the SFU (the embedded Python SFU, or LiveKit in dev
# mode), the debug service, the backend and nginx in the foreground, all at one origin (nginx
# proxies the SFU's signalling at /rtc). nginx serves http on HTTP_PORT and https on HTTPS_PORT
# with a certificate from a local CA kept in $DATA_DIR/tls (scripts/local-tls.sh), so people on
# other machines of the network get a secure page, hence camera and microphone. Ctrl-C stops
# everything.
#
# Environment (all optional):
#   HTTP_PORT     port nginx serves http on (default 8080)
#   HTTPS_PORT    port nginx serves https on (default 8443)
#   PUBLIC_HOST   host name printed for this machine's browser (default localhost)
#   LAN_HOST      this machine's address (or name) for the others on the network, printed and
#                 put in the certificate (default: the address of the default route's interface)
#   SFU_PROVIDER  embedded (default: nothing else to install) or livekit (.tools/bin/livekit-server)
#   DATA_DIR      where the databases and the certificates are kept (default data)
#   TURN_ENABLED  true: also run coturn (scripts/coturn.sh) for the embedded SFU, so people whose
#                 network blocks UDP connect over TURN/TCP (TURN_ADDRESS: the address they reach,
#                 default LAN_HOST's address; TURN_PORT 3478; TLS too with TURN_CERT_FILE/KEY_FILE)
# For running several at once (the tests do): BACKEND_PORT, DEBUG_PORT, DEBUG_SYSLOG_PORT,
# EMBEDDED_SFU_PORT, LIVEKIT_PORT, LIVEKIT_UDP_PORT, LIVEKIT_TCP_PORT (7882/7881: LiveKit's
# media), LIVEKIT_PROMETHEUS_PORT (6789: LiveKit's metrics), and FRONTEND_DIST, an already built frontend to serve instead of building one.
# Not PORT/HOST: the backend reads those itself.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

HTTP_PORT="${HTTP_PORT:-8080}"
HTTPS_PORT="${HTTPS_PORT:-8443}"
PUBLIC_HOST="${PUBLIC_HOST:-localhost}"
DATA_DIR="$(mkdir -p "${DATA_DIR:-data}" && cd "${DATA_DIR:-data}" && pwd)"
BACKEND_PORT="${BACKEND_PORT:-4000}"
DEBUG_PORT="${DEBUG_PORT:-5000}"
DEBUG_SYSLOG_PORT="${DEBUG_SYSLOG_PORT:-5514}"
LIVEKIT_PORT="${LIVEKIT_PORT:-7880}"
LIVEKIT_TCP_PORT="${LIVEKIT_TCP_PORT:-7881}"
LIVEKIT_UDP_PORT="${LIVEKIT_UDP_PORT:-7882}"
EMBEDDED_SFU_PORT="${EMBEDDED_SFU_PORT:-7890}"
LIVEKIT_PROMETHEUS_PORT="${LIVEKIT_PROMETHEUS_PORT:-6789}"
LIVEKIT_BIN="$ROOT/.tools/bin/livekit-server"
SFU_PROVIDER="${SFU_PROVIDER:-embedded}"
case "$SFU_PROVIDER" in
  embedded) SFU_PORT="$EMBEDDED_SFU_PORT"; SFU_HEALTH_URL="http://127.0.0.1:$SFU_PORT/health" ;;
  livekit)  SFU_PORT="$LIVEKIT_PORT"; SFU_HEALTH_URL="http://127.0.0.1:$SFU_PORT/" ;;
  *) printf 'up: SFU_PROVIDER must be embedded or livekit, not %s\n' "$SFU_PROVIDER" >&2; exit 2 ;;
esac

# The address other machines reach this one at: the source address of the default route
# (the LAN interface's, on a typical machine). Empty without a network; then no LAN URL.
lan_address() {
  ip -4 route get 1.1.1.1 2>/dev/null | sed -n 's/.* src \([0-9.]*\).*/\1/p' | head -n 1
}
LAN_HOST="${LAN_HOST-$(lan_address || true)}"
case "$LAN_HOST" in
  "") HTTPS_URL="" ;;
  *:*) HTTPS_URL="https://[$LAN_HOST]:$HTTPS_PORT" ;;
  *) HTTPS_URL="https://$LAN_HOST:$HTTPS_PORT" ;;
esac

say() { printf '==> %s\n' "$*"; }
die() { printf 'up: %s\n' "$*" >&2; exit 1; }

command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || die "nginx not found: run ./scripts/setup.sh"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
if [ "$SFU_PROVIDER" = livekit ] && [ ! -x "$LIVEKIT_BIN" ]; then
  die "livekit-server not found in .tools/bin: run ./scripts/setup.sh (or use SFU_PROVIDER=embedded)"
fi
for port in "$HTTP_PORT" "$HTTPS_PORT" "$BACKEND_PORT" "$DEBUG_PORT" "$SFU_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port is already in use (another \`make up\`?)"
  fi
done

if [ -n "${FRONTEND_DIST:-}" ]; then
  STATIC_ROOT="$FRONTEND_DIST"
else
  say "building the frontend"
  (cd frontend && npm run --silent build >/dev/null)
  STATIC_ROOT="$ROOT/frontend/dist"
fi

# Made once (the CA) and kept; the server certificate again only when LAN_HOST changed.
TLS_DIR="$DATA_DIR/tls"
./scripts/local-tls.sh "$TLS_DIR" $LAN_HOST

RUN_DIR="$(mktemp -d -t video-rooms-up.XXXXXX)"
PIDS=()
NAMES=()

stop_all() {
  trap - EXIT INT TERM
  if [ ${#PIDS[@]} -gt 0 ]; then
    say "stopping"
    # Each child leads its own process group (setsid), so its workers stop with it.
    for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  fi
  rm -rf "$RUN_DIR"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

# start NAME CMD...: runs CMD in its own process group with output in $RUN_DIR/NAME.log.
start() {
  local name="$1"; shift
  setsid "$@" >"$RUN_DIR/$name.log" 2>&1 &
  PIDS+=("$!")
  NAMES+=("$name")
}

# wait_http NAME URL: until URL answers, or fail with the tail of NAME's log.
wait_http() {
  local name="$1" url="$2"
  for _ in $(seq 1 150); do
    if curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  tail -n 30 "$RUN_DIR/$name.log" >&2 || true
  die "$name did not become ready at $url"
}

# The TURN relay for the embedded SFU: browsers get its URLs with short-lived credentials from
# the SFU, minted from a secret made for this run (docs/deploy.md "Connectivity").
SFU_TURN_ENV=()
if [ "${TURN_ENABLED:-false}" = true ] && [ "$SFU_PROVIDER" = embedded ]; then
  # coturn listens on an address, not a name: LAN_HOST's when it is one.
  if [ -z "${TURN_ADDRESS:-}" ] && [[ "${LAN_HOST:-}" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    TURN_ADDRESS="$LAN_HOST"
  fi
  TURN_ADDRESS="${TURN_ADDRESS:-$(hostname -I 2>/dev/null | awk '{print $1}')}"
  TURN_ADDRESS="${TURN_ADDRESS:-127.0.0.1}"
  TURN_PORT="${TURN_PORT:-3478}"
  TURN_TLS_PORT="${TURN_TLS_PORT:-5349}"
  TURN_SECRET="$(openssl rand -hex 32)"
  turn_urls="turn:$TURN_ADDRESS:$TURN_PORT?transport=udp,turn:$TURN_ADDRESS:$TURN_PORT?transport=tcp"
  if [ -n "${TURN_CERT_FILE:-}" ]; then
    turn_urls="$turn_urls,turns:${TURN_DOMAIN:-$TURN_ADDRESS}:$TURN_TLS_PORT?transport=tcp"
  fi
  say "starting coturn on $TURN_ADDRESS:$TURN_PORT (TURN over UDP and TCP)"
  start turn env TURN_ADDRESS="$TURN_ADDRESS" TURN_PORT="$TURN_PORT" TURN_TLS_PORT="$TURN_TLS_PORT" \
    TURN_SECRET="$TURN_SECRET" TURN_DIR="$RUN_DIR/turn" ./scripts/coturn.sh
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/$TURN_ADDRESS/$TURN_PORT") 2>/dev/null && break
    sleep 0.2
  done
  (exec 3<>"/dev/tcp/$TURN_ADDRESS/$TURN_PORT") 2>/dev/null \
    || { tail -n 30 "$RUN_DIR/turn.log" >&2; die "coturn did not start on $TURN_ADDRESS:$TURN_PORT"; }
  SFU_TURN_ENV=(EMBEDDED_SFU_TURN_URLS="$turn_urls" EMBEDDED_SFU_TURN_SECRET="$TURN_SECRET")
fi

if [ "$SFU_PROVIDER" = livekit ]; then
  say "starting livekit-server (dev mode: key devkey, secret secret)"
  # Signalling on loopback only (nginx proxies /rtc); media on every interface: in dev mode
  # LiveKit offers a host candidate on each non-loopback address, the LAN one included.
  # Its JSON lines go to its log file as they are and, parsed (level, room, participant), to
  # the debug service (vr-ship-output retries until the debug service below is up).
  start sfu env DEBUG_SERVICE_URL="http://127.0.0.1:$DEBUG_PORT" \
    uv run --locked vr-ship-output --service livekit --format livekit -- \
    "$LIVEKIT_BIN" --dev --bind 127.0.0.1 --config-body \
    "{port: $LIVEKIT_PORT, rtc: {tcp_port: $LIVEKIT_TCP_PORT, udp_port: $LIVEKIT_UDP_PORT}, logging: {json: true}, prometheus_port: $LIVEKIT_PROMETHEUS_PORT}"
else
  say "starting the embedded SFU (development key devkey, secret secret)"
  # aioice offers a host candidate on every non-loopback address, the LAN one included.
  start sfu env EMBEDDED_SFU_PORT="$EMBEDDED_SFU_PORT" "${SFU_TURN_ENV[@]}" \
    EMBEDDED_SFU_ROOM_REGISTRY_FILE="$DATA_DIR/embedded-sfu-rooms.json" \
    EMBEDDED_SFU_WEBHOOK_URL="http://127.0.0.1:$BACKEND_PORT/api/webhooks/livekit" \
    DEBUG_SERVICE_URL="http://127.0.0.1:$DEBUG_PORT" \
    uv run --locked embedded-sfu
fi
wait_http sfu "$SFU_HEALTH_URL"

say "starting the debug service"
start debug env \
  DEBUG_PORT="$DEBUG_PORT" \
  DEBUG_SYSLOG_PORT="$DEBUG_SYSLOG_PORT" \
  BACKEND_URL="http://127.0.0.1:$BACKEND_PORT" \
  SFU_HEALTH_URL="$SFU_HEALTH_URL" \
  FRONTEND_URL="http://127.0.0.1:$HTTP_PORT" \
  DEBUG_DB_PATH="$DATA_DIR/debug.db" \
  uv run --locked debug-service
wait_http debug "http://127.0.0.1:$DEBUG_PORT/api/health"

say "starting the backend"
start backend env \
  PORT="$BACKEND_PORT" \
  SFU_PROVIDER="$SFU_PROVIDER" \
  LIVEKIT_URL="http://127.0.0.1:$LIVEKIT_PORT" \
  EMBEDDED_SFU_URL="http://127.0.0.1:$EMBEDDED_SFU_PORT" \
  DEBUG_SERVICE_URL="http://127.0.0.1:$DEBUG_PORT" \
  DATABASE_URL="sqlite+aiosqlite:///$DATA_DIR/video_rooms.db" \
  ${HTTPS_URL:+PUBLIC_HTTPS_URL="$HTTPS_URL"} \
  uv run --locked video-rooms
wait_http backend "http://127.0.0.1:$BACKEND_PORT/api/health"

say "starting nginx"
mkdir -p "$RUN_DIR/nginx/https"
HTTPS_LISTEN="$HTTPS_PORT" TLS_CERT_FILE="$TLS_DIR/server.crt" TLS_KEY_FILE="$TLS_DIR/server.key" \
  TLS_CA_FILE="$TLS_DIR/ca.crt" \
  sh config/render.sh config/nginx-https.conf >"$RUN_DIR/nginx/https/listen.conf"
LISTEN_PORT="$HTTP_PORT" STATIC_ROOT="$STATIC_ROOT" \
  BACKEND_SERVERS="server 127.0.0.1:$BACKEND_PORT;" DEBUG_UPSTREAM="127.0.0.1:$DEBUG_PORT" \
  DEBUG_SYSLOG="127.0.0.1:$DEBUG_SYSLOG_PORT" SFU_UPSTREAM="127.0.0.1:$SFU_PORT" CSP_CONNECT_SRC="" \
  sh config/render.sh config/nginx.conf >"$RUN_DIR/nginx/nginx.conf"
start nginx "$NGINX" -p "$RUN_DIR/nginx" -c "$RUN_DIR/nginx/nginx.conf" -e stderr -g 'daemon off;'
wait_http nginx "http://127.0.0.1:$HTTP_PORT/"

if [ "$SFU_PROVIDER" = embedded ]; then
  SFU_METRICS=" http://127.0.0.1:$EMBEDDED_SFU_PORT/metrics"
else
  SFU_METRICS=" http://127.0.0.1:$LIVEKIT_PROMETHEUS_PORT/metrics"
fi
if [ -n "$LAN_HOST" ]; then
  LAN_LINE="  From other machines:     $HTTPS_URL"
else
  LAN_LINE="  From other machines:     none (no network address found; set LAN_HOST)"
fi
cat <<MSG

  Video Rooms is running:  http://$PUBLIC_HOST:$HTTP_PORT   (SFU: $SFU_PROVIDER)
$LAN_LINE
  Logs and service status: http://$PUBLIC_HOST:$HTTP_PORT/logs
  Prometheus metrics:      http://127.0.0.1:$BACKEND_PORT/metrics http://127.0.0.1:$DEBUG_PORT/metrics$SFU_METRICS

  The https address uses a certificate from this machine's own authority, which browsers do
  not know: the first visit shows a warning ("Your connection is not private"). It means the
  browser cannot check who issued the certificate; the connection is encrypted all the same.
  On your own network, accept it ("Advanced", "Proceed"), or trust this machine's authority on
  that device once: its root is http://${LAN_HOST:-$PUBLIC_HOST}:$HTTP_PORT/local-ca.crt
  ($TLS_DIR/ca.crt; README "Calls with other machines").
  Service logs: $RUN_DIR/*.log    Ctrl-C stops everything.

MSG

# Stay in the foreground until Ctrl-C, or until one of the services dies.
set +e
wait -n "${PIDS[@]}"
status=$?
for i in "${!PIDS[@]}"; do
  if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
    printf 'up: %s exited (status %s); last lines of its log:\n' "${NAMES[$i]}" "$status" >&2
    tail -n 20 "$RUN_DIR/${NAMES[$i]}.log" >&2
  fi
done
exit 1
