#!/usr/bin/env bash
# Runs the five services in the foreground (what `make run` ends with), their JSON logs interleaved
# on stdout (through pino-pretty when stdout is a terminal). Ctrl-C or SIGTERM stops them all
# gracefully. A second run while one is running says so and does nothing.
#
#   infra/run-stack.sh         start and wait
#   infra/run-stack.sh stop    stop a running stack (what `make stop` calls)
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
state_dir=${METRICS_STATE_DIR:-$repo/.run}
pid_file=$state_dir/stack.pid
services=(receiver processor saver assessor notifier)
stop_timeout=${STACK_STOP_TIMEOUT:-30}

running_pid() {
  [[ -f $pid_file ]] || return 1
  local pid
  pid=$(<"$pid_file")
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && grep -q 'run-stack' "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

if [[ ${1:-} == stop ]]; then
  if pid=$(running_pid); then
    kill -TERM "$pid"
    deadline=$((SECONDS + stop_timeout + 5))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    echo "stack: stopped" >&2
  else
    echo "stack: not running" >&2
  fi
  rm -f "$pid_file"
  exit 0
fi

# On a terminal, run again with the output piped through pino-pretty (one for all four services).
# It ignores Ctrl-C and ends when the services' output ends, so their last shutdown lines show.
if [[ -t 1 && -z ${STACK_PIPED:-} && -x $repo/node_modules/.bin/pino-pretty ]]; then
  STACK_PIPED=1 "$0" "$@" | (trap '' INT TERM; exec "$repo/node_modules/.bin/pino-pretty" --ignore pid,hostname,service)
  exit "${PIPESTATUS[0]}"
fi

mkdir -p "$state_dir"
exec 9>"$state_dir/stack.lock"
if ! flock -n 9; then
  echo "stack: already running (pid $(cat "$pid_file" 2>/dev/null)); \`make stop\` stops it" >&2
  exit 0
fi
echo $$ >"$pid_file"

pids=()
stopping=0
stop_all() {
  stopping=1
  echo "stack: stopping ${services[*]}" >&2
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
}
trap stop_all INT TERM

# The notifier keeps the local Alertmanager (infra/alertmanager.sh, started by `make infra-up`) up to
# date, unless ALERTMANAGER_URL says otherwise (set and empty: no Alertmanager).
export ALERTMANAGER_URL=${ALERTMANAGER_URL-$("$repo/infra/alertmanager.sh" url)}

# The services keep their own state (the generated admin token) in the same folder.
export METRICS_STATE_DIR=$state_dir
for svc in "${services[@]}"; do
  # Ctrl-C reaches every service through the terminal; SIGTERM (make stop) through stop_all.
  node "$repo/dist/$svc/src/main.js" 9>&- 2>&1 &
  pids+=($!)
done
echo "stack: started ${services[*]} (receiver :${RECEIVER_PORT:-8080}, assessor :${ASSESSOR_PORT:-8081}, Alertmanager ${ALERTMANAGER_URL:-off}); Ctrl-C or \`make stop\` stops them" >&2

# The dashboard's login link, as Jupyter prints its own: once the assessor answers (its first start
# generates the admin token into the state folder, mode 0600; METRICS_ADMIN_TOKEN replaces it). With
# the token only when stderr is a terminal: `make run > stack.log 2>&1` must not write it into a file.
(
  port=${ASSESSOR_PORT:-8081}
  for _ in $(seq 1200); do
    if (: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null && [[ -n ${METRICS_ADMIN_TOKEN:-} || -s $state_dir/admin-token ]]; then
      if [[ -t 2 ]]; then
        token=${METRICS_ADMIN_TOKEN:-$(<"$state_dir/admin-token")}
        echo "stack: dashboard (admin) http://127.0.0.1:$port/?token=$token" >&2
      else
        echo "stack: dashboard http://127.0.0.1:$port/ (output is not a terminal, so no token here: the admin token is in $state_dir/admin-token, or make one with \`make token\`)" >&2
      fi
      exit 0
    fi
    sleep 0.1
  done
) 9>&- &
link_pid=$!

# When one service exits on its own (a crash), stop the others rather than run half a pipeline.
status=0
while :; do
  alive=()
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive+=("$pid"); done
  ((${#alive[@]})) || break
  wait -n "${alive[@]}" 2>/dev/null
  code=$?
  # a trapped signal also ends `wait`; then stop_all has already run
  if ((stopping == 0)); then
    echo "stack: a service exited (code $code); stopping the others" >&2
    status=1
    stop_all
  fi
done
kill "$link_pid" 2>/dev/null
rm -f "$pid_file"
exit $status
