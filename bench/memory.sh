#!/usr/bin/env bash
# Memory in the chart's container limit: the webhook run exactly as the image runs it (the
# Dockerfile's ENTRYPOINT flags, read from the Dockerfile, with an AppCDS archive trained on this
# jar as the image trains it) inside a real memory cgroup (v1) of the chart's limit, with its heap
# committed and touched to the maximum from the start (-XX:+AlwaysPreTouch, -Xms = -Xmx): the
# fully grown process. Beside it, in a 1 GiB cgroup, the same flags with a roomy heap
# (-Xms512m -Xmx512m, the default young generation) as the throughput reference. Both servers on
# CPU 0, loaded at the same moment from CPU 1 by bench/LoadGenerator with distinct reviews
# (profile P, default both), so the machine's speed at any moment cancels in each step's ratio.
# Each JVM starts inside its cgroup (a shell joins it, then execs java), so it sees the limit and
# picks its collector as in a pod (SerialGC at 256 MiB on 2 cores).
# Reports, for each server: OOM kills (memory.oom_control), memory.failcnt (times the cgroup hit
# its limit, page cache reclaimed included), whether it is still alive, RSS at ready, peak RSS
# (VmHWM), the cgroup's peak charge (memory.max_usage_in_bytes: RSS + page cache of the jar and
# archive), collections (from -Xlog:gc) in warm-up and per second under measured load; then the
# throughput ratio image/roomy per step, median and quartiles.
#   bench/memory.sh                                 # WARMUP=10 s x 2, then ROUNDS=8 x DURATION=5 s
#   LIMIT=268435456 P=both PROTO=http2 bench/memory.sh
#   NMT=1 bench/memory.sh                           # also the image server's native memory summary
#                                                   # (NMT costs a little memory of its own)
#   EXTRA_OPTS="-Xmn48m" bench/memory.sh            # options appended to the image server's flags
# Needs root, cgroup v1 memory at /sys/fs/cgroup/memory, curl, taskset, python3, 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-8}; DURATION=${DURATION:-5}; WARMUP=${WARMUP:-10}; WARMUP_REVIEWS=${WARMUP_REVIEWS:-20000}
P=${P:-both}; PROTO=${PROTO:-http2}; LIMIT=${LIMIT:-268435456}
A_PORT=${A_PORT:-18443}; B_PORT=${B_PORT:-18444}
. bench/lib.sh
fail_if_busy "$A_PORT" "$B_PORT"
machine
make_certs
train_cds
mapfile -t image < <(image_flags)
# Fully grown: the heap committed and touched to its maximum at start.
grown=()
for f in "${image[@]}"; do
  case $f in
    -Xmx*) [[ " ${image[*]} " == *" -Xms"* ]] || grown+=("-Xms${f#-Xmx}");;
    -XX:MaxRAMPercentage=*) grown+=("-XX:InitialRAMPercentage=${f#*=}");;
  esac
done
roomy=()
for f in "${image[@]}"; do
  case $f in -Xmx*|-Xms*|-Xmn*|-XX:MaxRAMPercentage=*|-XX:InitialRAMPercentage=*|-XX:MaxNewSize=*|-XX:NewSize=*) ;; *) roomy+=("$f");; esac
done
nmt=(); [ "${NMT:-0}" = 0 ] || nmt=(-XX:NativeMemoryTracking=summary)
# shellcheck disable=SC2206
image_opts=("${image[@]}" "${grown[@]}" -XX:+AlwaysPreTouch ${EXTRA_OPTS:-} "${nmt[@]}" -Xlog:gc:file="$work/gc-$A_PORT.log")
roomy_opts=("${roomy[@]}" -Xms512m -Xmx512m -XX:+AlwaysPreTouch -Xlog:gc:file="$work/gc-$B_PORT.log")
cgroup_make image "$LIMIT"; cg_image=$cgroup
cgroup_make roomy 1073741824; cg_roomy=$cgroup
echo "# image ($A_PORT, cgroup of $LIMIT bytes): java ${image_opts[*]} -jar $JAR serve"
echo "# roomy ($B_PORT, cgroup of 1 GiB): java ${roomy_opts[*]} -jar $JAR serve"
declare -A server_pid cg
cg[$A_PORT]=$cg_image; cg[$B_PORT]=$cg_roomy
start_server() { # port options...
  local port=$1; shift
  webhook_config "$port" "$work/config-$port.yaml"
  taskset -c 0 sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "${cg[$port]}" \
    java "$@" -jar "$JAR" serve -c "$work/config-$port.yaml" >"$work/server-$port.log" 2>&1 &
  pids+=($!); server_pid[$port]=$!
}
start_server "$A_PORT" "${image_opts[@]}"; start_server "$B_PORT" "${roomy_opts[@]}"
for port in "$A_PORT" "$B_PORT"; do # as wait_ready, but a server killed on the way is reported at once
  until curl -sf --cacert "$work/certs/ca.crt" "https://localhost:$port/readyz" >/dev/null 2>&1; do
    kill -0 "${server_pid[$port]}" 2>/dev/null || { echo "server on port $port died before ready (OOM kills in its cgroup: $(cgroup_oom_kills "${cg[$port]}"))" >&2; tail -3 "$work/server-$port.log" >&2; exit 1; }
    sleep 0.1
  done
done
kill -0 "${server_pid[$A_PORT]}" 2>/dev/null \
  || { echo "the image server died once ready (OOM kills in its cgroup: $(cgroup_oom_kills "$cg_image"))" >&2; exit 1; }
