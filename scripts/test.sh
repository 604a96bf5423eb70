#!/usr/bin/env bash
# The one command that runs every check: types, lint, architecture rules and all test suites.
# The Kafka suites need a broker: if nothing answers on 127.0.0.1:$KAFKA_PORT (9092) one is started
# (npm run kafka:start) and stopped again at the end; a broker that was already running is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
KAFKA_PORT=${KAFKA_PORT:-9092}
started_kafka=0
stop_kafka() {
  if [[ $started_kafka == 1 ]]; then npm run --silent kafka:stop || true; fi
}
trap stop_kafka EXIT
echo "== typecheck" && npm run --silent typecheck
echo "== lint" && npm run --silent lint
if [[ -z ${TEST_KAFKA_BROKERS:-} ]]; then
  if ! timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$KAFKA_PORT" 2>/dev/null; then
    echo "== kafka (starting a broker on 127.0.0.1:$KAFKA_PORT)"
    started_kafka=1
    KAFKA_PORT=$KAFKA_PORT npm run --silent kafka:start
  fi
  export TEST_KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
fi
echo "== tests on Node $(node -v); system ffmpeg: $(ffmpeg -version 2>/dev/null | head -n 1 || echo none)"
npm run --silent test:jest -- --maxWorkers="${JEST_WORKERS:-2}" "$@"
# The media suites once more on the bundled ffmpeg: the fallback when no capable system ffmpeg is present.
if [[ $# == 0 && ${FFMPEG_PATH:-} != bundled ]]; then
  echo "== media suites on the bundled ffmpeg (FFMPEG_PATH=bundled)"
  FFMPEG_PATH=bundled FFPROBE_PATH='' npm run --silent test:jest -- --selectProjects int \
    --maxWorkers="${JEST_WORKERS:-2}" --testPathPatterns 'test/int/media/'
fi
if [ -z "${EVENTSTORE_URL:-}" ]; then
  echo "!! KurrentDB event-store suite NOT RUN (EVENTSTORE_URL unset; see README \"Distributed mode\")" >&2
fi
