#!/bin/sh
# render.sh TEMPLATE: print TEMPLATE with every ${NAME} replaced by the environment variable NAME.
#
# The one renderer for config/*.yaml and config/*.conf, used the same way by `make up`, the tests
# and docker compose (it is POSIX sh + sed, so it runs in any small image). A placeholder whose
# variable is unset is an error, never an empty string: a half-rendered config must not start.
set -eu
template="$1"
[ -r "$template" ] || { echo "render.sh: cannot read $template" >&2; exit 1; }
script=""
for name in $(grep -o '\${[A-Za-z_][A-Za-z0-9_]*}' "$template" | sort -u | sed 's/^\${//; s/}$//'); do
  eval "is_set=\${$name+x}"
  if [ -z "$is_set" ]; then
    echo "render.sh: $template needs the environment variable $name" >&2
    exit 1
  fi
  eval "value=\$$name"
  # Escape what sed would read as special in the replacement, with | as the delimiter.
  escaped=$(printf '%s' "$value" | sed 's/[\\|&]/\\&/g')
  script="$script s|\${$name}|$escaped|g;"
done
sed "$script" "$template"
