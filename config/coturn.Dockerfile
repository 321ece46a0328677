# syntax=docker/dockerfile:1
# coturn, the embedded SFU's TURN relay (docker-compose.embedded.yml): Debian's coturn package,
# as scripts/setup.sh installs it, running scripts/coturn.sh on config/turnserver.conf exactly as
# `make up` does (TURN_ENABLED=true). Runs as uid 10001; its work files go to /tmp/turn.
#   docker build -f config/coturn.Dockerfile .

FROM debian:12.12-slim
# openssl: coturn.sh makes a self-signed certificate for the TLS listener when given none.
RUN apt-get update \
    && apt-get install -y --no-install-recommends coturn openssl \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 video-rooms \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent video-rooms
WORKDIR /app
COPY scripts/coturn.sh scripts/
COPY config/turnserver.conf config/render.sh config/
ENV TURN_DIR=/tmp/turn
USER 10001:10001
HEALTHCHECK --interval=10s --timeout=3s --start-period=5s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/$TURN_LISTEN_ADDRESS/$TURN_PORT"]
CMD ["bash", "scripts/coturn.sh"]
