# The two commands a newcomer needs: `make up` (run the app) and `make test` (run every test).
# Everything else here is what those two are made of.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export PATH := $(CURDIR)/.tools/bin:$(PATH)
PYTEST := uv run --locked pytest

.PHONY: up test setup types lint test-lint test-py313 test-backend test-debug test-frontend test-node test-node22 test-e2e test-firefox test-bench test-deploy bench

up: setup
	./scripts/up.sh

test: setup lint test-lint test-backend test-debug test-py313 test-frontend test-node test-node22 test-e2e test-firefox test-bench test-deploy

setup:
	./scripts/setup.sh

# The frontend's API and log-entry types, generated from the OpenAPI description and
# common/log-entry.schema.json (frontend/scripts/generate-types.mjs); lint fails while stale.
GENERATE_TYPES := set -o pipefail; uv run --locked python -m video_rooms.openapi_schema | node frontend/scripts/generate-types.mjs
types:
	$(GENERATE_TYPES)

lint:
	$(GENERATE_TYPES) --check
	uv run --locked ruff check backend common debug-service embedded-sfu testkit tests bench
	uv run --locked ruff format --check backend common debug-service embedded-sfu testkit tests bench
	uv run --locked mypy backend/src common/src debug-service/src embedded-sfu/src testkit/src
	uv run --locked lint-imports
	for package in backend common debug-service embedded-sfu testkit; do \
	  (cd $$package && uv run --locked deptry src) || exit 1; \
	done
	cd frontend && npm run --silent lint && npm run --silent typecheck

# The import contracts and the frontend's eslint layers break on a planted wrong import (and
# the contracts hold on the tree).
test-lint:
	$(PYTEST) tests/lint

test-backend:
	$(PYTEST) backend/tests common/tests embedded-sfu/tests testkit/tests

test-debug:
	$(PYTEST) debug-service/tests

# The Python suites (backend, shared package, debug service, embedded SFU) again on Python 3.13,
# in the environment scripts/setup.sh prepares.
PYTHON313 := $(shell ./scripts/find-python313.sh)
test-py313:
	@[ -n "$(PYTHON313)" ] || { echo "test-py313: no working Python 3.13 found (set PYTHON313)" >&2; exit 1; }
	UV_PROJECT_ENVIRONMENT=.venv-py3.13 uv run --locked --python $(PYTHON313) \
	  pytest backend/tests common/tests debug-service/tests embedded-sfu/tests

test-frontend:
	cd frontend && npm test --silent

test-node:
	cd tests/node && npm test --silent

# The frontend's build and unit tests and the Node tests again on Node 22 (package.json's
# engines: Node 20 and 22), with the Node 22 that scripts/node22.sh finds or installs.
test-node22:
	node22="$$(./scripts/node22.sh)" && export PATH="$$(dirname "$$node22"):$$PATH" && \
	  out="$$(mktemp -d)" && trap 'rm -rf "$$out"' EXIT && node --version && \
	  (cd frontend && npm run --silent build -- --outDir "$$out" --emptyOutDir >/dev/null && npm test --silent) && \
	  (cd tests/node && npm test --silent)

test-e2e:
	$(PYTEST) tests/e2e

# Every `make bench` section at a tiny size (python -m bench --smoke), so none breaks unseen.
test-bench:
	$(PYTEST) tests/bench

# Firefox (firefox-esr over WebDriver BiDi) and Chromium in one call on both SFU providers,
# driven by puppeteer-core from Node against `python -m vr_testkit.serve_e2e`.
test-firefox:
	cd tests/e2e/firefox && npm test --silent

# The production shape (Dockerfiles, docker-compose*.yml, env.example, rendered configs),
# checked without a Docker engine: docs/deploy.md.
test-deploy:
	$(PYTEST) tests/deploy

bench: setup
	uv run --locked python -m bench
