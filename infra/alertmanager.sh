#!/usr/bin/env bash
# Local Alertmanager from Debian's prometheus-alertmanager package, in the background with a pid file.
# Its default port 9093 is our local Kafka controller's, so it listens on ALERTMANAGER_LOCAL_PORT
# (9193), on loopback, with clustering (gossip on 9094) turned off.
#
#   infra/alertmanager.sh install   apt-get install prometheus-alertmanager when it is missing
#   infra/alertmanager.sh start     install if needed, start, wait until /-/ready answers
#   infra/alertmanager.sh stop      stop it (only when started by this script; METRICS_STOP_ONLY_STARTED_BY)
#   infra/alertmanager.sh status    exit 0 when ours runs and answers
#
# Starting twice never starts two: `start` holds a lock and returns when ours already runs; an
# Alertmanager that already answers on the port is used, not replaced.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state_dir=${METRICS_STATE_DIR:-$repo/.run}/alertmanager
port=${ALERTMANAGER_LOCAL_PORT:-9193}
start_timeout=${ALERTMANAGER_LOCAL_START_TIMEOUT:-30}
binary=/usr/bin/prometheus-alertmanager
pid_file=$state_dir/alertmanager.pid
starter_file=$state_dir/started-by
log_file=$state_dir/alertmanager.log
url=http://127.0.0.1:$port

log() { echo "alertmanager: $*" >&2; }
# shellcheck source=infra/daemon.sh
source "$repo/infra/daemon.sh"

running_pid() {
  [[ -f $pid_file ]] || return 1
  local pid
  pid=$(<"$pid_file")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && grep -q 'alertmanager' "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

answers() { curl -fsS -o /dev/null --max-time 2 "$url/-/ready" 2>/dev/null; }

install() {
  [[ -x $binary ]] && return 0
  log "installing Debian's prometheus-alertmanager"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-alertmanager >&2; then
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus-alertmanager >&2
  fi
}

start() {
  mkdir -p "$state_dir"
  exec 9>"$state_dir/lock"
  flock -w "$start_timeout" 9
  local pid
  if pid=$(running_pid); then
    wait_ready "$pid"
    log "already running (pid $pid) at $url"
    return 0
  fi
  if answers; then
    log "an Alertmanager we did not start answers at $url: using it"
    return 0
  fi
  install
  mkdir -p "$state_dir/data"
  : >"$log_file"
  (
    close_inherited_fds
    exec setsid "$binary" --config.file="$repo/infra/alertmanager/alertmanager.yml" \
      --storage.path="$state_dir/data" --web.listen-address="127.0.0.1:$port" \
      --cluster.listen-address= --log.format=json >>"$log_file" 2>&1 </dev/null
  ) &
  echo $! >"$pid_file"
  echo "${METRICS_STARTED_BY:-manual}" >"$starter_file"
  wait_ready "$!"
  log "started (pid $(<"$pid_file")) at $url; log: $log_file"
}

wait_ready() {
  local pid=$1 deadline=$((SECONDS + start_timeout))
  until answers; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "exited during start; last lines of $log_file:"
      tail -n 20 "$log_file" >&2
      rm -f "$pid_file"
      return 1
    fi
    if ((SECONDS > deadline)); then log "not ready after ${start_timeout}s; see $log_file"; return 1; fi
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
  local deadline=$((SECONDS + 15))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS > deadline)); then kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.2
  done
  rm -f "$pid_file"
  log "stopped"
}

case ${1:-} in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) pid=$(running_pid) && answers && echo "alertmanager: running (pid $pid) at $url" ;;
  url) echo "$url" ;;
  *) echo "usage: $0 install|start|stop|status|url" >&2; exit 2 ;;
esac
