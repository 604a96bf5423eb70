#!/usr/bin/env bash
# The one command that runs every check: types, lint, architecture rules and all test suites.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck" && npm run --silent typecheck
echo "== lint" && npm run --silent lint
echo "== tests" && npm run --silent test:jest -- "$@"
