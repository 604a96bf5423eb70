#!/usr/bin/env bash
# Starts a single-node Kafka broker (KRaft, broker+controller) from Maven Central jars, without Docker.
#   npm run kafka:start        (stop with: npm run kafka:stop)
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_START_TIMEOUT: seconds the broker may take
# after formatting to log "Kafka Server started" and accept connections (90).
# Jars: .kafka/lib (fetched with Maven on first run only), data: .kafka/data (fresh every start),
# log: .kafka/broker.log, pid: .kafka/broker.pid (KAFKA_STATE_DIR moves data, log and pid elsewhere, for a
# second broker beside the first). Needs java (17) and, on first run, mvn.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PORT=${KAFKA_PORT:-9092}
CPORT=${KAFKA_CONTROLLER_PORT:-9093}
TIMEOUT=${KAFKA_START_TIMEOUT:-90}
T0=$EPOCHREALTIME

die() { echo "kafka: $*" >&2; exit 1; }
[[ $PORT =~ ^[0-9]+$ && $CPORT =~ ^[0-9]+$ ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must be numbers"
[[ $PORT != "$CPORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ (both $PORT)"
[[ $TIMEOUT =~ ^[0-9]+$ && $TIMEOUT -gt 0 ]] || die "KAFKA_START_TIMEOUT must be a positive number of seconds"
command -v java >/dev/null 2>&1 || die "java not found on PATH (Kafka needs Java 17)"

KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$KAFKA_SCRIPTS/pom.xml")
[[ -n $KAFKA_VERSION ]] || die "no <kafka.version> in $KAFKA_SCRIPTS/pom.xml"

tail_log() {
  echo "kafka: last 50 lines of $KAFKA_LOG:" >&2
  tail -n 50 "$KAFKA_LOG" >&2 || true
}

# Waits until broker $1 logged "Kafka Server started" and accepts connections on $PORT.
wait_ready() {
  local pid=$1 deadline
  deadline=$(awk -v t="$EPOCHREALTIME" -v d="$TIMEOUT" 'BEGIN { printf "%d", t + d }')
  while :; do
    if ! kafka_is_ours "$pid"; then
      echo "kafka: broker (pid $pid) exited during start-up" >&2
      tail_log
      rm -f "$KAFKA_PID_FILE" "$KAFKA_PORT_FILE"
      exit 1
    fi
    if grep -q 'Kafka Server started' "$KAFKA_LOG" 2>/dev/null && port_open "$PORT"; then
      return 0
    fi
    if ((${EPOCHREALTIME%.*} >= deadline)); then
      echo "kafka: broker not ready after ${TIMEOUT} s (KAFKA_START_TIMEOUT)" >&2
      tail_log
      echo "kafka: stopping the unready broker" >&2
      bash "$KAFKA_SCRIPTS/stop.sh" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
}

# --- Already running from this folder? ----------------------------------------------------------
mkdir -p "$KAFKA_HOME" "$KAFKA_STATE"
if pid=$(kafka_running_pid); then
  read -r run_port run_cport 2>/dev/null <"$KAFKA_PORT_FILE" || true
  if [[ ${run_port:-} != "$PORT" || ${run_cport:-} != "$CPORT" ]]; then
    die "a broker from this folder is already running (pid $pid) on ports ${run_port:-?}/${run_cport:-?}, not $PORT/$CPORT; run 'npm run kafka:stop' first"
  fi
  if grep -q 'Kafka Server started' "$KAFKA_LOG" 2>/dev/null && port_open "$PORT"; then
    echo "kafka: already running on 127.0.0.1:$PORT (pid $pid), nothing to do"
    exit 0
  fi
  echo "kafka: broker from this folder (pid $pid) is still starting, waiting for it…"
  wait_ready "$pid"
  echo "kafka: ready on 127.0.0.1:$PORT in $(elapsed_since "$T0") s (pid $pid)"
  exit 0
fi
rm -f "$KAFKA_PID_FILE" "$KAFKA_PORT_FILE"

for p in "$PORT" "$CPORT"; do
  if port_open "$p"; then
    echo "kafka: port 127.0.0.1:$p is already in use by another process (not a broker started from $PROJECT_ROOT)." >&2
    port_owner "$p" >&2
    die "free the port or choose others with KAFKA_PORT / KAFKA_CONTROLLER_PORT"
  fi
done

# --- Jars (Maven, first run only) ----------------------------------------------------------------
MARKER="$KAFKA_LIB/.kafka-version"
WANT_MARKER="kafka_version=$KAFKA_VERSION pom_sha256=$(sha256sum "$KAFKA_SCRIPTS/pom.xml" | cut -c1-64)"
if [[ ! -f $KAFKA_LIB/kafka_2.13-$KAFKA_VERSION.jar || "$(cat "$MARKER" 2>/dev/null)" != "$WANT_MARKER" ]]; then
  command -v mvn >/dev/null 2>&1 || die "mvn not found on PATH (needed once to fetch the broker jars)"
  echo "kafka: fetching broker jars (Kafka $KAFKA_VERSION) with Maven (first run only)…"
  TF=$EPOCHREALTIME
  rm -rf "$KAFKA_LIB"
  if ! mvn -B -q -f "$KAFKA_SCRIPTS/pom.xml" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIB" >"$KAFKA_HOME/maven.log" 2>&1; then
    tail -n 50 "$KAFKA_HOME/maven.log" >&2
    die "Maven could not fetch the broker jars (full output: .kafka/maven.log)"
  fi
  [[ -f $KAFKA_LIB/kafka_2.13-$KAFKA_VERSION.jar ]] || die "Maven finished but kafka_2.13-$KAFKA_VERSION.jar is missing from $KAFKA_LIB"
  echo "$WANT_MARKER" >"$MARKER"
  echo "kafka: fetched $(find "$KAFKA_LIB" -name '*.jar' | wc -l) jars ($(du -sh "$KAFKA_LIB" | cut -f1)) in $(elapsed_since "$TF") s"
fi

# --- Fresh storage -------------------------------------------------------------------------------
JAVA_OPTS=(-Xms256m -Xmx512m -Djava.awt.headless=true "-Dlog4j.configuration=file:$KAFKA_SCRIPTS/log4j.properties")
OVERRIDES=(
  "listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CPORT"
  "advertised.listeners=PLAINTEXT://127.0.0.1:$PORT"
  "controller.quorum.voters=1@127.0.0.1:$CPORT"
  "log.dirs=$KAFKA_DATA"
)
rm -rf "$KAFKA_DATA"
mkdir -p "$KAFKA_DATA"
# StorageTool has no --override: format with a copy of the config whose last lines win.
FORMAT_CFG="$KAFKA_STATE/format.properties"
{ cat "$KAFKA_SCRIPTS/server.properties"; echo; printf '%s\n' "${OVERRIDES[@]}"; } >"$FORMAT_CFG"
CLUSTER_ID=$(node -e "const c=require('crypto');let id;do{id=c.randomBytes(16).toString('base64url')}while(id.startsWith('-'));process.stdout.write(id)")
echo "kafka: starting Kafka $KAFKA_VERSION on 127.0.0.1:$PORT (controller :$CPORT), cluster id $CLUSTER_ID…"
if ! java "${JAVA_OPTS[@]}" -cp "$KAFKA_LIB/*" kafka.tools.StorageTool format \
  -t "$CLUSTER_ID" -c "$FORMAT_CFG" >"$KAFKA_STATE/format.log" 2>&1; then
  cat "$KAFKA_STATE/format.log" >&2
  die "formatting $KAFKA_DATA failed"
fi

# --- Broker --------------------------------------------------------------------------------------
override_args=()
for o in "${OVERRIDES[@]}"; do override_args+=(--override "$o"); done
: >"$KAFKA_LOG"
# setsid: own session, so a Ctrl-C in the terminal that ran `npm run kafka:start` does not reach it.
setsid java "${JAVA_OPTS[@]}" -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_SCRIPTS/server.properties" \
  "${override_args[@]}" </dev/null >>"$KAFKA_LOG" 2>&1 &
pid=$!
echo "$pid" >"$KAFKA_PID_FILE"
echo "$PORT $CPORT" >"$KAFKA_PORT_FILE"

wait_ready "$pid"
echo "kafka: ready on 127.0.0.1:$PORT in $(elapsed_since "$T0") s (pid $pid, log $KAFKA_LOG)"
