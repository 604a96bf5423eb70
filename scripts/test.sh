#!/usr/bin/env bash
# The one command that runs every check: types, lint, architecture rules and all test suites.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== typecheck" && npm run --silent typecheck
echo "== lint" && npm run --silent lint
echo "== tests" && npm run --silent test:jest -- "$@"
if [ -z "${EVENTSTORE_URL:-}" ]; then
  echo "!! KurrentDB event-store suite NOT RUN (EVENTSTORE_URL unset; see README \"Distributed mode\")" >&2
fi
