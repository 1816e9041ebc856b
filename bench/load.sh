#!/usr/bin/env bash
# Server CPU per review, and latency at half the maximum rate, on distinct AdmissionReviews
# (bench/ReviewBodies: 1,000 generated reviews, no two alike, posted in rotation by
# bench/LoadGenerator). One server on CPU 0, the load generator on CPU 1.
#  1. Maximum rate: closed loop (4 connections x 8 streams over HTTP/2, or 32 connections over
#     HTTP/1.1), ROUNDS runs of DURATION s of profile P, alternating with the same of profile off.
#     Server CPU per review = the server process's CPU time (utime + stime in /proc/PID/stat,
#     every thread: event loop, GC, JIT) over the run, divided by the reviews answered.
#  2. Half of P's median maximum, at a fixed rate: requests started on a schedule whatever the
#     answers, latency measured from each one's scheduled start (queueing is not hidden), ROUNDS
#     runs of DURATION s; p50/p99 per run, and the generator's own lateness (lag p99).
# Each run also shows how busy the server's event loop was (running or waiting for CPU 0: near 1.0
# at the maximum, else the generator set the rate) and the generator's own CPU and waiting.
# Prints one line per run, then a summary: maximum rate, CPU µs per review for P and off (at the
# maximum and at half), p50/p99 at half rate (median and worst of the runs), errors.
#   bench/load.sh                      # P=both over HTTP/2, ROUNDS=5 runs of DURATION=10 s, after
#                                      # 2 passes of each profile of WARMUP=20 s and WARMUP_REVIEWS=30000
#   PROTO=http1 P=always bench/load.sh
#   RATE=4000 bench/load.sh            # skip step 1: this fixed rate instead of half the maximum
#   JAVA_OPTS=... bench/load.sh        # JVM options for the server
# Needs curl, taskset, 2 cores. The machine's load moves the figures: it is printed with them.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}; DURATION=${DURATION:-10}; WARMUP=${WARMUP:-20}; WARMUP_REVIEWS=${WARMUP_REVIEWS:-30000}
P=${P:-both}; PROTO=${PROTO:-http2}
PORT=${PORT:-18443}
. bench/lib.sh
machine
# shellcheck disable=SC2086
start_bench_webhook ${JAVA_OPTS:-}
url() { echo "https://localhost:$PORT/mutate/$1"; }
show() { # label < generator output: one line per run
  grep '^step=' | while read -r line; do
    echo "$1 $(echo "$line" | field url | sed 's|.*/||') $(echo "$line" | field rps)/s errors $(echo "$line" | field errors)" \
      "p50 $(echo "$line" | field p50_ms) p99 $(echo "$line" | field p99_ms) ms, server $(echo "$line" | field server_cpu_us) µs/review," \
      "busy $(echo "$line" | field server_busy)," \
      "gen $(echo "$line" | field gen_cpu) of a core, $(echo "$line" | field gen_cpu_us) µs/review, waiting $(echo "$line" | field gen_wait)$(echo "$line" | grep -q lag_p99 && echo ", lag p99 $(echo "$line" | field lag_p99_ms) ms")"
  done
}

if [ -z "${RATE:-}" ]; then
  steps=()
  for pass in 1 2; do steps+=("$WARMUP:$WARMUP_REVIEWS@$(url "$P")" "$WARMUP:$WARMUP_REVIEWS@$(url off)"); done
  for r in $(seq "$ROUNDS"); do steps+=("$DURATION@$(url "$P")" "$DURATION@$(url off)"); done
  loadgen --proto "$PROTO" --pid "$PORT=$server" "${steps[@]}" | awk -F'step=' '/^step=/ { split($2, s, " "); if (s[1] > 4) print; next } { print }' \
    >"$work/max.txt"
  show max <"$work/max.txt"
  max=$(grep "/mutate/$P " "$work/max.txt" | field rps | median)
  RATE=$(awk -v m="$max" 'BEGIN { printf "%d", m / 2 }')
fi
echo "# fixed rate $RATE/s of $P: $(uptime | sed 's/.*load average/load average/')"
steps=()
for r in $(seq "$ROUNDS"); do steps+=("$DURATION@$(url "$P")"); done
loadgen --proto "$PROTO" --pid "$PORT=$server" --rate "$RATE" --warmup "$WARMUP" "${steps[@]}" >"$work/half.txt"
show half <"$work/half.txt"
grep '^# first error' "$work/max.txt" "$work/half.txt" 2>/dev/null | head -3 || true

echo
echo "== $PROTO, profile $P, distinct reviews, server on CPU 0 ($(uptime | sed 's/.*load average/load average/'))"
if [ -f "$work/max.txt" ]; then
  for p in "$P" off; do
    grep "/mutate/$p " "$work/max.txt" >"$work/sel.txt" || true
    echo "maximum, $p: $(field rps <"$work/sel.txt" | median) req/s (median of $(wc -l <"$work/sel.txt") runs of ${DURATION} s)," \
      "server CPU $(field server_cpu_us <"$work/sel.txt" | median) µs/review (quartiles $(field server_cpu_us <"$work/sel.txt" | quartiles))"
  done
fi
echo "half: $RATE req/s of $P: p50 $(field p50_ms <"$work/half.txt" | median) ms, p99 $(field p99_ms <"$work/half.txt" | median) ms" \
  "(median of $ROUNDS runs; worst $(field p99_ms <"$work/half.txt" | sort -g | tail -1) ms), generator lag p99" \
  "$(field lag_p99_ms <"$work/half.txt" | median) ms, server CPU $(field server_cpu_us <"$work/half.txt" | median) µs/review"
echo "errors: $(cat "$work"/max.txt "$work/half.txt" 2>/dev/null | field errors | awk '{ s += $1 } END { print s + 0 }')"
