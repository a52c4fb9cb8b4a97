# Sourced by the infra/ scripts that start servers in the background.

# In a subshell about to exec a daemon: closes every descriptor above 2. A server that inherited a
# caller's descriptor would hold it for its lifetime, e.g. the lock of `flock /tmp/x.lock make test`,
# and block every later run that waits for that lock.
close_inherited_fds() {
  local fd
  for fd in /proc/$BASHPID/fd/*; do
    fd=${fd##*/}
    if ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null || true; fi
  done
}
