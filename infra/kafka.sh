#!/usr/bin/env bash
# Local Apache Kafka (KRaft) without Docker: jars from Maven Central, brokers in the background with
# pid files and log files. A single broker by default; KAFKA_LOCAL_NODES=3 (or more) runs a cluster of
# that many combined broker+controller nodes on ports of their own, beside the single broker.
#
#   infra/kafka.sh fetch          copy the broker's jars into .cache/ (once; reused after)
#   infra/kafka.sh start          fetch if needed, format storage if new, start what is not running, wait
#   infra/kafka.sh stop           controlled shutdown (SIGTERM, then SIGKILL after KAFKA_LOCAL_STOP_TIMEOUT s)
#   infra/kafka.sh restart        stop then start (the data directories are kept)
#   infra/kafka.sh status         exit 0 when every node of ours runs and answers
#   infra/kafka.sh brokers        print the KAFKA_BROKERS string (host:port,...)
#   infra/kafka.sh wipe           stop and delete the data
#   infra/kafka.sh kill-node N    SIGKILL node N (a crash; the fault suite's broker failure)
#   infra/kafka.sh stop-node N    controlled shutdown of node N only
#   infra/kafka.sh start-node N   start node N again and wait until it answers
#
# Single broker (KAFKA_LOCAL_NODES unset or 1): 127.0.0.1:9092, controller 9093, state in .run/kafka.
# Cluster (KAFKA_LOCAL_NODES=3): node n listens on KAFKA_CLUSTER_PORT+n-1 (19092..19094), its
# controller on KAFKA_CLUSTER_CONTROLLER_PORT+n-1 (19192..19194), state in .run/kafka-cluster/node-n.
#
# Starting twice never starts two brokers: `start` holds a lock and leaves running nodes alone (so it
# also restarts a node that was killed).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$repo/infra/kafka/pom.xml")
lib_dir=${KAFKA_LOCAL_LIB_DIR:-$repo/.cache/kafka-$version/lib}
nodes=${KAFKA_LOCAL_NODES:-1}
start_timeout=${KAFKA_LOCAL_START_TIMEOUT:-90}
stop_timeout=${KAFKA_LOCAL_STOP_TIMEOUT:-30}
if [[ ! $nodes =~ ^[1-9]$ || $nodes == 2 ]]; then
  # Two nodes can't keep a controller quorum when one fails: no use for a fault test.
  echo "kafka: KAFKA_LOCAL_NODES must be 1 or 3 to 9, not '$nodes'" >&2
  exit 2
fi
if ((nodes == 1)); then
  state_dir=${METRICS_STATE_DIR:-$repo/.run}/kafka
  heap=${KAFKA_LOCAL_HEAP:-512m}
else
  state_dir=${METRICS_STATE_DIR:-$repo/.run}/kafka-cluster
  # three JVMs on a small machine
  heap=${KAFKA_LOCAL_HEAP:-384m}
  cluster_port=${KAFKA_CLUSTER_PORT:-19092}
  cluster_controller_port=${KAFKA_CLUSTER_CONTROLLER_PORT:-19192}
fi
# Who started the running broker(s) (METRICS_STARTED_BY, e.g. "run" for `make run`), so that `make stop`
# stops only what `make run` started (METRICS_STOP_ONLY_STARTED_BY=run).
starter_file=$state_dir/started-by

log() { echo "kafka: $*" >&2; }

# Per node: where its files are and which ports it listens on. The single broker keeps the layout it
# always had (.run/kafka/broker.pid, ...).
node_dir() { if ((nodes == 1)); then echo "$state_dir"; else echo "$state_dir/node-$1"; fi; }
pid_file() { echo "$(node_dir "$1")/broker.pid"; }
log_file() { echo "$(node_dir "$1")/broker.log"; }
props_file() { echo "$(node_dir "$1")/server.properties"; }
broker_port() { if ((nodes == 1)); then echo "${KAFKA_LOCAL_PORT:-9092}"; else echo $((cluster_port + $1 - 1)); fi; }
controller_port() {
  if ((nodes == 1)); then echo "${KAFKA_LOCAL_CONTROLLER_PORT:-9093}"; else echo $((cluster_controller_port + $1 - 1)); fi
}
all_nodes() { seq 1 "$nodes"; }