grep -q ":memory:/$(basename "$cg_image")\$" "/proc/${server_pid[$A_PORT]}/cgroup" \
  || { echo "the image server is not in its cgroup" >&2; exit 1; }
status() { awk -v k="$2:" '$1 == k { print $2 * 1024 }' "/proc/${server_pid[$1]}/status"; }
declare -A ready_rss
for port in "$A_PORT" "$B_PORT"; do ready_rss[$port]=$(status "$port" VmRSS); done
young() { grep -c 'Pause Young' "$work/gc-$1.log" || true; }
full() { grep -c 'Pause Full' "$work/gc-$1.log" || true; }

url() { echo "https://localhost:$1/mutate/$P"; }
both="$(url "$A_PORT"),$(url "$B_PORT")"
warm=(); for pass in 1 2; do warm+=("$WARMUP:$WARMUP_REVIEWS@$both"); done
echo "# warm-up: 2 x ${WARMUP} s (and $WARMUP_REVIEWS reviews per server), $PROTO, profile $P; $(uptime | sed 's/.*load average/load average/')"
loadgen --proto "$PROTO" --pid "$A_PORT=${server_pid[$A_PORT]}" --pid "$B_PORT=${server_pid[$B_PORT]}" "${warm[@]}" >"$work/warm.txt"
declare -A y0 f0
for port in "$A_PORT" "$B_PORT"; do y0[$port]=$(young "$port"); f0[$port]=$(full "$port"); done
steps=(); for r in $(seq "$ROUNDS"); do steps+=("$DURATION@$both"); done
t0=$(date +%s%N)
loadgen --proto "$PROTO" --pid "$A_PORT=${server_pid[$A_PORT]}" --pid "$B_PORT=${server_pid[$B_PORT]}" "${steps[@]}" >"$work/measured.txt"
t1=$(date +%s%N)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) / 1e9 }')
grep '^# first error' "$work/warm.txt" "$work/measured.txt" | head -3 || true

# per step: image rps / roomy rps (same step, same moment)
grep '^step=' "$work/measured.txt" | awk -v a=":$A_PORT/" -v b=":$B_PORT/" '
  { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    if (index(f["url"], a)) ia[f["step"]] = f["rps"]; else rb[f["step"]] = f["rps"]
    if (!(f["step"] in busy) || f["server_busy"] + 0 < busy[f["step"]] + 0) busy[f["step"]] = f["server_busy"]
    errors += f["errors"] }
  END { for (s in ia) printf "%s %.3f %d %d %.2f\n", s, ia[s] / rb[s], ia[s], rb[s], busy[s]; printf "errors %d\n", errors > "/dev/stderr" }' \
  2>"$work/errors.txt" | sort -n >"$work/ratios.txt"
while read -r s r ia rb busy; do echo "step $s: image $ia/s, roomy $rb/s, ratio $r, servers busy >= $busy"; done <"$work/ratios.txt"

echo
echo "== $PROTO, profile $P, distinct reviews, both servers on CPU 0; measured load ${secs} s after 2 x ${WARMUP} s of warm-up ($(uptime | sed 's/.*load average/load average/'))"
for port in "$A_PORT" "$B_PORT"; do
  if [ "$port" = "$A_PORT" ]; then name=image; else name=roomy; fi
  c=${cg[$port]}
  alive=no; kill -0 "${server_pid[$port]}" 2>/dev/null && alive=yes
  hwm=$(status "$port" VmHWM || echo 0)
  y=$(young "$port"); f=$(full "$port")
  echo "$name: limit $(mib <"$c/memory.limit_in_bytes") MiB; alive $alive, OOM kills $(cgroup_oom_kills "$c"), failcnt $(cat "$c/memory.failcnt");" \
    "RSS at ready $(echo "${ready_rss[$port]}" | mib) MiB, peak RSS (VmHWM) $(echo "${hwm:-0}" | mib) MiB," \
    "cgroup peak $(mib <"$c/memory.max_usage_in_bytes") MiB ($(awk '$1 == "total_rss" || $1 == "rss" { r = $2 } $1 == "cache" { c = $2 } END { printf "now: rss %.1f, cache %.1f", r / 1048576, c / 1048576 }' "$c/memory.stat") MiB);" \
    "at the end: RssAnon $(status "$port" RssAnon | mib), RssFile $(status "$port" RssFile | mib) MiB;" \
    "live heap (most after a collection) $(grep -o -- '->[0-9]*M' "$work/gc-$port.log" | tr -dc '0-9\n' | sort -n | tail -1) MiB;" \
    "collections: warm-up ${y0[$port]} young ${f0[$port]} full, measured $((y - y0[$port])) young $((f - f0[$port])) full" \
    "($(awk -v n="$((y - y0[$port]))" -v s="$secs" 'BEGIN { printf "%.1f", n / s }')/s)"
done
echo "throughput image/roomy: median $(awk '{ print $2 }' "$work/ratios.txt" | median) (quartiles $(awk '{ print $2 }' "$work/ratios.txt" | quartiles)) of $(wc -l <"$work/ratios.txt") steps of $DURATION s; $(cat "$work/errors.txt")"
if [ "${NMT:-0}" != 0 ]; then
  echo "== native memory of the image server (NMT summary, committed KB)"
  jcmd "${server_pid[$A_PORT]}" VM.native_memory summary | grep -E '^(Total|-)' | sed 's/reserved=[0-9]*KB, //' | sed 's/^-//' || true
fi
