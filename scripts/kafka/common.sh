# Shared by start.sh and stop.sh (sourced, not run). Paths, pid ownership, port probe, timing.
export LC_ALL=C # '.' as decimal separator in $EPOCHREALTIME and printf

KAFKA_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT_ROOT=$(cd "$KAFKA_SCRIPTS/../.." && pwd)
KAFKA_HOME="$PROJECT_ROOT/.kafka"
KAFKA_LIB="$KAFKA_HOME/lib"
# A second broker (a test that takes its broker down) keeps its data, pid and log in KAFKA_STATE_DIR.
KAFKA_STATE="${KAFKA_STATE_DIR:-$KAFKA_HOME}"
KAFKA_DATA="$KAFKA_STATE/data"
KAFKA_PID_FILE="$KAFKA_STATE/broker.pid"
KAFKA_PORT_FILE="$KAFKA_STATE/broker.ports"
KAFKA_LOG="$KAFKA_STATE/broker.log"

# True when pid $1 is alive (not a zombie) and is kafka.Kafka running from this folder's .kafka/lib.
kafka_is_ours() {
  local pid=$1 cmd state
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null) || return 1
  [[ $state != Z ]] || return 1
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == *kafka.Kafka* && $cmd == *"$KAFKA_LIB/"* ]]
}

# Prints the pid of this folder's running broker, or fails.
kafka_running_pid() {
  local pid
  [[ -f $KAFKA_PID_FILE ]] || return 1
  pid=$(<"$KAFKA_PID_FILE")
  kafka_is_ours "$pid" || return 1
  echo "$pid"
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Who listens on port $1 (best effort, for error messages).
port_owner() {
  command -v ss >/dev/null 2>&1 || return 0
  ss -Hltnp "sport = :$1" 2>/dev/null | sed 's/^/    /' || true
}

elapsed_since() { # seconds since $1 (an $EPOCHREALTIME value), one decimal
  awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }'
}
