#!/usr/bin/env bash
# Installs everything `make up` and `make test` need on a fresh Debian machine.
# Idempotent: each step is skipped when its result is already present, so it is cheap to rerun.
set -euo pipefail
cd "$(dirname "$0")/.."

export UV_PYTHON_DOWNLOADS=never
export DEBIAN_FRONTEND=noninteractive
TOOLS="$PWD/.tools/bin"
LIVEKIT_VERSION=v1.13.5
APT_PACKAGES=(chromium firefox-esr xvfb pulseaudio nginx redis-server postgresql wrk coturn iptables iproute2 openssl libnss3-tools python3-venv)
# The uv the Dockerfiles use (ghcr.io/astral-sh/uv), installed when the machine has none.
UV_VERSION=0.13.9

say() { printf '==> %s\n' "$*"; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "apt: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
  # The packaged services must not hold the ports our tests use; tests start their own.
  for svc in nginx redis-server postgresql coturn; do
    $SUDO service "$svc" stop >/dev/null 2>&1 || true
  done
fi

# Debian's own Python refuses `pip install` outside a virtual environment (PEP 668:
# "externally-managed-environment"), so uv goes into a venv of its own under .tools, linked into
# .tools/bin (the Makefile puts that first on PATH).
export PATH="$TOOLS:$PATH"
if ! command -v uv >/dev/null 2>&1; then
  say "installing uv $UV_VERSION from PyPI into .tools/uv"
  python3 -m venv --clear "$PWD/.tools/uv"
  "$PWD/.tools/uv/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
  mkdir -p "$TOOLS"
  ln -sf "$PWD/.tools/uv/bin/uv" "$TOOLS/uv"
fi

say "python: uv sync"
uv sync --locked --python 3.11 --quiet

# A second environment on the newest Python we support: `make test-py313` runs the suites in it.
PYTHON313="$(./scripts/find-python313.sh || true)"
# Only `make test` needs it (test-py313 fails without it, it is never skipped); `make up` must
# work on a machine whose newest Python is 3.11, so a missing 3.13 is a warning here.
if [ -n "$PYTHON313" ]; then
  say "python 3.13: uv sync into .venv-py3.13"
  UV_PROJECT_ENVIRONMENT=.venv-py3.13 uv sync --locked --python "$PYTHON313" --quiet
else
  say "warning: Python 3.13 not found (set PYTHON313): make test-py313 will fail, make up is unaffected"
fi

if [ -f frontend/package.json ]; then
  if [ ! -d frontend/node_modules ] || [ frontend/package-lock.json -nt frontend/node_modules/.package-lock.json ]; then
    say "npm: installing frontend dependencies"
    (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
if [ -f tests/node/package.json ]; then
  if [ ! -d tests/node/node_modules ] || [ tests/node/package-lock.json -nt tests/node/node_modules/.package-lock.json ]; then
    say "npm: installing node test dependencies"
    (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

if [ ! -d tests/e2e/firefox/node_modules ] || [ tests/e2e/firefox/package-lock.json -nt tests/e2e/firefox/node_modules/.package-lock.json ]; then
  say "npm: installing the Firefox test dependencies (puppeteer-core; it downloads no browser)"
  (cd tests/e2e/firefox && npm ci --no-audit --no-fund --loglevel=error)
fi

if [ ! -x "$TOOLS/livekit-server" ]; then
  say "building livekit-server $LIVEKIT_VERSION (go install, a few minutes the first time)"
  mkdir -p "$TOOLS"
  GOBIN="$TOOLS" go install "github.com/livekit/livekit-server/cmd/server@$LIVEKIT_VERSION"
  mv "$TOOLS/server" "$TOOLS/livekit-server"
fi
# tests/deploy validates docker-compose*.yml with compose-go, the loader `docker compose` is built
# on, so no Docker engine is needed. Rebuilt when any of its sources is newer than the binary.
if [ ! -x "$TOOLS/compose-check" ] || [ -n "$(find tools/compose-check -type f -newer "$TOOLS/compose-check")" ]; then
  say "building compose-check (tools/compose-check)"
  mkdir -p "$TOOLS"
  (cd tools/compose-check && go build -o "$TOOLS/compose-check" .)
fi
say "setup complete"
