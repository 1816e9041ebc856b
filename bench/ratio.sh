#!/usr/bin/env bash
# Throughput of one profile against another on distinct AdmissionReviews, measured so that this
# shared machine's noise cancels. Two servers share CPU 0, where the kernel gives each half of it,
# and are loaded at the same moment from CPU 1 by one Java load generator (bench/LoadGenerator),
# which posts 1,000 generated reviews, no two alike (bench/ReviewBodies), in rotation. Server A
# runs profile off and server B profile P; then the profiles swap servers. Each such pair of
# runs gives
#   sqrt((P on B / off on A) * (P on A / off on B))
# in which the machine's speed at that moment and any difference between the two processes (JIT
# luck) cancel. Prints each pair (rates, errors, the generator's CPU share, the load average),
# then the median and quartiles of the pairs.
#   bench/ratio.sh                        # both / off over HTTP/2: 4 connections x 8 streams per server
#   PROTO=http1 bench/ratio.sh            # HTTP/1.1: 32 keep-alive connections per server
#   P=always bench/ratio.sh               # any profile of bench/bench-config.yaml against off
#   P=off-again bench/ratio.sh            # the control: off against off under another name
#   P=bare bench/ratio.sh                 # the webhook's off against bench/BareServer, the ceiling:
#                                         # Vert.x HTTPS, the review parsed by Jackson, a constant allow
#   REF=bare P=both bench/ratio.sh        # any profile against the bare server
#   REF_JAR=/tmp/other.jar P=both bench/ratio.sh   # profile P of this tree's jar against profile P
#                                         # of another build (e.g. of an older commit, in a git worktree)
#   ROUNDS=8 DURATION=4 WARMUP=20 WARMUP_REVIEWS=30000 bench/ratio.sh
#   JAVA_OPTS=... bench/ratio.sh          # JVM options for the servers (webhook and bare alike)
#   CONFIG=FILE BODIES=DIR P=pin REF=both bench/ratio.sh   # profiles of another configuration (its first
#                                         # line the server: line) on the bodies in DIR: bench/pinning.sh
# Warm-up: 3 passes each way of WARMUP s, each also lasting until every server has answered
# WARMUP_REVIEWS reviews, so that a busy machine does not cut the JIT's warm-up short.
# Against the bare server or another jar the two servers are different programs, so nothing
# swaps: each pair is two runs of the same pairing, and only the machine's speed cancels.
# The ratio holds only while both servers are saturated: "servers busy" (the least share of a
# run in which a server's event loop was running or waiting for CPU 0) should be near 1.0. Lower,
# a server waited for requests: the generator, not the servers, set the rates, and the ratio
# drifts towards 1. Hence the generator's own figures (gen: share of a core and µs per review,
# and how long its event loop waited for CPU 1), and, as root, its priority (nice LOAD_NICE,
# default -15: it needs a tenth of a core, but needs it at once). Needs curl, taskset, 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-8}; DURATION=${DURATION:-4}; WARMUP=${WARMUP:-20}; WARMUP_REVIEWS=${WARMUP_REVIEWS:-30000}
P=${P:-both}; PROTO=${PROTO:-http2}; REF=${REF:-off}
if [ "$P" = bare ]; then P=off; REF=bare; fi
if [ -n "${REF_JAR:-}" ]; then REF=jar; fi
# Against the bare server or another jar, server B runs another program: then nothing swaps.
other() { [ "$REF" = bare ] || [ "$REF" = jar ]; }
A_PORT=${A_PORT:-18443}; B_PORT=${B_PORT:-18444}
. bench/lib.sh
fail_if_busy "$A_PORT" "$B_PORT"
make_certs
machine
declare -A server_pid
# shellcheck disable=SC2086
start_server() { # port
  if [ "$REF" = bare ] && [ "$1" = "$B_PORT" ]; then
    taskset -c 0 java ${JAVA_OPTS:-} -cp "$CP" io.github.imagepullwebhook.bench.BareServer "$1" \
      "$work/certs/tls.crt" "$work/certs/tls.key" >"$work/server-$1.log" 2>&1 &
  else
    jar=$JAR; if [ "$REF" = jar ] && [ "$1" = "$B_PORT" ]; then jar=$REF_JAR; fi
    webhook_config "$1" "$work/config-$1.yaml"
    taskset -c 0 java ${JAVA_OPTS:-} -jar "$jar" serve -c "$work/config-$1.yaml" >"$work/server-$1.log" 2>&1 &
  fi
  pids+=($!); server_pid[$1]=$!
}
start_server "$A_PORT"; start_server "$B_PORT"
wait_ready "$A_PORT"; wait_ready "$B_PORT"

