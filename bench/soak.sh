#!/usr/bin/env bash
# Soak: the server in a JVM sized as the chart's 256 MiB container, loaded over HTTP/2 at half its
# measured maximum rate with a mix of reviews, for SLICES minutes. Each minute prints the requests,
# failures, p50/p99, and the JVM's heap (before and after a full GC) and RSS, so growth shows.
#   bench/soak.sh                 # 10 slices of 60 s
#   SLICES=2 SLICE=20 bench/soak.sh
# Needs docker-registry, h2load, curl, python3, jcmd. Load and server share this machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."
SLICES=${SLICES:-10}
SLICE=${SLICE:-60}
PORT=18447
REG=15147
. bench/lib.sh
start_registry
push bench/app 1.0

# The mix: name, profile, body. Pods and workloads, 1 to 20 containers, one pinning (warm cache).
review "registry.example.com/team/app:1.4.2" "$work/pod3.json"
review "registry.example.com/team/api:2.0" "$work/deploy20.json" enforce-deployment 20
review "busybox" "$work/cron1.json" enforce-cronjob 1
review "127.0.0.1:$REG/bench/app:1.0" "$work/pinned.json"
MIX="pod3:both deploy20:both cron1:both pinned:pin"

cat >"$work/config.yaml" <<YAML
server: {port: $PORT, metricsPort: -1, shutdownDelay: 0s}
profiles:
  both: {defaultPullPolicy: true, alwaysPull: true}
  pin:  {defaultPullPolicy: true, alwaysPull: true, pinDigests: true}
registry: {insecure: ["127.0.0.1:$REG"], allow: ["127.0.0.1:*"], cacheTtl: 1h}
YAML
# As the Dockerfile runs it: its ENTRYPOINT's flags (no class-data archive here), and MaxRAM in
# place of the 256 MiB limit for anything else the JVM sizes from the machine (bench/memory.sh
# runs the image's JVM in a real cgroup of that limit).
JVM_FLAGS=${JVM_FLAGS:--XX:MaxRAM=256m $(image_flags | grep -v -e '^-XX:SharedArchiveFile=' -e '^-Xshare:' | tr '\n' ' ')}
# shellcheck disable=SC2086
start_webhook $JVM_FLAGS
echo "JVM: $JVM_FLAGS; $(jcmd "$server" VM.flags | tr ' ' '\n' | grep -E 'Use(Serial|G1|Parallel)GC|MaxHeapSize' | tr '\n' ' ')"

# run SECONDS [RATE-PER-CLIENT]: one h2load per body of the mix, concurrently, 2 connections each.
run() {
  local seconds=$1 rate=${2:-} i=0 entry loaders=()
  rm -f "$work"/h2-*.log    # h2load appends to its log file
  for entry in $MIX; do
    h2load -c2 -m8 -D "$seconds" ${rate:+--rps=$rate} --log-file="$work/h2-$i.log" -d "$work/${entry%%:*}.json" \
      -H 'content-type: application/json' "https://localhost:$PORT/mutate/${entry##*:}" >"$work/h2-$i.txt" 2>&1 &
    loaders+=($!)
    i=$((i + 1))
  done
  wait "${loaders[@]}" || true
}
total_rps() { cat "$work"/h2-*.txt | awk '/finished in/ { for (i = 1; i <= NF; i++) if ($i == "req/s,") s += $(i-1) } END { printf "%d", s }'; }
# Heap in use over all generations (Serial: "def new generation" + "tenured generation"), in MiB.
heap_used() { jcmd "$server" GC.heap_info | awk '/generation|garbage-first heap|ParOldGen|PSYoungGen/ {
  for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); sub(/K,?$/, "", v); s += v } } END { printf "%.1fM", s / 1024 }'; }
rss() { awk '/VmRSS/ { printf "%dM", $2 / 1024 }' "/proc/$server/status"; }

run 20 >/dev/null                       # warm the JIT and the digest cache
run 20
max=$(total_rps)
per_client=$(( max / 2 / 8 ))           # 4 bodies x 2 connections share half the maximum
echo "maximum with the mix: $max req/s; soak at half: $(( per_client * 8 )) req/s, ${SLICES} x ${SLICE} s"
echo
echo "| minute | requests | failed | p50 | p99 | heap used | heap after full GC | RSS |"
echo "|---|---|---|---|---|---|---|---|"
for minute in $(seq 1 "$SLICES"); do
  run "$SLICE" "$per_client"
  read -r n p50 p99 < <(cat "$work"/h2-*.log | awk '{ print $3 }' | sort -n | awk '
    { v[NR] = $1 } END { printf "%d %.2fms %.2fms\n", NR, v[int(NR*0.5)]/1000, v[int(NR*0.99)]/1000 }')
  bad=$(cat "$work"/h2-*.log | awk '$2 != 200' | wc -l)
  before=$(heap_used); jcmd "$server" GC.run >/dev/null; after=$(heap_used)
  echo "| $minute | $n | $bad | $p50 | $p99 | $before | $after | $(rss) |"
done
echo
echo "server log lines with error/exception: $(grep -ciE "exception|error" "$work/server.log" || true)"
echo "manifest requests for bench/app:1.0 over the whole soak: $(grep -c 'HEAD /v2/bench/app/manifests/' "$work/registry.log" || true)"
