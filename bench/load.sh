#!/usr/bin/env bash
# Loads the real server over loopback with real AdmissionReview bodies and prints requests/s and
# latency percentiles for a profile with every rule off and one with both rules on, side by side.
#   bench/load.sh                 # 10 s per run, 3 alternating rounds per profile and protocol
#   DURATION=30 ROUNDS=5 bench/load.sh
#   SPLIT_CORES=1 bench/load.sh   # server on CPU 0, load generators on CPU 1 (taskset): the two
#                                 # profiles then get the same CPU, whatever the load generator costs
# Needs: wrk, h2load (Debian: wrk, nghttp2-client), curl. Without SPLIT_CORES, load and server
# share this machine's cores.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
PORT=18443
BODY=${BODY:-src/test/resources/reviews/enforce-pod/request.json}
JAR=target/image-pull-webhook.jar
SERVER_CPU=""; LOAD_CPU=""
if [ -n "${SPLIT_CORES:-}" ]; then SERVER_CPU="taskset -c 0"; LOAD_CPU="taskset -c 1"; fi
[ -f "$JAR" ] || ./mvnw -B -q package -DskipTests
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

wait_ready() {
  until curl -sf --cacert "$work/certs/ca.crt" "https://localhost:$PORT/readyz" >/dev/null 2>&1; do sleep 0.02; done
}
start_server() {
  $SERVER_CPU java ${JAVA_OPTS:-} -jar "$JAR" serve -c bench/bench-config.yaml --cert-dir "$work/certs" >"$work/server.log" 2>&1 &
  pid=$!
  wait_ready
}
stop_server() { kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

if [ -z "${SKIP_STARTUP:-}" ]; then
# Certificate files provided, as in a cluster (cert-manager, managed Secret): generated once here.
java -jar "$JAR" serve --check --port=0 --metrics-port=-1 --cert-dir "$work/provided" >/dev/null 2>&1
printf 'server: {port: %s, metricsPort: 9090, shutdownDelayMillis: 0, tls: {certFile: %s, keyFile: %s}}\n' \
  "$PORT" "$work/provided/tls.crt" "$work/provided/tls.key" >"$work/provided.yaml"
startup_runs() { # label, java options...
  local label=$1; shift
  printf '%s: ' "$label"
  for i in 1 2 3 4 5 6 7 8 9 10; do
    t0=$(date +%s%N)
    java "$@" -jar "$JAR" serve -c "$work/provided.yaml" >/dev/null 2>&1 &
    pid=$!
    until curl -sf --cacert "$work/provided/ca.crt" "https://localhost:$PORT/readyz" >/dev/null 2>&1; do sleep 0.01; done
    t1=$(date +%s%N); stop_server
    printf '%s ' $(( (t1 - t0) / 1000000 ))
  done
  echo
}
echo "== startup: process start to the first readyz 200 seen by curl, ms (10 runs each)"
startup_runs "plain java -jar" -XX:-UsePerfData
# Trained as the container image is (serve --check with the training configuration: start, one
# review over TLS, stop), on this very jar.
java -XX:ArchiveClassesAtExit="$work/app.jsa" -jar "$JAR" serve --check -c docker/cds-training.yaml --port=0 --metrics-port=-1 \
  --cert-dir "$work/train" >/dev/null 2>&1
startup_runs "with the AppCDS archive, flags as in the Dockerfile" -XX:SharedArchiveFile="$work/app.jsa" \
  -XX:MaxRAMPercentage=70 -XX:-UsePerfData
fi

start_server
# Warm the JIT on both protocols and both profiles before anything is measured.
warm() {
  $LOAD_CPU h2load -c4 -m8 -D "${WARMUP:-10}" -d "$BODY" -H 'content-type: application/json' "https://localhost:$PORT/mutate/$1" >/dev/null 2>&1 || true
  BODY="$BODY" $LOAD_CPU wrk -t2 -c32 -d"${WARMUP:-10}s" -s bench/post.lua "https://localhost:$PORT/mutate/$1" >/dev/null 2>&1 || true
}
# One CPU compiles slowly: the rules' path is still being recompiled after 20 s of load, so each
# profile gets two passes (80 s in all) before measuring.
for pass in 1 2; do warm off; warm both; done

wrk_run() {
  BODY="$BODY" $LOAD_CPU wrk -t2 -c32 -d"${DURATION}s" --latency -s bench/post.lua "https://localhost:$PORT/mutate/$1" >"$work/wrk-$1.txt"
  rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk-$1.txt")
  p50=$(awk '$1=="50%" {print $2}' "$work/wrk-$1.txt"); p99=$(awk '$1=="99%" {print $2}' "$work/wrk-$1.txt")
  errors=$(grep -E "Non-2xx|Socket errors" "$work/wrk-$1.txt" | tr '\n' ' ' || true)
  echo "http1 $1 $rps" >>"$work/rates.txt"
  echo "| HTTP/1.1 wrk 2 threads x 32 conns | $1 | $rps | $p50 | $p99 | ${errors:-none} |"
}
h2_rps() { awk '/finished in/ { for (i = 1; i <= NF; i++) if ($i == "req/s,") print $(i-1) }' "$1"; }
# h2load: per-request log (start µs, status, duration µs) gives the percentiles.
h2_run() { # profile rate-per-client(optional)
  local rate=""; [ -n "${2:-}" ] && rate="--rps=$2"
  rm -f "$work/h2.log"
  $LOAD_CPU h2load -c4 -m8 -D "$DURATION" $rate --log-file="$work/h2.log" -d "$BODY" -H 'content-type: application/json' \
    "https://localhost:$PORT/mutate/$1" >"$work/h2-$1.txt"
  rps=$(h2_rps "$work/h2-$1.txt")
  read -r p50 p99 bad < <(awk '{ if ($2 != 200) bad++; print $3 }' "$work/h2.log" | sort -n | awk -v bad=0 '
    { v[NR] = $1 } END { printf "%.2fms %.2fms\n", v[int(NR*0.5)]/1000, v[int(NR*0.99)]/1000 }') || true
  failed=$(awk '$2 != 200' "$work/h2.log" | wc -l)
  [ -z "${2:-}" ] && echo "http2 $1 $rps" >>"$work/rates.txt"
  echo "| HTTP/2 h2load 4 conns x 8 streams${2:+, $2 req/s per conn} | $1 | $rps | $p50 | $p99 | $failed failed |"
}

echo
echo "| load | profile | requests/s | p50 | p99 | errors |"
echo "|---|---|---|---|---|---|"
# Rounds alternate the profiles, so that drift on a shared machine (seen here: +-30% between
# back-to-back runs of one profile) does not favour either; the ratio is of the summed rates.
for round in $(seq "${ROUNDS:-3}"); do wrk_run off; wrk_run both; done
for round in $(seq "${ROUNDS:-3}"); do h2_run off; h2_run both; done
max=$(h2_rps "$work/h2-both.txt" | cut -d. -f1)
h2_run both $(( max / 2 / 4 ))
echo
awk '{ sum[$1 " " $2] += $3 } END {
  printf "both rules / rules off, summed over the rounds: HTTP/1.1 %.1f%%, HTTP/2 %.1f%%\n",
    100 * sum["http1 both"] / sum["http1 off"], 100 * sum["http2 both"] / sum["http2 off"] }' "$work/rates.txt"
stop_server
grep -i "error\|exception" "$work/server.log" | head -5 || true
