#!/usr/bin/env bash
# Where the server's CPU goes per review, for two profiles, on distinct AdmissionReviews, with
# the machine's drift cancelled: one server under the Flight Recorder (CPU samples every 1 ms,
# bench/sampling.jfc), the two profiles loaded over HTTP/2 by bench/LoadGenerator in short
# alternating rounds, the server's CPU time read from /proc/PID/stat for each round; then
# bench/ServerProfile gives each sample to its round and prints CPU microseconds per review by
# method for each profile and the difference (our methods inclusive, then leaf frames anywhere).
#   bench/server-profile.sh                        # off vs both, 20 pairs of 3 s rounds after 3 passes of
#                                                  # each of 10 s (WARMUP) and 30000 reviews (WARMUP_REVIEWS)
#   P1=off P2=off-again bench/server-profile.sh    # the same profile twice: shows the method's noise
#   ROUNDS=40 DURATION=3 WARMUP=20 ROWS=40 bench/server-profile.sh
#   KEEP=/tmp/both.jfr bench/server-profile.sh     # also keep the recording (jfr print, JDK Mission Control)
#   CONFIG=FILE BODIES=DIR P1=both P2=pin bench/server-profile.sh   # another configuration's profiles on the
#                                                  # bodies in DIR (see bench/ratio.sh): PROFILE=1 bench/pinning.sh
# Server on CPU 0, the load generator on CPU 1. Needs curl, jcmd, taskset.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-20}; DURATION=${DURATION:-3}; WARMUP=${WARMUP:-10}; WARMUP_REVIEWS=${WARMUP_REVIEWS:-30000}
P1=${P1:-off}; P2=${P2:-both}
PORT=${PORT:-18443}
. bench/lib.sh
machine
start_bench_webhook -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints \
  -XX:StartFlightRecording=name=bench,settings="$PWD/bench/sampling.jfc"
url() { echo "https://localhost:$PORT/mutate/$1"; }
steps=()
for pass in 1 2 3; do steps+=("$WARMUP:$WARMUP_REVIEWS@$(url "$P1")" "$WARMUP:$WARMUP_REVIEWS@$(url "$P2")"); done
for r in $(seq "$ROUNDS"); do # the order alternates, so neither profile always runs second
  if [ $((r % 2)) = 1 ]; then steps+=("$DURATION@$(url "$P1")" "$DURATION@$(url "$P2")")
  else steps+=("$DURATION@$(url "$P2")" "$DURATION@$(url "$P1")"); fi
done
# Rounds file for ServerProfile: "profile start-ms end-ms requests cpu-us", warm-up left out.
bodies=(); [ -z "${BODIES:-}" ] || bodies=(--body "$BODIES")
loadgen "${bodies[@]}" --pid "$PORT=$server" "${steps[@]}" | tee "$work/gen.txt" | grep '^step=' | while read -r line; do
  [ "$(echo "$line" | field step)" -gt 6 ] || continue
  echo "$(echo "$line" | field url | sed 's|.*/||') $(echo "$line" | field start_ms) $(echo "$line" | field end_ms)" \
    "$(echo "$line" | field requests) $(awk -v c="$(echo "$line" | field server_cpu_us)" -v n="$(echo "$line" | field requests)" 'BEGIN { printf "%d", c * n }')"
done >"$work/rounds.txt"
grep '^# first error' "$work/gen.txt" | head -3 || true
jcmd "$server" JFR.dump name=bench filename="$work/recording.jfr" >/dev/null
[ -z "${KEEP:-}" ] || cp "$work/recording.jfr" "$KEEP"
java -cp "$CP" io.github.imagepullwebhook.bench.ServerProfile "$work/rounds.txt" "$work/recording.jfr" "$P1" "$P2" "${ROWS:-25}"
echo "# $(uptime | sed 's/.*load average/load average/')"
