#!/usr/bin/env bash
# Prints the path of a working Python 3.13 (for `make test-py313` and setup.sh), or nothing.
# `command -v python3.13` is not enough: pyenv puts a shim on PATH that exists but fails when
# 3.13 is not the selected version, so each candidate is run before it is chosen.
for candidate in "${PYTHON313:-}" "$(command -v python3.13 || true)" \
    "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.13*/bin/python3; do
  [ -n "$candidate" ] && [ -x "$candidate" ] || continue
  if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' >/dev/null 2>&1; then
    printf '%s\n' "$candidate"
    exit 0
  fi
done
exit 1
