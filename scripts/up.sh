#!/usr/bin/env bash
# `make up`: build the frontend, then run the SFU (the embedded Python SFU, or LiveKit in dev
# mode), the debug service, the backend and nginx in the foreground, all at one origin (nginx
# proxies the SFU's signalling at /rtc). Ctrl-C stops everything.
#
# Environment (all optional):
#   HTTP_PORT     port nginx listens on (default 8080)
#   PUBLIC_HOST   host name printed for browsers (default localhost)
#   SFU_PROVIDER  embedded (default: nothing else to install) or livekit (.tools/bin/livekit-server)
# Not PORT/HOST: the backend reads those itself, and must stay on 4000.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

HTTP_PORT="${HTTP_PORT:-8080}"
PUBLIC_HOST="${PUBLIC_HOST:-localhost}"
BACKEND_PORT=4000
DEBUG_PORT=5000
DEBUG_SYSLOG_PORT=5514
LIVEKIT_PORT=7880
EMBEDDED_SFU_PORT=7890
LIVEKIT_BIN="$ROOT/.tools/bin/livekit-server"
SFU_PROVIDER="${SFU_PROVIDER:-embedded}"
case "$SFU_PROVIDER" in
  embedded) SFU_PORT="$EMBEDDED_SFU_PORT"; SFU_HEALTH_URL="http://127.0.0.1:$SFU_PORT/health" ;;
  livekit)  SFU_PORT="$LIVEKIT_PORT"; SFU_HEALTH_URL="http://127.0.0.1:$SFU_PORT/" ;;
  *) printf 'up: SFU_PROVIDER must be embedded or livekit, not %s\n' "$SFU_PROVIDER" >&2; exit 2 ;;
esac

say() { printf '==> %s\n' "$*"; }
die() { printf 'up: %s\n' "$*" >&2; exit 1; }

command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || die "nginx not found: run ./scripts/setup.sh"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
if [ "$SFU_PROVIDER" = livekit ] && [ ! -x "$LIVEKIT_BIN" ]; then
  die "livekit-server not found in .tools/bin: run ./scripts/setup.sh (or use SFU_PROVIDER=embedded)"
fi
for port in "$HTTP_PORT" "$BACKEND_PORT" "$DEBUG_PORT" "$SFU_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port is already in use (another \`make up\`?)"
  fi
done

say "building the frontend"
(cd frontend && npm run --silent build >/dev/null)

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

if [ "$SFU_PROVIDER" = livekit ]; then
  say "starting livekit-server (dev mode: key devkey, secret secret)"
  start sfu "$LIVEKIT_BIN" --dev --bind 127.0.0.1
else
  say "starting the embedded SFU (development key devkey, secret secret)"
  start sfu env EMBEDDED_SFU_PORT="$EMBEDDED_SFU_PORT" \
    EMBEDDED_SFU_ROOM_REGISTRY_FILE="$PWD/data/embedded-sfu-rooms.json" \
    uv run --locked python -m embedded_sfu
fi
wait_http sfu "$SFU_HEALTH_URL"

say "starting the debug service"
start debug env \
  DEBUG_PORT="$DEBUG_PORT" \
  DEBUG_SYSLOG_PORT="$DEBUG_SYSLOG_PORT" \
  BACKEND_URL="http://127.0.0.1:$BACKEND_PORT" \
  SFU_HEALTH_URL="$SFU_HEALTH_URL" \
  FRONTEND_URL="http://127.0.0.1:$HTTP_PORT" \
  uv run --locked debug-service
wait_http debug "http://127.0.0.1:$DEBUG_PORT/api/health"

say "starting the backend"
start backend env \
  PORT="$BACKEND_PORT" \
  SFU_PROVIDER="$SFU_PROVIDER" \
  LIVEKIT_URL="http://127.0.0.1:$LIVEKIT_PORT" \
  EMBEDDED_SFU_URL="http://127.0.0.1:$EMBEDDED_SFU_PORT" \
  DEBUG_SERVICE_URL="http://127.0.0.1:$DEBUG_PORT" \
  uv run --locked video-rooms
wait_http backend "http://127.0.0.1:$BACKEND_PORT/api/health"

say "starting nginx"
mkdir -p "$RUN_DIR/nginx"
LISTEN_PORT="$HTTP_PORT" STATIC_ROOT="$ROOT/frontend/dist" \
  BACKEND_SERVERS="server 127.0.0.1:$BACKEND_PORT;" DEBUG_UPSTREAM="127.0.0.1:$DEBUG_PORT" \
  DEBUG_SYSLOG="127.0.0.1:$DEBUG_SYSLOG_PORT" SFU_UPSTREAM="127.0.0.1:$SFU_PORT" CSP_CONNECT_SRC="" \
  sh config/render.sh config/nginx.conf >"$RUN_DIR/nginx/nginx.conf"
start nginx "$NGINX" -p "$RUN_DIR/nginx" -c "$RUN_DIR/nginx/nginx.conf" -e stderr -g 'daemon off;'
wait_http nginx "http://127.0.0.1:$HTTP_PORT/"

cat <<MSG

  Video Rooms is running:  http://$PUBLIC_HOST:$HTTP_PORT   (SFU: $SFU_PROVIDER)
  Logs and service status: http://$PUBLIC_HOST:$HTTP_PORT/logs

  (Camera and microphone need https or localhost; open it on this machine.)
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
