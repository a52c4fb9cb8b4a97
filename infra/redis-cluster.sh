#!/usr/bin/env bash
# A real local Redis Cluster from the machine's redis-server: 3 masters and 3 replicas on 127.0.0.1,
# ports REDIS_CLUSTER_PORT (7001) to REDIS_CLUSTER_PORT+5, each node in .run/redis-cluster/<port>
# (nodes.conf, redis.pid, redis.log). Nothing is kept on disk but the cluster's layout (nodes.conf).
#
#   infra/redis-cluster.sh start              start the nodes not running, create the cluster if new, wait for cluster_state:ok
#   infra/redis-cluster.sh stop               stop the nodes (only those this script started; see METRICS_STOP_ONLY_STARTED_BY)
#   infra/redis-cluster.sh status             each node's pid and role; exit 0 when all run and the cluster is ok
#   infra/redis-cluster.sh nodes              print the REDIS_CLUSTER_NODES string (host:port,... of every node)
#   infra/redis-cluster.sh masters            print the ports of the current masters, one a line
#   infra/redis-cluster.sh failover PORT      planned failover of the master on PORT: its replica takes over (CLUSTER FAILOVER)
#   infra/redis-cluster.sh crash PORT         SIGKILL the master on PORT, wait until its replica is promoted and the
#                                             cluster is ok, then start the old node again, which rejoins as a replica
#   infra/redis-cluster.sh kill-node PORT     SIGKILL one node, nothing more
#   infra/redis-cluster.sh start-node PORT    start one node again and wait until the cluster is ok
#   infra/redis-cluster.sh wipe               stop and delete the state (a new cluster on the next start)
#
# A master that crashed must not come back before its replica was promoted: with nothing on disk it
# would return empty, still owning its slots, and its replica would copy the empty data set. `crash`
# waits for the promotion; after `kill-node` of a master, wait as long before `start-node`.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state_dir=${METRICS_STATE_DIR:-$repo/.run}/redis-cluster
base_port=${REDIS_CLUSTER_PORT:-7001}
# How long a master may be unreachable before its replica takes over (Redis' default is 15 s).
node_timeout=${REDIS_CLUSTER_NODE_TIMEOUT_MS:-5000}
wait_timeout=${REDIS_CLUSTER_WAIT_TIMEOUT:-60}
ports=()
for i in 0 1 2 3 4 5; do ports+=($((base_port + i))); done
starter_file=$state_dir/started-by

log() { echo "redis-cluster: $*" >&2; }
cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }
node_dir() { echo "$state_dir/$1"; }
pid_file() { echo "$state_dir/$1/redis.pid"; }

check_port() {
  local p
  for p in "${ports[@]}"; do [[ ${1:-} == "$p" ]] && return 0; done
  log "port must be one of ${ports[*]}, not '${1:-}'"
  exit 2
}

