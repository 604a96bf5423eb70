#!/usr/bin/env bash
# Stops the broker started by start.sh from this folder: SIGTERM (clean shutdown hook), up to 30 s,
# then SIGKILL. Exits 0 when nothing was running.   npm run kafka:stop
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

T0=$EPOCHREALTIME
if ! pid=$(kafka_running_pid); then
  if [[ -f $KAFKA_PID_FILE ]]; then
    echo "kafka: not running (removed stale pid file)"
  else
    echo "kafka: not running"
  fi
  rm -f "$KAFKA_PID_FILE" "$KAFKA_PORT_FILE"
  exit 0
fi

echo "kafka: stopping broker (pid $pid)…"
kill -TERM "$pid" 2>/dev/null || true
for _ in $(seq 1 150); do # 150 × 0.2 s = 30 s
  kafka_is_ours "$pid" || break
  sleep 0.2
done
if kafka_is_ours "$pid"; then
  echo "kafka: still running after 30 s, sending SIGKILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 25); do
    kafka_is_ours "$pid" || break
    sleep 0.2
  done
  if kafka_is_ours "$pid"; then
    echo "kafka: pid $pid survived SIGKILL" >&2
    exit 1
  fi
fi
rm -f "$KAFKA_PID_FILE" "$KAFKA_PORT_FILE"
echo "kafka: stopped in $(elapsed_since "$T0") s"
