# Sourced by .ci/run after `make install`: starts a local Ray cluster for the engine tests, a head
# and a separate worker process (one CPU each) from .venv/bin/ray, and exports its address as
# COUNTERPOINT_TEST_RAY_ADDRESS (with the cluster's token: Ray clusters require one). The cluster
# is stopped when the sourcing shell exits (ray_stop, chained onto any EXIT trap already set).
# Without .venv/bin/ray (no [ray] extra) nothing starts and the Ray tests skip with a reason.

ray_start() {
  local ray=.venv/bin/ray py=.venv/bin/python port logs
  if [ ! -x "$ray" ]; then
    echo "ray.sh: $ray not installed; the Ray engine tests will skip" >&2
    return 0
  fi
  logs=$(mktemp -d "${TMPDIR:-/tmp}/counterpoint-ray.XXXXXX")
  port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  export RAY_USAGE_STATS_ENABLED=0 RAY_AUTH_MODE=token
  RAY_AUTH_TOKEN=$("$py" -c 'import secrets; print(secrets.token_hex(32))')
  export RAY_AUTH_TOKEN
  # each `ray start --block` leads its own process group, so ray_stop ends exactly what started here
  setsid "$ray" start --head --port "$port" --num-cpus 1 --include-dashboard=false \
    --disable-usage-stats --block >"$logs/head.log" 2>&1 &
  RAY_HEAD_PID=$!
  disown "$RAY_HEAD_PID"  # stopped by ray_stop; no "Killed" job notice from the shell
  local i
  for i in $(seq 1 120); do
    "$py" -c "import socket, sys; sys.exit(socket.socket().connect_ex(('127.0.0.1', $port)))" && break
    sleep 1
  done
  setsid "$ray" start --address "127.0.0.1:$port" --num-cpus 1 --disable-usage-stats --block \
    >"$logs/worker.log" 2>&1 &
  RAY_WORKER_PID=$!
  disown "$RAY_WORKER_PID"  # stopped by ray_stop; no "Killed" job notice from the shell
  if "$py" - "127.0.0.1:$port" <<'PY' >"$logs/probe.log" 2>&1; then
import sys, time
import ray
ray.init(address=sys.argv[1], logging_level="ERROR", log_to_driver=False)
deadline = time.monotonic() + 120
while ray.cluster_resources().get("CPU", 0) < 2 and time.monotonic() < deadline:
    time.sleep(0.5)
sys.exit(0 if ray.cluster_resources().get("CPU", 0) >= 2 else 1)
PY
    export COUNTERPOINT_TEST_RAY_ADDRESS="127.0.0.1:$port"
    echo "ray.sh: Ray cluster (head + worker) at $COUNTERPOINT_TEST_RAY_ADDRESS, logs in $logs" >&2
  else
    echo "ray.sh: the Ray cluster did not come up (see $logs); the Ray tests start their own or skip" >&2
    ray_stop
  fi
}

ray_stop() {
  local pid
  for pid in ${RAY_WORKER_PID:-} ${RAY_HEAD_PID:-}; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  sleep 3
  for pid in ${RAY_WORKER_PID:-} ${RAY_HEAD_PID:-}; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  RAY_WORKER_PID='' RAY_HEAD_PID=''
  unset COUNTERPOINT_TEST_RAY_ADDRESS
}

_ray_prev_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
trap "ray_stop${_ray_prev_trap:+; $_ray_prev_trap}" EXIT
ray_start