running_pid() {
  local file pid
  file=$(pid_file "$1")
  [[ -f $file ]] || return 1
  pid=$(<"$file")
  # alive, and this port's redis-server (pids are reused; redis-server shows its address in its title)
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && grep -q "redis-server.*:$1" "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
answers() { [[ $(cli "$1" ping 2>/dev/null) == PONG ]]; }
info_field() { cli "$1" cluster info 2>/dev/null | tr -d '\r' | sed -n "s/^$2://p"; }
role() { cli "$1" role 2>/dev/null | head -n1; }

# shellcheck source=infra/daemon.sh
source "$repo/infra/daemon.sh"

launch() {
  local port=$1 dir
  dir=$(node_dir "$port")
  mkdir -p "$dir"
  rm -f "$dir/redis.pid"
  (
    close_inherited_fds
    cd "$dir"
    exec setsid redis-server --port "$port" --bind 127.0.0.1 --daemonize no \
      --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout "$node_timeout" \
      --repl-diskless-sync-delay 0 --dir "$dir" --save "" --appendonly no --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" \
      </dev/null >/dev/null 2>&1
  ) &
  echo $! >"$dir/redis.pid"
}

wait_until() {
  local what=$1 deadline=$((SECONDS + wait_timeout))
  shift
  until "$@"; do
    if ((SECONDS > deadline)); then
      log "timed out after ${wait_timeout}s waiting for $what"
      return 1
    fi
    sleep 0.2
  done
}

# One node's view of who is master of which slots ("address slots..." per master, sorted).
master_view() {
  cli "$1" cluster nodes 2>/dev/null | tr -d '\r' |
    awk '$3 ~ /master/ && $3 !~ /fail/ { s = $2; for (i = 9; i <= NF; i++) s = s " " $i; print s }' | sort
}

# The nodes on the given ports say cluster_state:ok, know all six nodes and agree on the masters
# (right after a failover, gossip takes a moment to reach every node).
cluster_ok() {
  local p first=""
  for p in "$@"; do
    [[ $(info_field "$p" cluster_state) == ok && $(info_field "$p" cluster_known_nodes) == "${#ports[@]}" ]] || return 1
    local view
    view=$(master_view "$p")
    [[ -n $view ]] || return 1
    if [[ -z $first ]]; then first=$view; elif [[ $view != "$first" ]]; then return 1; fi
  done
}

live_ports() {
  local p
  for p in "${ports[@]}"; do if answers "$p"; then echo "$p"; fi; done
}

lock() {
  mkdir -p "$state_dir"
  exec 9>"$state_dir/lock"
  flock -w "$wait_timeout" 9
}

# Starts the nodes on the given ports that are not running; their number is left in $launched_count.
start_nodes() {
  local p any_running=false launched=()
  for p in "${ports[@]}"; do
    if running_pid "$p" >/dev/null; then any_running=true; fi
  done
  for p in "$@"; do
    if running_pid "$p" >/dev/null; then continue; fi
    if port_open "$p" || port_open $((p + 10000)); then
      log "port $p (or its cluster bus port $((p + 10000))) is taken by a process we did not start (REDIS_CLUSTER_PORT picks others)"
      return 1
    fi
    launch "$p"
    launched+=("$p")
  done
  if ((${#launched[@]})) && ! $any_running; then echo "${METRICS_STARTED_BY:-manual}" >"$starter_file"; fi
  for p in "$@"; do wait_until "redis-server on port $p" answers "$p"; done
  launched_count=${#launched[@]}
}

start() {
  lock
  local started=$SECONDS
  start_nodes "${ports[@]}"
  # New nodes know only themselves and own no slot; a node of an existing cluster knows the others.
  local p new=0
  for p in "${ports[@]}"; do
    if [[ $(info_field "$p" cluster_known_nodes) == 1 && $(info_field "$p" cluster_slots_assigned) == 0 ]]; then
      new=$((new + 1))
    fi
  done
  if ((new == ${#ports[@]})); then
    log "creating the cluster: 3 masters, 3 replicas on ports ${ports[*]}"
    local addresses=()
    for p in "${ports[@]}"; do addresses+=("127.0.0.1:$p"); done
    redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes >"$state_dir/create.log" 2>&1 || {
      cat "$state_dir/create.log" >&2
      return 1
    }
  elif ((new > 0)); then
    log "$new node(s) lost their cluster state while others kept it; infra/redis-cluster.sh wipe starts a new cluster"
    return 1
  fi
  wait_until "cluster_state:ok on every node" cluster_ok "${ports[@]}"
  redis-cli --cluster check "127.0.0.1:${ports[0]}" >/dev/null
  if ((launched_count == 0 && new == 0)); then
    log "already running on $(nodes)"
  else
    log "cluster ok on $(nodes) after $((SECONDS - started)) s; logs: $state_dir/<port>/redis.log"
  fi
}

# Sends `signal` to the nodes on the given ports and waits for them to exit (SIGKILL after the timeout).
signal_nodes() {
  local signal=$1 p pid entries=()
  shift
  for p in "$@"; do
    if pid=$(running_pid "$p"); then
      kill "-$signal" "$pid"
      entries+=("$p:$pid")
    fi
  done
  local deadline=$((SECONDS + wait_timeout)) entry
  for entry in "${entries[@]}"; do
    pid=${entry#*:}
    while kill -0 "$pid" 2>/dev/null; do
      if ((SECONDS > deadline)); then kill -KILL "$pid" 2>/dev/null || true; fi
      sleep 0.1
    done
    rm -f "$(pid_file "${entry%%:*}")"
  done
  ((${#entries[@]} > 0))
}

stop() {
  local p any=false
  for p in "${ports[@]}"; do
    if running_pid "$p" >/dev/null; then any=true; fi
  done
  if ! $any; then
    log "not running"
    return 0
  fi
  local starter
  starter=$(cat "$starter_file" 2>/dev/null || echo manual)
  if [[ -n ${METRICS_STOP_ONLY_STARTED_BY:-} && $starter != "$METRICS_STOP_ONLY_STARTED_BY" ]]; then
    log "left running: it was started by '$starter', not by '$METRICS_STOP_ONLY_STARTED_BY'"
    return 0
  fi
  signal_nodes TERM "${ports[@]}" || true
  log "stopped"
}

status() {
  local p pid ok=0
  for p in "${ports[@]}"; do
    if pid=$(running_pid "$p") && answers "$p"; then
      echo "redis-cluster: 127.0.0.1:$p running (pid $pid), $(role "$p"), cluster_state:$(info_field "$p" cluster_state)"
    else
      echo "redis-cluster: 127.0.0.1:$p not running"
      ok=1
    fi
  done
  if ((ok == 0)) && ! cluster_ok "${ports[@]}"; then ok=1; fi
  return $ok
}

nodes() {
  local p list=()
  for p in "${ports[@]}"; do list+=("127.0.0.1:$p"); done
  (IFS=,; echo "${list[*]}")
}

# The masters as the cluster sees them (from any node that answers): "port" per line.
masters() {
  local p
  for p in $(live_ports); do
    cli "$p" cluster nodes | tr -d '\r' | awk '$3 ~ /master/ && $3 !~ /fail/ { split($2, a, "[:@]"); print a[2] }' | sort -n
    return 0
  done
  log "no node answers"
  return 1
}

# The ports of the replicas of the master on `port`, as the cluster sees them.
replicas_of() {
  local port=$1 id p
  id=$(cli "$port" cluster myid 2>/dev/null | tr -d '\r') || true
  for p in $(live_ports); do
    [[ -n $id ]] || id=$(cli "$p" cluster nodes | tr -d '\r' | awk -v a="127.0.0.1:$port" 'index($2, a "@") == 1 { print $1 }')
    cli "$p" cluster nodes | tr -d '\r' | awk -v m="$id" '$4 == m && $3 !~ /fail/ { split($2, a, "[:@]"); print a[2] }'
    return 0
  done
}

is_master() { [[ $(role "$1") == master ]]; }
is_synced_replica() {
  [[ $(role "$1") == slave ]] && cli "$1" info replication | tr -d '\r' | grep -q '^master_link_status:up'
}
any_is_master() {
  local p
  for p in "$@"; do if is_master "$p"; then return 0; fi; done
  return 1
}
live_cluster_ok() {
  # shellcheck disable=SC2046
  cluster_ok $(live_ports)
}
all_synced() {
  local p
  for p in "${ports[@]}"; do
    if [[ $(role "$p") == slave ]] && ! is_synced_replica "$p"; then return 1; fi
  done
}

require_master() {
  check_port "$1"
  if ! answers "$1" || ! is_master "$1"; then
    log "127.0.0.1:$1 is not a running master; masters: $(masters | tr '\n' ' ')"
    exit 1
  fi
}

failover() {
  local port=$1 started=$SECONDS replica
  require_master "$port"
  replica=$(replicas_of "$port" | head -n1)
  [[ -n $replica ]] || { log "the master on $port has no replica"; return 1; }
  cli "$replica" cluster failover >/dev/null
  wait_until "$replica to become master" is_master "$replica"
  wait_until "$port to become a replica in sync" is_synced_replica "$port"
  wait_until "cluster_state:ok on every node" cluster_ok "${ports[@]}"
  log "failover: $replica is master, $port its replica, after $((SECONDS - started)) s"
}

crash() {
  local port=$1 started=$SECONDS replicas
  require_master "$port"
  replicas=$(replicas_of "$port")
  [[ -n $replicas ]] || { log "the master on $port has no replica"; return 1; }
  signal_nodes KILL "$port" >/dev/null || true
  # shellcheck disable=SC2086
  wait_until "a replica of $port ($replicas) to be promoted" any_is_master $replicas
  wait_until "cluster_state:ok on the other nodes" live_cluster_ok
  local promoted_after=$((SECONDS - started))
  lock
  start_nodes "$port"
  wait_until "$port to rejoin as a replica in sync" is_synced_replica "$port"
  wait_until "cluster_state:ok on every node" cluster_ok "${ports[@]}"
  log "crash: $port killed; replica promoted after $promoted_after s; $port back as a replica after $((SECONDS - started)) s"
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  nodes) nodes ;;
  masters) masters ;;
  failover) check_port "${2:-}" && failover "$2" ;;
  crash) check_port "${2:-}" && crash "$2" ;;
  kill-node)
    check_port "${2:-}"
    if signal_nodes KILL "$2"; then log "127.0.0.1:$2 killed"; else log "127.0.0.1:$2 was not running"; fi
    ;;
  start-node)
    check_port "${2:-}"
    lock
    start_nodes "$2"
    wait_until "cluster_state:ok on every node" cluster_ok "${ports[@]}"
    log "127.0.0.1:$2 running; cluster ok"
    ;;
  wipe) stop && rm -rf "$state_dir" && log "state removed" ;;
  *)
    echo "usage: $0 start|stop|status|nodes|masters|failover PORT|crash PORT|kill-node PORT|start-node PORT|wipe" >&2
    exit 2
    ;;
esac