check_node() {
  if [[ ! ${1:-} =~ ^[0-9]+$ ]] || (($1 < 1 || $1 > nodes)); then
    log "node must be 1 to $nodes (KAFKA_LOCAL_NODES=$nodes), not '${1:-}'"
    exit 2
  fi
}

running_pid() {
  local pid_file
  pid_file=$(pid_file "$1")
  [[ -f $pid_file ]] || return 1
  local pid
  pid=$(<"$pid_file")
  # the pid must be alive *and* be this node's broker (pids are reused after a reboot)
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $(props_file "$1")" || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# shellcheck source=infra/daemon.sh
source "$repo/infra/daemon.sh"

brokers() {
  local n list=()
  for n in $(all_nodes); do list+=("127.0.0.1:$(broker_port "$n")"); done
  (IFS=,; echo "${list[*]}")
}

fetch() {
  if [[ -f $lib_dir/.complete ]]; then return 0; fi
  log "fetching Apache Kafka $version jars with Maven into $lib_dir"
  mkdir -p "$lib_dir"
  mvn -B -q -f "$repo/infra/kafka/pom.xml" dependency:copy-dependencies -DoutputDirectory="$lib_dir" >&2
  ls "$lib_dir"/kafka_2.13-"$version".jar >/dev/null
  touch "$lib_dir/.complete"
}

quorum_voters() {
  local n list=()
  for n in $(all_nodes); do list+=("$n@127.0.0.1:$(controller_port "$n")"); done
  (IFS=,; echo "${list[*]}")
}

write_config() {
  local n=$1 data_dir props
  data_dir=$(node_dir "$n")/data
  props=$(props_file "$n")
  mkdir -p "$data_dir"
  sed -e "s|@NODE_ID@|$n|g" -e "s|@QUORUM_VOTERS@|$(quorum_voters)|g" \
    -e "s|@PORT@|$(broker_port "$n")|g" -e "s|@CONTROLLER_PORT@|$(controller_port "$n")|g" \
    -e "s|@DATA_DIR@|$data_dir|g" \
    "$repo/infra/kafka/server.properties.template" >"$props"
  if ((nodes > 1)); then
    # Later keys win in a properties file: the cluster's replication replaces the single node's.
    cat "$repo/infra/kafka/cluster.properties" >>"$props"
  fi
}

# One cluster id for every node (a node formatted with another id would not join the quorum), kept in
# the state directory so that a node whose data was removed is formatted into the same cluster.
cluster_id() {
  local file=$state_dir/cluster-id
  if [[ ! -s $file ]]; then
    # 16 random bytes as URL-safe base64 without padding, as Kafka's Uuid.randomUuid(); never starting with '-'
    head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' | sed 's/^-/A/' >"$file"
  fi
  cat "$file"
}

format_storage() {
  local n=$1 data_dir
  data_dir=$(node_dir "$n")/data
  if [[ -f $data_dir/meta.properties ]]; then return 0; fi
  local id
  if ((nodes == 1)); then
    id=$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' | sed 's/^-/A/')
  else
    id=$(cluster_id)
  fi
  log "formatting storage in $data_dir (cluster $id)"
  java -Xmx256m -cp "$lib_dir/*" -Dlog4j.configuration="file:$repo/infra/kafka/log4j.properties" \
    kafka.tools.StorageTool format -t "$id" -c "$(props_file "$n")" --ignore-formatted >&2
}

# Starts node n's JVM (configured and formatted) without waiting; its pid is left in $launched_pid.
launch() {
  local n=$1 log_file
  log_file=$(log_file "$n")
  : >"$log_file"
  # setsid: the broker outlives the shell that started it and does not get the terminal's Ctrl-C.
  # Only stdin/out/err are passed on: a broker that inherited a caller's descriptor would hold it for
  # its lifetime, e.g. the lock of `flock /tmp/metrics-it.lock npx jest ...`, and block every later run.
  (
    close_inherited_fds
    exec setsid java -Xms128m -Xmx"$heap" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k \
      -Djava.awt.headless=true -Dlog4j.configuration="file:$repo/infra/kafka/log4j.properties" \
      -cp "$lib_dir/*" kafka.Kafka "$(props_file "$n")" >>"$log_file" 2>&1 </dev/null
  ) &
  launched_pid=$!
  echo "$launched_pid" >"$(pid_file "$n")"
}

wait_ready() {
  local n=$1 pid=$2 deadline=$((SECONDS + start_timeout)) log_file port
  log_file=$(log_file "$n")
  port=$(broker_port "$n")
  until grep -q 'Kafka Server started' "$log_file" 2>/dev/null && port_open "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "node $n exited during start; last lines of $log_file:"
      tail -n 30 "$log_file" >&2
      rm -f "$(pid_file "$n")"
      return 1
    fi
    if ((SECONDS > deadline)); then
      log "node $n not ready after ${start_timeout}s; see $log_file"
      return 1
    fi
    sleep 0.2
  done
}

lock() {
  mkdir -p "$state_dir"
  exec 9>"$state_dir/lock"
  flock -w "$start_timeout" 9
}

# Starts the given nodes that are not running (all at once: a cluster's nodes wait for each other's
# votes before any of them is ready) and waits for each. Holds the lock.
start_nodes() {
  lock
  local n pid started=$SECONDS any_running=false to_wait=() launched=()
  for n in $(all_nodes); do
    if running_pid "$n" >/dev/null; then any_running=true; fi
  done
  for n in "$@"; do
    if pid=$(running_pid "$n"); then
      if ((nodes == 1)); then log "already running (pid $pid) on 127.0.0.1:$(broker_port "$n")"; fi
      to_wait+=("$n:$pid")
      continue
    fi
    if port_open "$(broker_port "$n")"; then
      if ((nodes == 1)); then
        # Like PostgreSQL and Redis: a broker that already answers is used, not replaced (nor stopped by us).
        log "something we did not start answers on 127.0.0.1:$(broker_port "$n"): using it as the broker (KAFKA_LOCAL_PORT picks another port)"
        return 0
      fi
      log "port $(broker_port "$n") of node $n is taken by a process we did not start (KAFKA_CLUSTER_PORT picks others)"
      return 1
    fi
    if port_open "$(controller_port "$n")"; then
      log "controller port $(controller_port "$n") of node $n is taken by a process we did not start"
      return 1
    fi
    launched+=("$n")
  done
  if ((${#launched[@]})); then
    fetch
    # Formatting takes a JVM start of its own: the nodes' in parallel, into one cluster id drawn first.
    if ((nodes > 1)); then cluster_id >/dev/null; fi
    local formats=()
    for n in "${launched[@]}"; do
      (write_config "$n" && format_storage "$n") &
      formats+=($!)
    done
    for pid in "${formats[@]}"; do wait "$pid"; done
  fi
  for n in "${launched[@]}"; do
    launch "$n"
    to_wait+=("$n:$launched_pid")
  done
  # A cluster started from nothing belongs to whoever started it; restarting one node does not change that.
  if ((${#launched[@]})) && ! $any_running; then echo "${METRICS_STARTED_BY:-manual}" >"$starter_file"; fi
  local entry
  for entry in "${to_wait[@]}"; do
    wait_ready "${entry%%:*}" "${entry#*:}"
  done
  if ((${#launched[@]} == 0)); then
    if ((nodes > 1)); then log "already running on $(brokers)"; fi
  elif ((nodes == 1)); then
    log "started (pid $(<"$(pid_file 1)")) on 127.0.0.1:$(broker_port 1) in $((SECONDS - started)) s; log: $(log_file 1)"
  else
    log "started node(s) ${launched[*]} in $((SECONDS - started)) s; cluster $(brokers); logs: $state_dir/node-*/broker.log"
  fi
}

# Sends `signal` to the given nodes and waits for them to exit (SIGKILL after the stop timeout).
signal_nodes() {
  local signal=$1 n pid pids=()
  shift
  for n in "$@"; do
    if pid=$(running_pid "$n"); then
      kill "-$signal" "$pid"
      pids+=("$n:$pid")
    else
      rm -f "$(pid_file "$n")"
    fi
  done
  local deadline=$((SECONDS + stop_timeout)) entry
  for entry in "${pids[@]}"; do
    n=${entry%%:*}
    pid=${entry#*:}
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS > deadline)); then
        log "node $n: no exit after ${stop_timeout}s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
      fi
      sleep 0.1
    done
    rm -f "$(pid_file "$n")"
  done
  ((${#pids[@]} > 0))
}

stop() {
  # under the lock, as start: a start meanwhile would find our dying broker "running", wait on it and
  # remove its pid file when it exits, leaving the broker it then starts without one
  lock
  local n any=false
  for n in $(all_nodes); do
    if running_pid "$n" >/dev/null; then any=true; fi
  done
  if ! $any; then
    for n in $(all_nodes); do rm -f "$(pid_file "$n")"; done
    log "not running"
    return 0
  fi
  local starter
  starter=$(cat "$starter_file" 2>/dev/null || echo manual)
  if [[ -n ${METRICS_STOP_ONLY_STARTED_BY:-} && $starter != "$METRICS_STOP_ONLY_STARTED_BY" ]]; then
    log "left running: it was started by '$starter', not by '$METRICS_STOP_ONLY_STARTED_BY'"
    return 0
  fi
  # All at once: stopped one after another, the last nodes would wait for a controller quorum that is gone.
  signal_nodes TERM $(all_nodes) || true
  log "stopped"
}

status() {
  local n pid ok=0
  for n in $(all_nodes); do
    local name="node $n"
    ((nodes == 1)) && name=running
    if pid=$(running_pid "$n") && port_open "$(broker_port "$n")"; then
      if ((nodes == 1)); then
        echo "kafka: running (pid $pid) on 127.0.0.1:$(broker_port "$n")"
      else
        echo "kafka: node $n running (pid $pid) on 127.0.0.1:$(broker_port "$n")"
      fi
    else
      ((nodes == 1)) || echo "kafka: $name not running (127.0.0.1:$(broker_port "$n"))"
      ok=1
    fi
  done
  return $ok
}

case ${1:-} in
  fetch) fetch ;;
  start) start_nodes $(all_nodes) ;;
  stop) stop ;;
  restart) stop && start_nodes $(all_nodes) ;;
  status) status ;;
  brokers) brokers ;;
  wipe) stop && rm -rf "$state_dir"/data "$state_dir"/node-* "$state_dir"/cluster-id && log "data removed" ;;
  kill-node)
    check_node "${2:-}"
    lock
    if signal_nodes KILL "$2"; then log "node $2 killed"; else log "node $2 was not running"; fi
    ;;
  stop-node)
    check_node "${2:-}"
    lock
    if signal_nodes TERM "$2"; then log "node $2 stopped"; else log "node $2 was not running"; fi
    ;;
  start-node)
    check_node "${2:-}"
    start_nodes "$2"
    ;;
  *)
    echo "usage: [KAFKA_LOCAL_NODES=3] $0 fetch|start|stop|restart|status|brokers|wipe|kill-node N|stop-node N|start-node N" >&2
    exit 2
    ;;
esac
