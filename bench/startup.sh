#!/usr/bin/env bash
# Startup: milliseconds from starting the process to the first GET /readyz answered 200 (seen by
# curl every 10 ms), with certificate files provided as in a cluster (cert-manager, a managed
# Secret), inside a memory cgroup (v1) of the chart's limit as in a pod, so the JVM sizes itself
# as it does there. RUNS rounds, each starting, in turn:
#   plain     java -jar, no options: the reference
#   image     the Dockerfile's ENTRYPOINT flags (read from the Dockerfile) with an AppCDS archive
#             trained on this jar as the image trains it (serve --check, docker/cds-training.yaml)
#   pretouch  the same, with the heap committed and touched to its maximum at start
#             (-Xms = -Xmx, -XX:+AlwaysPreTouch): what pre-touching would cost
# so that a busy machine slows each way alike. Prints each way's times and median.
#   bench/startup.sh
#   RUNS=10 LIMIT=268435456 bench/startup.sh
#   LIMIT=0 bench/startup.sh          # no cgroup (not root, or no cgroup v1)
#   CANDIDATE="-XX:+UseG1GC" bench/startup.sh   # a fourth way: the image's flags and these
# Needs curl; root and cgroup v1 memory at /sys/fs/cgroup/memory for the cgroup.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-18443}; RUNS=${RUNS:-10}; LIMIT=${LIMIT:-268435456}
. bench/lib.sh
fail_if_busy "$PORT" 9090
machine
make_certs
printf 'server: {port: %s, metricsPort: 9090, shutdownDelay: 0s, tls: {certFile: %s, keyFile: %s}}\n' \
  "$PORT" "$work/certs/tls.crt" "$work/certs/tls.key" >"$work/provided.yaml"
train_cds
mapfile -t image < <(image_flags)
pretouch=("${image[@]}")
for f in "${image[@]}"; do case $f in -Xmx*) [[ " ${image[*]} " == *" -Xms"* ]] || pretouch+=("-Xms${f#-Xmx}");; -XX:MaxRAMPercentage=*) pretouch+=("-XX:InitialRAMPercentage=${f#*=}");; esac; done
pretouch+=(-XX:+AlwaysPreTouch)
run=(); if [ "$LIMIT" != 0 ]; then cgroup_make startup "$LIMIT"; run=("${in_cgroup[@]}"); fi
echo "# image: java ${image[*]} -jar $JAR serve -c provided.yaml; in a cgroup of ${LIMIT} bytes (0: none)"
startup() { # way, java options...: one start, its time appended to $work/WAY
  local way=$1 pid t0 t1; shift
  t0=$(date +%s%N)
  "${run[@]}" java "$@" -jar "$JAR" serve -c "$work/provided.yaml" >"$work/$way.log" 2>&1 &
  pid=$!; pids+=("$pid")
  until curl -sf --cacert "$work/certs/ca.crt" "https://localhost:$PORT/readyz" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "$way: the server exited before ready" >&2; tail -3 "$work/$way.log" >&2; exit 1; }
    sleep 0.01
  done
  t1=$(date +%s%N)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (t1 - t0) / 1000000 )) >>"$work/$way"
}
echo "== startup: process start to the first readyz 200 seen by curl, ms ($RUNS rounds, interleaved)"
ways=(plain image pretouch)
# shellcheck disable=SC2206
if [ -n "${CANDIDATE:-}" ]; then # the image's flags and CANDIDATE's (a collector named there replaces the image's)
  ways+=(candidate); candidate=()
  for f in "${image[@]}"; do case $f in -XX:+Use*GC) [[ " $CANDIDATE " == *" -XX:+Use"*GC" "* ]] || candidate+=("$f");; *) candidate+=("$f");; esac; done
  candidate+=($CANDIDATE); echo "# candidate: java ${candidate[*]}"
fi
for i in $(seq "$RUNS"); do
  startup plain
  startup image "${image[@]}"
  startup pretouch "${pretouch[@]}"
  [ -z "${CANDIDATE:-}" ] || startup candidate "${candidate[@]}"
done
for way in "${ways[@]}"; do
  echo "$way: median $(median <"$work/$way") ms (quartiles $(quartiles <"$work/$way")): $(tr '\n' ' ' <"$work/$way")"
done
[ "$LIMIT" = 0 ] || echo "cgroup: OOM kills $(cgroup_oom_kills "$cgroup"), peak $(mib <"$cgroup/memory.max_usage_in_bytes") MiB"
echo "# $(uptime | sed 's/.*load average/load average/')"
