#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft) without Docker: jars from Maven Central, a broker in the
# background with a pid file and a log file.
#
#   infra/kafka.sh fetch     copy the broker's jars into .cache/ (once; reused after)
#   infra/kafka.sh start     fetch if needed, format storage if new, start, wait until it answers
#   infra/kafka.sh stop      controlled shutdown (SIGTERM, then SIGKILL after KAFKA_LOCAL_STOP_TIMEOUT s)
#   infra/kafka.sh restart   stop then start (the data directory is kept)
#   infra/kafka.sh status    exit 0 when our broker runs and answers
#   infra/kafka.sh wipe      stop and delete the data directory
#
# Starting twice never starts two brokers: `start` holds a lock and returns when ours already runs.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$repo/infra/kafka/pom.xml")
state_dir=${METRICS_STATE_DIR:-$repo/.run}/kafka
lib_dir=${KAFKA_LOCAL_LIB_DIR:-$repo/.cache/kafka-$version/lib}
data_dir=$state_dir/data
port=${KAFKA_LOCAL_PORT:-9092}
controller_port=${KAFKA_LOCAL_CONTROLLER_PORT:-9093}
heap=${KAFKA_LOCAL_HEAP:-512m}
start_timeout=${KAFKA_LOCAL_START_TIMEOUT:-90}
stop_timeout=${KAFKA_LOCAL_STOP_TIMEOUT:-30}
pid_file=$state_dir/broker.pid
# Who started the running broker (METRICS_STARTED_BY, e.g. "run" for `make run`), so that `make stop`
# stops only what `make run` started (METRICS_STOP_ONLY_STARTED_BY=run).
starter_file=$state_dir/started-by
log_file=$state_dir/broker.log
props=$state_dir/server.properties

log() { echo "kafka: $*" >&2; }

running_pid() {
  [[ -f $pid_file ]] || return 1
  local pid
  pid=$(<"$pid_file")
  # the pid must be alive *and* be our broker (pids are reused after a reboot)
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && grep -q 'kafka.Kafka' "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

fetch() {
  if [[ -f $lib_dir/.complete ]]; then return 0; fi
  log "fetching Apache Kafka $version jars with Maven into $lib_dir"
  mkdir -p "$lib_dir"
  mvn -B -q -f "$repo/infra/kafka/pom.xml" dependency:copy-dependencies -DoutputDirectory="$lib_dir" >&2
  ls "$lib_dir"/kafka_2.13-"$version".jar >/dev/null
  touch "$lib_dir/.complete"
}

write_config() {
  mkdir -p "$data_dir"
  sed -e "s|@PORT@|$port|g" -e "s|@CONTROLLER_PORT@|$controller_port|g" -e "s|@DATA_DIR@|$data_dir|g" \
    "$repo/infra/kafka/server.properties.template" >"$props"
}

format_storage() {
  if [[ -f $data_dir/meta.properties ]]; then return 0; fi
  local cluster_id
  # 16 random bytes as URL-safe base64 without padding, as Kafka's Uuid.randomUuid(); never starting with '-'
  cluster_id=$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' | sed 's/^-/A/')
  log "formatting storage in $data_dir (cluster $cluster_id)"
  java -Xmx256m -cp "$lib_dir/*" -Dlog4j.configuration="file:$repo/infra/kafka/log4j.properties" \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$props" --ignore-formatted >&2
}

start() {
  mkdir -p "$state_dir"
  exec 9>"$state_dir/lock"
  flock -w "$start_timeout" 9
  local pid
  if pid=$(running_pid); then
    log "already running (pid $pid) on 127.0.0.1:$port"
    wait_ready "$pid"
    return 0
  fi
  if port_open "$port"; then
    # Like PostgreSQL and Redis: a broker that already answers is used, not replaced (nor stopped by us).
    log "something we did not start answers on 127.0.0.1:$port: using it as the broker (KAFKA_LOCAL_PORT picks another port)"
    return 0
  fi
  fetch
  write_config
  format_storage
  local started=$SECONDS
  : >"$log_file"
  # setsid: the broker outlives the shell that started it and does not get the terminal's Ctrl-C
  setsid java -Xms128m -Xmx"$heap" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$repo/infra/kafka/log4j.properties" \
    -cp "$lib_dir/*" kafka.Kafka "$props" >>"$log_file" 2>&1 </dev/null 9>&- &
  echo $! >"$pid_file"
  echo "${METRICS_STARTED_BY:-manual}" >"$starter_file"
  wait_ready "$!"
  log "started (pid $(<"$pid_file")) on 127.0.0.1:$port in $((SECONDS - started)) s; log: $log_file"
}

wait_ready() {
  local pid=$1 deadline=$((SECONDS + start_timeout))
  until grep -q 'Kafka Server started' "$log_file" 2>/dev/null && port_open "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "broker exited during start; last lines of $log_file:"
      tail -n 30 "$log_file" >&2
      rm -f "$pid_file"
      return 1
    fi
    if ((SECONDS > deadline)); then
      log "not ready after ${start_timeout}s; see $log_file"
      return 1
    fi
    sleep 0.2
  done
}

stop() {
  local pid
  if ! pid=$(running_pid); then
    rm -f "$pid_file"
    log "not running"
    return 0
  fi
  local starter
  starter=$(cat "$starter_file" 2>/dev/null || echo manual)
  if [[ -n ${METRICS_STOP_ONLY_STARTED_BY:-} && $starter != "$METRICS_STOP_ONLY_STARTED_BY" ]]; then
    log "left running (pid $pid): it was started by '$starter', not by '$METRICS_STOP_ONLY_STARTED_BY'"
    return 0
  fi
  kill -TERM "$pid"
  local deadline=$((SECONDS + stop_timeout))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS > deadline)); then
      log "no exit after ${stop_timeout}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    sleep 0.2
  done
  rm -f "$pid_file"
  log "stopped"
}

case ${1:-} in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  restart) stop && start ;;
  status) pid=$(running_pid) && port_open "$port" && echo "kafka: running (pid $pid) on 127.0.0.1:$port" ;;
  wipe) stop && rm -rf "$data_dir" && log "data removed" ;;
  *) echo "usage: $0 fetch|start|stop|restart|status|wipe" >&2; exit 2 ;;
esac