a() { echo "https://localhost:$A_PORT/mutate/$1"; }
b() { if [ "$REF" = bare ]; then echo "https://localhost:$B_PORT/review"; else echo "https://localhost:$B_PORT/mutate/$1"; fi; }
# Steps: two JVMs compiling on one CPU warm slowly, so 3 passes each way first, then ROUNDS
# pairs: (REF on A, P on B), (P on A, REF on B); against another program always (P on A, P or bare on B).
steps=()
first() { if other; then echo "$1@$(a "$P"),$(b "$P")"; else echo "$1@$(a "$REF"),$(b "$P")"; fi; }
second() { if other; then echo "$1@$(a "$P"),$(b "$P")"; else echo "$1@$(a "$P"),$(b "$REF")"; fi; }
for pass in 1 2 3; do steps+=("$(first "$WARMUP:$WARMUP_REVIEWS")" "$(second "$WARMUP:$WARMUP_REVIEWS")"); done
for r in $(seq "$ROUNDS"); do steps+=("$(first "$DURATION")" "$(second "$DURATION")"); done
skip=6
echo "# $PROTO, $P against $REF: ${#steps[@]} steps (6 of warm-up), each server on CPU 0, the load from CPU 1"

# One line per step and server, as the generator prints them; each round's pair printed when complete.
bodies=(); [ -z "${BODIES:-}" ] || bodies=(--body "$BODIES")
loadgen --proto "$PROTO" "${bodies[@]}" --pid "$A_PORT=${server_pid[$A_PORT]}" --pid "$B_PORT=${server_pid[$B_PORT]}" "${steps[@]}" | tee "$work/gen.txt" | while read -r line; do
  case $line in step=*) ;; *) continue;; esac
  step=$(echo "$line" | field step)
  [ "$step" -gt "$skip" ] || { echo "# warm-up step $step: $(echo "$line" | field url) $(echo "$line" | field rps)/s for $(echo "$line" | field secs) s"; continue; }
  echo "$line" >>"$work/measured.txt"
  # a pair is complete with the 4th line (2 steps x 2 servers)
  if [ $(( ($(wc -l <"$work/measured.txt")) % 4 )) = 0 ]; then
    tail -4 "$work/measured.txt" | awk -v p="$P" -v ref="$REF" -v load="$(cut -d' ' -f1 /proc/loadavg)" '
      { for (i = 1; i <= NF; i++) { split($i, kv, "="); f[NR, kv[1]] = kv[2] } }
      END {
        # lines: 1 = A first, 2 = B first, 3 = A second, 4 = B second
        other = ref == "bare" || ref == "jar"
        if (other) r = sqrt((f[1, "rps"] / f[2, "rps"]) * (f[3, "rps"] / f[4, "rps"]))
        else r = sqrt((f[2, "rps"] / f[1, "rps"]) * (f[3, "rps"] / f[4, "rps"]))
        errors = f[1, "errors"] + f[2, "errors"] + f[3, "errors"] + f[4, "errors"]
        if (other) printf "%s/%s %.3f   %s %d, %s %d; %s %d, %s %d", p, ref, r, p, f[1, "rps"], ref, f[2, "rps"], p, f[3, "rps"], ref, f[4, "rps"]
        else printf "%s/%s %.3f   A: %s %d, %s %d   B: %s %d, %s %d", p, ref, r, ref, f[1, "rps"], p, f[3, "rps"], p, f[2, "rps"], ref, f[4, "rps"]
        busy = 1e9; for (i = 1; i <= 4; i++) if (f[i, "server_busy"] < busy) busy = f[i, "server_busy"]
        printf "   errors %d, servers busy >= %.2f, gen %.2f/%.2f of a core, %.0f/%.0f us/review, waiting %.2f/%.2f, load %s\n",
          errors, busy, f[1, "gen_cpu"], f[3, "gen_cpu"], f[1, "gen_cpu_us"], f[3, "gen_cpu_us"], f[1, "gen_wait"], f[3, "gen_wait"], load
      }' | tee -a "$work/pairs.txt"
  fi
done
grep '^# first error' "$work/gen.txt" | head -3 || true
awk '{ print $2 }' "$work/pairs.txt" >"$work/ratios.txt"
echo "$PROTO $P/$REF: median $(median <"$work/ratios.txt") (quartiles $(quartiles <"$work/ratios.txt")) of $(wc -l <"$work/ratios.txt") pairs of ${DURATION}-s runs; errors $(awk '{ for (i = 1; i <= NF; i++) if ($i == "errors") s += $(i+1) } END { print s + 0 }' "$work/pairs.txt"); $(uptime | sed 's/.*load average/load average/')"
