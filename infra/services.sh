#!/usr/bin/env bash
# PostgreSQL and Redis for local runs and CI: check that they answer at DATABASE_URL / REDIS_URL, start
# the machine's own servers when they don't (and it has them), create the database when missing.
#
#   infra/services.sh up      ensure both answer; remember which ones this script started
#   infra/services.sh down    stop only the servers that `up` started
#   infra/services.sh status
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state_dir=${METRICS_STATE_DIR:-$repo/.run}
database_url=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/metrics}
redis_url=${REDIS_URL:-redis://127.0.0.1:6379}
wait_timeout=${SERVICES_WAIT_TIMEOUT:-60}

log() { echo "services: $*" >&2; }
# shellcheck source=infra/daemon.sh
source "$repo/infra/daemon.sh"

# postgres://user@host:port/db?x → the same server's maintenance database, and the database name
db_name=${database_url##*/}
db_name=${db_name%%\?*}
admin_url=${database_url%/*}/postgres

pg_answers() { pg_isready -q -d "$admin_url" 2>/dev/null; }
redis_answers() { [[ $(redis-cli -u "$redis_url" ping 2>/dev/null) == PONG ]]; }

wait_for() {
  local what=$1 check=$2 deadline=$((SECONDS + wait_timeout))
  until $check; do
    if ((SECONDS > deadline)); then log "$what does not answer after ${wait_timeout}s"; return 1; fi
    sleep 0.3
  done
}

postgres_up() {
  if ! pg_answers; then
    if command -v pg_ctlcluster >/dev/null && [[ -d /etc/postgresql ]]; then
      local version
      version=$(ls /etc/postgresql | sort -V | tail -n1)
      log "PostgreSQL does not answer at $admin_url: starting cluster $version/main"
      (close_inherited_fds; exec pg_ctlcluster --skip-systemctl-redirect "$version" main start)
      echo "${METRICS_STARTED_BY:-manual}" >"$state_dir/started-postgres"
    else
      log "PostgreSQL does not answer at $admin_url and this machine has no cluster to start"
      return 1
    fi
    wait_for PostgreSQL pg_answers
  fi
  if [[ -z $(psql "$admin_url" -Atqc "select 1 from pg_database where datname = '$db_name'") ]]; then
    log "creating database $db_name"
    psql "$admin_url" -qc "create database \"$db_name\"" || \
      [[ -n $(psql "$admin_url" -Atqc "select 1 from pg_database where datname = '$db_name'") ]]
  fi
  log "PostgreSQL answers; database $db_name present"
}

redis_up() {
  if ! redis_answers; then
    if command -v redis-server >/dev/null; then
      local port=${redis_url##*:}
      port=${port%%/*}
      log "Redis does not answer at $redis_url: starting redis-server on 127.0.0.1:$port"
      mkdir -p "$state_dir/redis"
      (
        close_inherited_fds
        exec redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
          --dir "$state_dir/redis" --logfile "$state_dir/redis/redis.log" --pidfile "$state_dir/redis/redis.pid"
      )
      echo "${METRICS_STARTED_BY:-manual}" >"$state_dir/started-redis"
    else
      log "Redis does not answer at $redis_url and this machine has no redis-server"
      return 1
    fi
    wait_for Redis redis_answers
  fi
  log "Redis answers"
}

# Started by this script (and, with METRICS_STOP_ONLY_STARTED_BY, by that starter)?
ours() {
  [[ -f $state_dir/started-$1 ]] || return 1
  [[ -z ${METRICS_STOP_ONLY_STARTED_BY:-} || $(<"$state_dir/started-$1") == "$METRICS_STOP_ONLY_STARTED_BY" ]]
}

down() {
  if ours postgres; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main stop || true
    rm -f "$state_dir/started-postgres"
    log "stopped the PostgreSQL cluster it had started"
  fi
  if ours redis; then
    redis-cli -u "$redis_url" shutdown nosave >/dev/null 2>&1 || true
    rm -f "$state_dir/started-redis"
    log "stopped the Redis server it had started"
  fi
}

mkdir -p "$state_dir"
case ${1:-} in
  up) postgres_up && redis_up ;;
  down) down ;;
  status) pg_answers && echo "services: PostgreSQL answers" && redis_answers && echo "services: Redis answers" ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
