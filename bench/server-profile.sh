#!/usr/bin/env bash
# Where the server's CPU goes per request, for two profiles, with the machine's drift cancelled:
# one server under the Flight Recorder (CPU samples every 1 ms), the profiles loaded over HTTP/2 in
# short alternating rounds, then bench/ServerProfile splits the samples by round and prints CPU
# microseconds per request by method for each profile and the difference.
#   bench/server-profile.sh                        # off vs both, 20 pairs of 3 s rounds after 60 s of warm-up
#   P1=off P2=off-again bench/server-profile.sh    # the same profile twice: shows the method's noise
#   ROUNDS=40 DURATION=3 WARMUP=20 bench/server-profile.sh
# Server on CPU 0, h2load on CPU 1 (taskset). Needs h2load (nghttp2-client), curl.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-20}; DURATION=${DURATION:-3}; WARMUP=${WARMUP:-10}; P1=${P1:-off}; P2=${P2:-both}
PORT=18443 # as in bench/bench-config.yaml
BODY=${BODY:-src/test/resources/reviews/enforce-pod/request.json}
./mvnw -B -q package -DskipTests -Djazzer.skip
./mvnw -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
. bench/lib.sh
cp bench/bench-config.yaml "$work/config.yaml"
SERVER_CPU="taskset -c 0" start_webhook -XX:+UnlockDiagnosticVMOptions -XX:+DebugNonSafepoints \
  -XX:StartFlightRecording=name=bench,settings="$PWD/bench/sampling.jfc"
h2() { # profile seconds -> requests/s
  taskset -c 1 h2load -c4 -m8 -D "$2" -d "$BODY" -H 'content-type: application/json' "https://localhost:$PORT/mutate/$1" | rps
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$server/stat"; }
round() { # profile: "profile start-ms end-ms requests cpu-us"
  local t0 c0 rate t1 c1
  t0=$(date +%s%3N); c0=$(cpu_ticks); rate=$(h2 "$1" "$DURATION"); t1=$(date +%s%3N); c1=$(cpu_ticks)
  echo "$1 $t0 $t1 $(echo "$rate * $DURATION" | bc) $(( (c1 - c0) * 1000000 / $(getconf CLK_TCK) ))"
}
# One CPU compiles slowly: warm both profiles (3 passes of WARMUP s each) before measuring.
for pass in 1 2 3; do h2 "$P1" "$WARMUP" >/dev/null; h2 "$P2" "$WARMUP" >/dev/null; done
for r in $(seq "$ROUNDS"); do # the order alternates, so neither profile always runs second
  if [ $((r % 2)) = 1 ]; then round "$P1"; round "$P2"; else round "$P2"; round "$P1"; fi
done >"$work/rounds.txt"
jcmd "$server" JFR.dump name=bench filename="$work/recording.jfr" >/dev/null
java -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.github.imagepullwebhook.bench.ServerProfile "$work/rounds.txt" "$work/recording.jfr" "$P1" "$P2" "${ROWS:-25}"
